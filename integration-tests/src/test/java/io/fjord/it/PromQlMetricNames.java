package io.fjord.it;

import java.util.LinkedHashSet;
import java.util.Set;

/**
 * The metric names a PromQL expression (as written in a Grafana panel) selects: every identifier that is not a
 * function or aggregation (an identifier followed by {@code (}, or by {@code by}/{@code without}), not a keyword or operator word, not inside a label
 * matcher {@code {...}}, a range or subquery {@code [...]}, a string, or the label list of {@code by}/{@code without}/
 * {@code on}/{@code ignoring}/{@code group_left}/{@code group_right}, and not a Grafana variable ({@code $x},
 * {@code ${x}}, {@code [[x]]}). Numbers and durations ({@code 0.99}, {@code 1e3}, {@code 5m}) are skipped.
 *
 * <p>A small tokenizer, not a parser: it assumes a syntactically valid expression. Stateless.
 */
final class PromQlMetricNames {
    private static final Set<String> KEYWORDS = Set.of("and", "or", "unless", "bool", "offset", "inf", "nan",
            "by", "without", "on", "ignoring", "group_left", "group_right", "atan2");
    private static final Set<String> LABEL_LIST_KEYWORDS = Set.of("by", "without", "on", "ignoring", "group_left",
            "group_right");

    private PromQlMetricNames() {
    }

    /** The metric names in {@code expression}, in order of first appearance. */
    static Set<String> of(String expression) {
        Set<String> names = new LinkedHashSet<>();
        int i = 0;
        int n = expression.length();
        while (i < n) {
            char c = expression.charAt(i);
            if (c == '"' || c == '\'' || c == '`') {
                i = skipString(expression, i);
            } else if (c == '{') {
                i = skipGroup(expression, i, '{', '}');
            } else if (c == '[') {
                i = skipGroup(expression, i, '[', ']');
            } else if (c == '$') {
                i = skipVariable(expression, i);
            } else if (Character.isDigit(c) || (c == '.' && i + 1 < n && Character.isDigit(expression.charAt(i + 1)))) {
                i = skipWord(expression, i);
            } else if (isIdentifierStart(c)) {
                int end = skipWord(expression, i);
                String word = expression.substring(i, end);
                int next = skipSpaces(expression, end);
                boolean call = next < n && expression.charAt(next) == '(' || isAggregationModifier(expression, next);
                if (call && LABEL_LIST_KEYWORDS.contains(word)) {
                    i = skipGroup(expression, next, '(', ')');
                } else {
                    if (!call && !KEYWORDS.contains(word.toLowerCase())) {
                        names.add(word);
                    }
                    i = end;
                }
            } else {
                i++;
            }
        }
        return names;
    }

    /** {@code by} or {@code without} at {@code i}: the word before is an aggregation ({@code sum by (x) (...)}). */
    private static boolean isAggregationModifier(String s, int i) {
        if (i >= s.length() || !isIdentifierStart(s.charAt(i))) {
            return false;
        }
        String word = s.substring(i, skipWord(s, i));
        return word.equals("by") || word.equals("without");
    }

    private static boolean isIdentifierStart(char c) {
        return Character.isLetter(c) || c == '_' || c == ':';
    }

    private static boolean isWordPart(char c) {
        return Character.isLetterOrDigit(c) || c == '_' || c == ':' || c == '.';
    }

    private static int skipWord(String s, int i) {
        int j = i;
        while (j < s.length() && isWordPart(s.charAt(j))) {
            j++;
        }
        return j;
    }

    private static int skipSpaces(String s, int i) {
        int j = i;
        while (j < s.length() && Character.isWhitespace(s.charAt(j))) {
            j++;
        }
        return j;
    }

    /** From an opening quote to just after its closing quote; backslash escapes except in backtick strings. */
    private static int skipString(String s, int i) {
        char quote = s.charAt(i);
        int j = i + 1;
        while (j < s.length() && s.charAt(j) != quote) {
            j += (s.charAt(j) == '\\' && quote != '`') ? 2 : 1;
        }
        return j + 1;
    }

    /** From {@code open} at {@code i} to just after the matching {@code close}, skipping strings on the way. */
    private static int skipGroup(String s, int i, char open, char close) {
        int depth = 0;
        int j = i;
        while (j < s.length()) {
            char c = s.charAt(j);
            if (c == '"' || c == '\'' || c == '`') {
                j = skipString(s, j);
                continue;
            }
            if (c == open) {
                depth++;
            } else if (c == close && --depth == 0) {
                return j + 1;
            }
            j++;
        }
        return j;
    }

    /** {@code $name}, {@code ${name}} or {@code ${name:format}}. */
    private static int skipVariable(String s, int i) {
        int j = i + 1;
        if (j < s.length() && s.charAt(j) == '{') {
            return skipGroup(s, j, '{', '}');
        }
        while (j < s.length() && (Character.isLetterOrDigit(s.charAt(j)) || s.charAt(j) == '_')) {
            j++;
        }
        return j;
    }
}
