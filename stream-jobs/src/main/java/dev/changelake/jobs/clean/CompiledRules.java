package dev.changelake.jobs.clean;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.apache.calcite.util.ImmutableBitSet;

import dev.changelake.schema.ColumnType;
import dev.changelake.schema.TableSchema;

/**
 * A table's {@link CleaningRules} compiled for one input schema: what the lake receives instead of the source rows.
 *
 * <p>Serializable, to travel inside Flink functions: it carries the Java source Calcite generated for each rule and
 * compiles it to bytecode once per copy, on the first row, never per row (that first compilation is thread-safe; a
 * Flink subtask's deserialized copy is meant for that subtask alone).
 */
public final class CompiledRules implements Serializable {
    private static final long serialVersionUID = 1L;

    /** One rule of {@code columns}, compiled: the column it writes and whether that column exists in the input. */
    static final class ColumnRule {
        private final String column;
        private final boolean rewrites;
        private final ExpressionCompiler.Compiled code;

        ColumnRule(String column, boolean rewrites, ExpressionCompiler.Compiled code) {
            this.column = column;
            this.rewrites = rewrites;
            this.code = code;
        }

        public String column() {
            return column;
        }

        public boolean rewrites() {
            return rewrites;
        }

        public ExpressionCompiler.Compiled code() {
            return code;
        }

        @Override
        public boolean equals(Object other) {
            if (this == other) {
                return true;
            }
            if (!(other instanceof ColumnRule)) {
                return false;
            }
            ColumnRule o = (ColumnRule) other;
            return java.util.Objects.equals(column, o.column)
                    && rewrites == o.rewrites
                    && java.util.Objects.equals(code, o.code);
        }

        @Override
        public int hashCode() {
            return java.util.Objects.hash(column, rewrites, code);
        }

        @Override
        public String toString() {
            return "ColumnRule[column=" + column + ", rewrites=" + rewrites + ", code=" + code + "]";
        }
    }

    private final TableSchema output;
    private final String[] inputNames;
    private final ColumnType.Kind[] inputKinds;
    /** The input columns some rule reads: only those are converted for Calcite. */
    private final int[] inputsRead;
    private final Evaluator filter;
    private final Evaluator[] computed;
    private final String[] outputNames;
    /** For each output column: the index of the rule that computes it, or -1 when it is the input's value. */
    private final int[] outputRule;

    CompiledRules(TableSchema input, ExpressionCompiler.Compiled filter, List<ColumnRule> rules, Set<String> dropped) {
        List<TableSchema.Column> in = input.columns();
        this.inputNames = in.stream().map(TableSchema.Column::name).toArray(String[]::new);
        this.inputKinds = in.stream().map(c -> c.type().kind()).toArray(ColumnType.Kind[]::new);
        this.filter = filter == null ? null : filter.evaluator();
        this.computed = rules.stream().map(r -> r.code().evaluator()).toArray(Evaluator[]::new);

        ImmutableBitSet.Builder read = ImmutableBitSet.builder();
        if (filter != null) {
            read.addAll(filter.inputs());
        }
        rules.forEach(r -> read.addAll(r.code().inputs()));
        this.inputsRead = read.build().toArray();

        Map<String, Integer> ruleOf = new HashMap<>();
        for (int i = 0; i < rules.size(); i++) {
            ruleOf.put(rules.get(i).column(), i);
        }
        List<TableSchema.Column> columns = new ArrayList<>();
        List<Integer> from = new ArrayList<>();
        for (TableSchema.Column c : in) {
            Integer rule = ruleOf.get(c.name());
            if (rule != null) {
                columns.add(column(rules.get(rule)));
                from.add(rule);
            } else if (!dropped.contains(c.name())) {
                columns.add(c);
                from.add(-1);
            }
        }
        for (int i = 0; i < rules.size(); i++) {
            if (!rules.get(i).rewrites()) {
                columns.add(column(rules.get(i)));
                from.add(i);
            }
        }
        this.output = new TableSchema(input.table(), columns, input.primaryKey());
        this.outputNames = columns.stream().map(TableSchema.Column::name).toArray(String[]::new);
        this.outputRule = from.stream().mapToInt(Integer::intValue).toArray();
    }

    private static TableSchema.Column column(ColumnRule rule) {
        return new TableSchema.Column(rule.column(), rule.code().evaluator().resultType(),
                rule.code().type().isNullable());
    }

    /**
     * The input's columns in their order, rewritten ones with their new type, dropped ones removed, computed ones
     * appended in rule order; the same primary key.
     */
    public TableSchema outputSchema() {
        return output;
    }

    /**
     * The row as the lake receives it, or null when the filter leaves it out (its condition is FALSE or NULL).
     * Columns no rule computes keep their value object as it is; computed ones are in the canonical form of their
     * {@link #outputSchema()} type.
     *
     * @param row a row of the input schema, in canonical forms
     * @throws CleaningException when a rule cannot be evaluated on this row (e.g. CAST('abc' AS INT), a DECIMAL
     *                           too wide for its type); the message names the rule, not the values
     */
    public Map<String, Object> apply(Map<String, Object> row) {
        RowContext context = new RowContext(calciteValues(row));
        if (filter != null && !Boolean.TRUE.equals(filter.evaluate(context))) {
            return null;
        }
        Object[] values = new Object[computed.length];
        for (int i = 0; i < computed.length; i++) {
            values[i] = computed[i].evaluate(context);
        }
        Map<String, Object> out = new LinkedHashMap<>(outputNames.length * 4 / 3 + 1);
        for (int i = 0; i < outputNames.length; i++) {
            out.put(outputNames[i], outputRule[i] < 0 ? row.get(outputNames[i]) : values[outputRule[i]]);
        }
        return out;
    }

    private Object[] calciteValues(Map<String, Object> row) {
        Object[] values = new Object[inputNames.length];
        for (int i : inputsRead) {
            try {
                values[i] = CalciteTypes.toCalcite(inputKinds[i], row.get(inputNames[i]));
            } catch (ClassCastException e) {
                throw new CleaningException("column " + inputNames[i] + ": its value is not the canonical form of "
                        + inputKinds[i]);
            }
        }
        return values;
    }
}
