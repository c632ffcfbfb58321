package io.fjord.codegen;

/**
 * An inclusive range of protocol versions, written {@code 3+}, {@code 0-12}, {@code 5} or {@code none} in
 * schema files. Immutable.
 */
public record Versions(int low, int high) {

    public static final int OPEN = Short.MAX_VALUE;
    public static final Versions ALL = new Versions(0, OPEN);
    public static final Versions NONE = new Versions(1, 0);

    public static boolean looksLikeVersions(String token) {
        return token.equals("none") || token.matches("\\d+(\\+|-\\d+)?");
    }

    public static Versions parse(String token) {
        if (token.equals("none")) {
            return NONE;
        }
        if (token.endsWith("+")) {
            return new Versions(Integer.parseInt(token.substring(0, token.length() - 1)), OPEN);
        }
        int dash = token.indexOf('-');
        if (dash > 0) {
            Versions range = new Versions(Integer.parseInt(token.substring(0, dash)), Integer.parseInt(token.substring(dash + 1)));
            if (range.isEmpty()) {
                throw new IllegalArgumentException("empty version range " + token);
            }
            return range;
        }
        int single = Integer.parseInt(token);
        return new Versions(single, single);
    }

    public boolean isEmpty() {
        return low > high;
    }

    public boolean contains(int version) {
        return version >= low && version <= high;
    }

    public boolean containsAll(Versions other) {
        return other.isEmpty() || (!isEmpty() && low <= other.low && high >= other.high);
    }

    public Versions intersect(Versions other) {
        Versions result = new Versions(Math.max(low, other.low), Math.min(high, other.high));
        return result.isEmpty() ? NONE : result;
    }

    /** A Java boolean expression over a variable named {@code version}, valid within {@code bounds}. */
    public String condition(Versions bounds) {
        Versions effective = intersect(bounds);
        if (effective.isEmpty()) {
            return "false";
        }
        boolean needLow = effective.low > bounds.low;
        boolean needHigh = effective.high < bounds.high;
        if (needLow && needHigh) {
            return effective.low == effective.high
                    ? "version == " + effective.low
                    : "version >= " + effective.low + " && version <= " + effective.high;
        }
        if (needLow) {
            return "version >= " + effective.low;
        }
        if (needHigh) {
            return "version <= " + effective.high;
        }
        return "true";
    }

    @Override
    public String toString() {
        if (isEmpty()) {
            return "none";
        }
        if (high == OPEN) {
            return low + "+";
        }
        return low == high ? Integer.toString(low) : low + "-" + high;
    }
}
