package io.fjord.codegen;

/** Accumulates Java source with four-space indentation. Not thread-safe. */
final class CodeWriter {
    private final StringBuilder out = new StringBuilder();
    private int depth;

    CodeWriter line(String text) {
        if (!text.isEmpty()) {
            out.append("    ".repeat(depth)).append(text);
        }
        out.append('\n');
        return this;
    }

    CodeWriter blank() {
        return line("");
    }

    /** Writes {@code text + " {"} and indents. */
    CodeWriter open(String text) {
        line(text + " {");
        depth++;
        return this;
    }

    /** Dedents and writes {@code "}" + suffix}. */
    CodeWriter close(String suffix) {
        depth--;
        return line("}" + suffix);
    }

    CodeWriter close() {
        return close("");
    }

    /** Dedents, writes {@code "} " + text + " {"} and indents again, as for else branches. */
    CodeWriter reopen(String text) {
        depth--;
        line("} " + text + " {");
        depth++;
        return this;
    }

    @Override
    public String toString() {
        return out.toString();
    }
}
