package dev.changelake.jobs.clean;

import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.apache.calcite.sql.parser.SqlParseException;

/**
 * Calcite's parse errors in plain words. Its own message lists every token the grammar could accept next (often more
 * than a hundred); this keeps where it went wrong and the few tokens that would actually fix it.
 */
final class SyntaxErrors {
    private static final Pattern ENCOUNTERED = Pattern.compile("Encountered \"(.*?)\" at line");
    private static final String EOF = "<EOF>";
    private static final String OPERAND = "<IDENTIFIER>";
    /**
     * Tokens the grammar would accept after almost anything (operators, query clauses, window and aggregate
     * suffixes): listing them says nothing about the mistake.
     */
    private static final Set<String> NOISE = Set.of("\"!=\"", "\"%\"", "\"*\"", "\"+\"", "\"-\"", "\".\"", "\"/\"",
            "\"<\"", "\"<=\"", "\"<>\"", "\"=\"", "\">\"", "\">=\"", "\"||\"", "\"[\"", "\"(\"", "\"->\"", "\"=>\"",
            "\"AND\"", "\"OR\"", "\"NOT\"", "\"IS\"", "\"IN\"", "\"BETWEEN\"", "\"LIKE\"", "\"ILIKE\"", "\"RLIKE\"",
            "\"SIMILAR\"", "\"MEMBER\"", "\"SUBMULTISET\"", "\"MULTISET\"", "\"ARRAY\"", "\"CONTAINS\"", "\"EQUALS\"",
            "\"OVERLAPS\"", "\"PRECEDES\"", "\"SUCCEEDS\"", "\"IMMEDIATELY\"", "\"FORMAT\"", "\"UNION\"", "\"EXCEPT\"",
            "\"INTERSECT\"", "\"MINUS\"", "\"ORDER\"", "\"LIMIT\"", "\"OFFSET\"", "\"FETCH\"", "\"PARTITION\"",
            "\"FILTER\"", "\"IGNORE\"", "\"OVER\"", "\"RESPECT\"", "\"WITHIN\"");
    private static final int MAX_LISTED = 6;

    private SyntaxErrors() {
    }

    /** {@code <rule>: <expression> — syntax error at column N: expected ")"}. */
    static String describe(String rule, String expression, SqlParseException e) {
        return rule + ": " + expression + " — " + what(expression, e);
    }

    private static String what(String expression, SqlParseException e) {
        if (expression.isBlank()) {
            return "the expression is empty";
        }
        int offset = offset(expression, e.getPos().getLineNum(), e.getPos().getColumnNum());
        int openQuote = unclosedQuote(expression);
        if (openQuote >= 0) {
            return "syntax error at " + at(expression, openQuote) + ": this string is not closed (a ' is missing)";
        }
        if (doubleQuoteOutsideString(expression)) {
            return "syntax error at " + at(expression, offset) + ": strings take single quotes ('text');"
                    + " identifiers that need quoting take backticks";
        }
        Matcher m = ENCOUNTERED.matcher(String.valueOf(e.getMessage()));
        if (!m.find()) {
            // Not a token mismatch but a rule of the grammar, e.g. "BETWEEN operator has no terminating AND".
            return "syntax error at " + at(expression, offset) + ": "
                    + String.valueOf(e.getMessage()).lines().findFirst().orElse("");
        }
        Set<String> specific = new TreeSet<>(e.getExpectedTokenNames());
        boolean operand = specific.contains(OPERAND);
        specific.removeAll(NOISE);
        // JavaCC reports the lookahead it failed on, e.g. "+ *" or "and <EOF>", at its first token; the last one is
        // the culprit.
        String encountered = m.group(1).replace("\\\"", "\"").replace("\\'", "'");
        String[] tokens = encountered.split(" ");
        String last = tokens[tokens.length - 1];
        if (last.equals(EOF)) {
            // Where the missing part would go: just after the expression's last character.
            return "syntax error at " + at(expression, expression.stripTrailing().length()) + ": "
                    + (tokens.length > 1 ? "it ends after \"" + tokens[tokens.length - 2] + "\"; " : "")
                    + expectation(specific, operand, true);
        }
        if (tokens.length > 1 && encountered.indexOf('\'') < 0) {
            int found = expression.indexOf(last, offset + tokens[0].length());
            offset = found >= 0 ? found : offset;
        } else {
            last = encountered;
        }
        return "syntax error at " + at(expression, offset) + ": unexpected \"" + last + "\"; "
                + expectation(specific, operand, false);
    }

    /** The 0-based offset of Calcite's 1-based line and column. */
    private static int offset(String expression, int line, int column) {
        int offset = 0;
        for (int l = 1; l < line; l++) {
            int next = expression.indexOf('\n', offset);
            if (next < 0) {
                break;
            }
            offset = next + 1;
        }
        return Math.min(expression.length(), offset + Math.max(0, column - 1));
    }

    /** {@code column N}, or {@code line L, column N} for a multi-line expression. */
    private static String at(String expression, int offset) {
        int lineStart = expression.lastIndexOf('\n', offset - 1) + 1;
        int line = (int) expression.substring(0, lineStart).chars().filter(c -> c == '\n').count() + 1;
        return ExpressionCompiler.position(line, offset - lineStart + 1);
    }

    private static String expectation(Set<String> specific, boolean operand, boolean atEnd) {
        if (atEnd && specific.contains("\")\"")) {
            return "expected \")\"";
        }
        if (atEnd && specific.contains("\"END\"")) {
            return "expected \"END\"";
        }
        if (operand) {
            return "expected a value, a column or a function";
        }
        specific.remove(OPERAND);
        if (specific.isEmpty() || specific.size() > MAX_LISTED) {
            return "expected an operator";
        }
        return "expected " + String.join(" or ", specific).replace(EOF, "the end of the expression");
    }

    /** MySQL reads {@code "text"} as a string; Calcite's parser, even with MySQL lexing, does not. */
    private static boolean doubleQuoteOutsideString(String expression) {
        boolean inString = false;
        for (char c : expression.toCharArray()) {
            if (c == '\'') {
                inString = !inString;
            } else if (c == '"' && !inString) {
                return true;
            }
        }
        return false;
    }

    /** Where the string left open starts, or -1. ({@code ''} inside a string is two quotes: it toggles twice.) */
    private static int unclosedQuote(String expression) {
        int open = -1;
        for (int i = 0; i < expression.length(); i++) {
            if (expression.charAt(i) == '\'') {
                open = open < 0 ? i : -1;
            }
        }
        return open;
    }
}
