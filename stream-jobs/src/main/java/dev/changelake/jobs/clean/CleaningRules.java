package dev.changelake.jobs.clean;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;

import org.apache.calcite.sql.parser.SqlParseException;

import dev.changelake.schema.TableSchema;

/**
 * One table's cleaning rules, as configured in {@code pipeline.yaml}:
 * <pre>
 * filter: "status &lt;&gt; 'TEST'"          # keep rows where TRUE; FALSE or NULL leaves the row out of the lake
 * columns:                              # computed or rewritten columns, in order
 *   email: "lower(trim(email))"         # a name that exists rewrites that column (value and type)
 *   amount_usd: "amount * 1.1"          # a new name adds a column after the table's own
 *   ssn: "mask(ssn)"                    # also sha256(x), mask(x, n), redact(x): see PiiFunctions
 * drop: [internal_flag]                 # columns left out of the lake
 * </pre>
 *
 * <p>Expressions are SQL as Apache Calcite parses, validates and compiles it: its standard functions and operators
 * (CASE, CAST, COALESCE, {@code ||}, arithmetic, comparison, LOWER, TRIM, SUBSTRING, …) plus the functions of
 * {@link PiiFunctions}. Lexing is MySQL's: strings in single quotes, identifiers that need quoting in backticks,
 * {@code !=} and {@code %} accepted. Identifiers keep their case but match columns and functions
 * <b>case-insensitively</b>, as MySQL's column names do; so {@code columns}/{@code drop} names match existing
 * columns case-insensitively too, and a rewritten column keeps the source table's spelling.
 *
 * <p>Every expression sees the row as it came from the source, dropped columns included: the filter is applied
 * first, and one column's rule does not see another rule's result (SQL's {@code SELECT … WHERE}). A rule sees one
 * row, so queries, aggregates and window functions are refused. The primary key can be neither rewritten nor
 * dropped: it identifies the row in the lake. Types are not converted implicitly ({@code email * 2} is refused when
 * compiled rather than failing row by row): CAST where a conversion is meant.
 *
 * <p>Types: a column reaches an expression as BOOLEAN, INTEGER, BIGINT, REAL, DOUBLE, DECIMAL(p,s), VARCHAR,
 * VARBINARY, DATE, TIMESTAMP(3) or TIMESTAMP(3) WITH LOCAL TIME ZONE (TIMESTAMP_TZ); a TIME column, being a MySQL
 * duration, is a BIGINT of microseconds. A result's lake type follows from its SQL type: integers up to INTEGER are
 * INT, BIGINT is LONG (so a rewritten TIME column becomes a LONG), CHAR and VARCHAR are STRING (never space-padded:
 * a CASE of 'a' and 'abc' is VARCHAR), DECIMAL keeps the precision and scale Calcite derives, at most 38 digits.
 *
 * <p>Precision lost: Calcite's timestamps are milliseconds, so a TIMESTAMP used <i>inside</i> an expression is
 * truncated to the millisecond (towards the past, so comparisons with whole-millisecond literals are still exact) and
 * a computed or rewritten timestamp has zero microseconds; columns no rule rewrites keep their microseconds, as they
 * keep every value, untouched. A DECIMAL result is rounded half-up to its type's scale; a DECIMAL division is
 * computed to 16 significant digits (Calcite's {@code MathContext.DECIMAL64}) before that. {@code CURRENT_TIMESTAMP}
 * and its kin read the clock when the row is evaluated, in UTC.
 */
public final class CleaningRules implements Serializable {
    private static final long serialVersionUID = 1L;
    static final String FILTER = "filter";
    static final String COLUMNS = "columns";
    static final String DROP = "drop";

    private final String filter;
    private final Map<String, String> columns;
    private final List<String> drop;

    private CleaningRules(String filter, Map<String, String> columns, List<String> drop) {
        this.filter = filter;
        this.columns = columns;
        this.drop = drop;
    }

    /**
     * @param filter  the condition rows must meet, or null for none
     * @param columns column name to expression, in the order the columns are added (iteration order is kept)
     * @param drop    names of columns left out of the lake
     */
    public static CleaningRules of(String filter, Map<String, String> columns, List<String> drop) {
        Map<String, String> cols = new LinkedHashMap<>();
        if (columns != null) {
            // A YAML key without a value arrives as null: kept as an empty expression, which is reported.
            columns.forEach((name, expression) ->
                    cols.put(name == null ? "" : name, expression == null ? "" : expression));
        }
        // Plain collections, never handed out: immutable by encapsulation, and copyable by Kryo should Flink use it.
        List<String> dropped = new ArrayList<>();
        if (drop != null) {
            drop.forEach(d -> dropped.add(d == null ? "" : d));
        }
        return new CleaningRules(filter, cols, dropped);
    }

    /** True when there is nothing to do: every row goes to the lake as it is. */
    public boolean isEmpty() {
        return filter == null && columns.isEmpty() && drop.isEmpty();
    }

    /**
     * Everything wrong that can be seen without the table's schema: expressions that do not parse and columns both
     * computed and dropped. One message per problem, starting with its YAML path, e.g.
     * {@code tables[2].columns.email: lower(trim(email) — syntax error at column 18: expected ")"}.
     *
     * @param yamlPath where these rules are in {@code pipeline.yaml}, e.g. {@code tables[2]}
     */
    public List<String> syntaxProblems(String yamlPath) {
        List<String> problems = new ArrayList<>();
        if (filter != null) {
            parse(yamlPath + "." + FILTER, filter, problems);
        }
        columns.forEach((name, expression) -> {
            if (name.isBlank()) {
                problems.add(yamlPath + "." + COLUMNS + ": a column name is empty");
            } else {
                parse(yamlPath + "." + COLUMNS + "." + name, expression, problems);
            }
        });
        Set<String> computed = caseInsensitive(columns.keySet());
        for (String name : drop) {
            if (computed.contains(name)) {
                problems.add(yamlPath + "." + DROP + ": " + name + " is also computed in " + yamlPath + "." + COLUMNS
                        + "." + name + "; a column is either computed or dropped");
            }
        }
        return problems;
    }

    private static void parse(String path, String expression, List<String> problems) {
        try {
            ExpressionCompiler.parse(expression);
        } catch (SqlParseException e) {
            problems.add(SyntaxErrors.describe(path, expression, e));
        }
    }

    /**
     * Validates and type-checks the rules against the source table's columns and generates their code, once for
     * this schema; the result evaluates rows of this schema only.
     *
     * @throws CleaningException listing every problem, each naming its rule ({@code filter}, {@code columns.email},
     *                           {@code drop}), the expression, the position in it and the columns available
     */
    public CompiledRules compile(TableSchema input) throws CleaningException {
        List<String> problems = new ArrayList<>();
        Map<String, TableSchema.Column> byName = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        input.columns().forEach(c -> byName.put(c.name(), c));
        Set<String> key = caseInsensitive(input.primaryKey());
        Set<String> computed = caseInsensitive(columns.keySet());
        String available = "; available columns: " + input.columns().stream().map(TableSchema.Column::name)
                .collect(Collectors.joining(", "));

        Set<String> dropped = caseInsensitive(List.of());
        for (String name : drop) {
            TableSchema.Column column = byName.get(name);
            if (column == null) {
                problems.add(DROP + ": " + name + " is not a column of " + input.table() + available);
            } else if (key.contains(name)) {
                problems.add(DROP + ": " + name + " is part of the primary key, which identifies the row in the lake");
            } else if (computed.contains(name)) {
                problems.add(DROP + ": " + name + " is also computed in " + COLUMNS + "." + name);
            } else {
                dropped.add(column.name());
            }
        }

        ExpressionCompiler compiler = new ExpressionCompiler(input);
        ExpressionCompiler.Compiled filterCode = null;
        if (filter != null) {
            try {
                filterCode = compiler.compileFilter(FILTER, filter);
            } catch (CleaningException e) {
                problems.addAll(e.problems());
            }
        }
        List<CompiledRules.ColumnRule> rules = new ArrayList<>();
        Set<String> targets = caseInsensitive(List.of());
        columns.forEach((name, expression) -> {
            String rule = COLUMNS + "." + name;
            if (name.isBlank()) {
                problems.add(COLUMNS + ": a column name is empty");
                return;
            }
            TableSchema.Column existing = byName.get(name);
            if (existing != null && key.contains(name)) {
                problems.add(rule + ": " + expression + " — " + existing.name() + " is part of the primary key, which"
                        + " identifies the row in the lake; compute a new column from it instead");
                return;
            }
            String target = existing != null ? existing.name() : name;
            if (!targets.add(target)) {
                problems.add(rule + ": another rule already computes " + target + " (names match case-insensitively)");
                return;
            }
            try {
                rules.add(new CompiledRules.ColumnRule(target, existing != null, compiler.compile(rule, expression)));
            } catch (CleaningException e) {
                problems.addAll(e.problems());
            }
        });
        if (!problems.isEmpty()) {
            throw new CleaningException(problems);
        }
        return new CompiledRules(input, filterCode, rules, dropped);
    }

    private static Set<String> caseInsensitive(Iterable<String> names) {
        Set<String> set = new TreeSet<>(String.CASE_INSENSITIVE_ORDER);
        names.forEach(set::add);
        return set;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof CleaningRules)) {
            return false;
        }
        CleaningRules r = (CleaningRules) o;
        return Objects.equals(r.filter, filter) && r.columns.equals(columns) && r.drop.equals(drop);
    }

    @Override
    public int hashCode() {
        return Objects.hash(filter, columns, drop);
    }

    @Override
    public String toString() {
        return "CleaningRules{filter=" + filter + ", columns=" + columns + ", drop=" + drop + "}";
    }
}
