package dev.changelake.jobs.clean;

import dev.changelake.lake.verify.RowTransform;
import dev.changelake.schema.TableSchema;
import java.util.Map;

/** A table's cleaning rules as the verifier applies them to source rows, exactly as the job applies them to changes. */
public final class CleaningTransform implements RowTransform {
    private static final long serialVersionUID = 1L;

    private final TableSchema source;
    private final CompiledRules rules;

    /** @throws CleaningException when the rules do not apply to the table's columns */
    public CleaningTransform(TableSchema source, CleaningRules rules) {
        this.source = source;
        this.rules = rules.compile(source);
    }

    @Override
    public TableSchema sourceSchema() {
        return source;
    }

    @Override
    public Map<String, Object> apply(Map<String, Object> row) {
        return rules.apply(row);
    }
}
