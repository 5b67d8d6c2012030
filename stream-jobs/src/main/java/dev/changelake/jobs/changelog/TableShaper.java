package dev.changelake.jobs.changelog;

import dev.changelake.jobs.clean.CompiledRules;
import dev.changelake.lake.delta.DeltaTables;
import dev.changelake.lake.iceberg.IcebergSchemas;
import dev.changelake.lake.iceberg.IcebergTables;
import dev.changelake.schema.ChangeRecord;
import dev.changelake.schema.ColumnType;
import dev.changelake.schema.Op;
import dev.changelake.schema.TableId;
import dev.changelake.schema.TableSchema;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.types.Type;
import org.apache.iceberg.types.TypeUtil;
import org.apache.iceberg.types.Types;

/**
 * Shapes a decoded change for its lake table: applies the table's cleaning rules, then its schema-evolution mode
 * against the lake table (created on first sight), and checks every value fits its lake column. What comes out is
 * guaranteed to convert to a lake row; what cannot is {@link Refused} with the reason, for the dead letters.
 *
 * <p>Work per source schema (compiling rules, comparing with the lake table) is done once and kept: a table sees a
 * handful of schemas and millions of rows.
 */
final class TableShaper {
    /** Why a change cannot reach the lake. */
    static final class Refused extends Exception {
        private static final long serialVersionUID = 1L;
        final String stage;
        final String code;

        Refused(String stage, String code, String reason) {
            super(reason);
            this.stage = stage;
            this.code = code;
        }
    }

    private final ChangelogJobOptions options;
    private final Catalog catalog;
    private final Map<TableId, Map<TableSchema, Plan>> plans = new HashMap<>();
    private final Map<TableId, KeyLookup> keyLookups = new HashMap<>();
    private io.delta.kernel.engine.Engine deltaEngine;

    TableShaper(ChangelogJobOptions options, Catalog catalog) {
        this.options = options;
        this.catalog = catalog;
    }

    /**
     * @return the change as its lake table takes it (after image cleaned, schema = the schema to write it with), or
     *     null when it has nothing for the lake (a row of a table without key that the filter rejects)
     */
    ChangeRecord shape(ChangeRecord change) throws Refused {
        Plan plan = plans.computeIfAbsent(change.table(), t -> new HashMap<>())
                .computeIfAbsent(change.schema(), s -> plan(change.table(), s));
        if (plan.refusal != null) {
            throw plan.refusal;
        }
        boolean keyed = plan.target.hasPrimaryKey();
        for (String k : plan.target.primaryKey()) {
            Object keyValue = change.key().get(k);
            if (keyValue == null) {
                throw new Refused("shape", "null-key", "primary key column " + k + " of " + change.table()
                        + " is null or missing in the record's key");
            }
            // The key orders and routes the change, the row is what is written: they must name the same row.
            Object rowValue = change.after() == null ? keyValue : change.after().get(k);
            if (!java.util.Objects.deepEquals(keyValue, rowValue)) {
                throw new Refused("shape", "key-mismatch", "primary key column " + k + " of " + change.table()
                        + " differs between the record's key and its row");
            }
        }
        // A mutable copy: Kryo rebuilds maps by putting into a new instance of the same class.
        Map<String, Object> key = new LinkedHashMap<>(change.key());
        Map<String, Object> image = change.op() == Op.DELETE ? change.before() : change.after();
        if (change.op() == Op.DELETE && keyed) {
            // Deleting by key needs nothing else; the before image would only be cleaned to be thrown away.
            return new ChangeRecord(change.table(), Op.DELETE, key, null, null, change.position(),
                    change.sourceTimestampMillis(), plan.target);
        }
        if (image == null) {
            throw new Refused("shape", "no-row", change.op() + " of " + change.table() + " without key has no row image");
        }
        Map<String, Object> cleaned;
        try {
            cleaned = plan.rules == null ? image : plan.rules.apply(image);
        } catch (RuntimeException e) {
            throw new Refused("clean", "clean-failed", "cleaning rules of " + change.table() + ": " + e.getMessage());
        }
        if (cleaned == null) { // the filter rejects the row
            if (!keyed) {
                return null;
            }
            // A row that no longer passes the filter leaves the lake: deleting a key the lake lacks is harmless.
            return new ChangeRecord(change.table(), Op.DELETE, key, null, null, change.position(),
                    change.sourceTimestampMillis(), plan.target);
        }
        Map<String, Object> row = conform(change.table(), cleaned, plan);
        if (change.op() == Op.DELETE) {
            return new ChangeRecord(change.table(), Op.DELETE, key, row, null, change.position(),
                    change.sourceTimestampMillis(), plan.target);
        }
        return new ChangeRecord(change.table(), change.op(), key, null, row, change.position(),
                change.sourceTimestampMillis(), plan.target);
    }

    /** The row with exactly the target's columns, each value of its column's type. */
    private static Map<String, Object> conform(TableId table, Map<String, Object> row, Plan plan) throws Refused {
        Map<String, Object> out = new LinkedHashMap<>();
        for (TableSchema.Column c : plan.target.columns()) {
            Object v = row.get(c.name());
            ColumnType from = plan.sourceTypes == null ? null : plan.sourceTypes.get(c.name());
            if (v != null && from != null && !from.equals(c.type())) {
                v = coerce(table, c, from, v);
            }
            if (v instanceof BigDecimal && c.type().kind() == ColumnType.Kind.DECIMAL) {
                checkFits(table, c, (BigDecimal) v);
            }
            if (v == null && (!c.nullable() || plan.target.primaryKey().contains(c.name()))) {
                throw new Refused("shape", "null-in-required-column", "column " + table + "." + c.name()
                        + " is NOT NULL (or part of the key) but the row has no value for it");
            }
            out.put(c.name(), v);
        }
        return out;
    }

    private static void checkFits(TableId table, TableSchema.Column c, BigDecimal v) throws Refused {
        int p = c.type().precision();
        int s = c.type().scale();
        if (v.scale() > s || v.precision() - v.scale() > p - s) {
            throw new Refused("shape", "decimal-overflow", "value of " + table + "." + c.name() + " has "
                    + (v.precision() - v.scale()) + " integer digits and scale " + v.scale() + ", more than its lake "
                    + "column " + c.type() + " holds");
        }
    }

    /** A value of a narrower or wider type than its lake column, converted where exact. */
    private static Object coerce(TableId table, TableSchema.Column c, ColumnType from, Object v) throws Refused {
        switch (c.type().kind()) {
            case LONG:
                return ((Number) v).longValue();
            case INT:
                long l = ((Number) v).longValue();
                if (l != (int) l) {
                    throw new Refused("shape", "value-out-of-range", "value of " + table + "." + c.name()
                            + " (now " + from + " at the source) does not fit its lake column INT");
                }
                return (int) l;
            case DOUBLE:
                return ((Number) v).doubleValue();
            default:
                return v; // same representation (decimal precision is checked by the caller)
        }
    }

    /**
     * Whether the lake table of {@code table} exists with a primary key, so a change of it without key is a bad
     * record rather than a table without key. Looked up at most once a minute per table.
     */
    boolean lakeTableHasKey(TableId table) {
        long now = System.currentTimeMillis();
        KeyLookup known = keyLookups.get(table);
        if (known == null || (!known.hasKey && now - known.atMillis > 60_000)) {
            TableIdentifier id = options.lakeTableOf(table);
            boolean hasKey = catalog.tableExists(id) && !catalog.loadTable(id).schema().identifierFieldIds().isEmpty();
            known = new KeyLookup(hasKey, now);
            keyLookups.put(table, known);
        }
        return known.hasKey;
    }

    private static final class KeyLookup {
        final boolean hasKey;
        final long atMillis;

        KeyLookup(boolean hasKey, long atMillis) {
            this.hasKey = hasKey;
            this.atMillis = atMillis;
        }
    }

    private Plan plan(TableId table, TableSchema source) {
        TableOptions t = options.optionsFor(table);
        CompiledRules rules = null;
        TableSchema out = source;
        try {
            if (!t.cleaning().isEmpty()) {
                rules = t.cleaning().compile(source);
                out = rules.outputSchema();
            }
        } catch (Exception e) {
            return Plan.refused(new Refused("clean", "rules-do-not-compile", "cleaning rules of " + table
                    + " do not apply to its columns " + source.columns() + ": " + e.getMessage()));
        }
        Schema wanted;
        try {
            wanted = IcebergSchemas.toIceberg(out);
        } catch (RuntimeException e) {
            return Plan.refused(new Refused("shape", "unusable-schema", "columns of " + table + " cannot form a lake "
                    + "table schema: " + e.getMessage()));
        }
        TableIdentifier id = options.lakeTableOf(table);
        LakeFormat format = options.formatOf(table);
        Schema lakeSchema = wanted;
        if (format.iceberg()) {
            Table lake;
            try {
                lake = IcebergTables.ensure(catalog, id, out, t.partitionBy(), t.properties());
            } catch (IllegalArgumentException e) {
                // The configuration does not fit the table (partitioning); a catalog outage is not the record's fault
                // and fails the task instead, which retries from the last checkpoint.
                return Plan.refused(new Refused("create", "table-not-created", "lake table " + id + " for " + table
                        + " cannot be created: " + e.getMessage()));
            }
            if (lake.currentSnapshot() == null) {
                // Give a new table its main branch now, from one task: the dynamic sink creates a missing branch from
                // every writer task at once, and all but one fail ("Ref main already exists") and restart the job.
                lake.newAppend().commit();
            }
            lakeSchema = lake.schema();
        }
        Schema deltaSchema = null;
        if (format.delta()) {
            if (out.primaryKey().isEmpty()) {
                return Plan.refused(new Refused("shape", "no-primary-key-for-delta", table + " has no primary key; "
                        + "Delta tables are upserted by key: mirror it with format: iceberg (and "
                        + "source.tables-without-primary-key: append) instead"));
            }
            try {
                checkDeltaPartitioning(out, t.partitionBy());
            } catch (IllegalArgumentException e) {
                return Plan.refused(new Refused("create", "table-not-created", "Delta table for " + table
                        + " cannot be created: " + e.getMessage()));
            }
            // The Delta sink creates the table (one writer per table); until then the change's columns are the lake's.
            deltaSchema = DeltaTables.latest(deltaEngine(), options.deltaPathOf(table))
                    .map(s -> IcebergSchemas.toIceberg(DeltaTables.tableSchema(s, table))).orElse(null);
            if (!format.iceberg() && deltaSchema != null) {
                lakeSchema = deltaSchema;
            }
        }
        Set<String> lakeKey = lakeSchema.identifierFieldNames();
        if (out.primaryKey().isEmpty() && !lakeKey.isEmpty()) {
            return Plan.refused(new Refused("shape", "null-key", "change of " + table + " has no key, but lake table "
                    + id + " has primary key " + lakeKey + "; Debezium sends keys for tables with a primary key"));
        }
                if (!lakeKey.equals(Set.copyOf(out.primaryKey()))) {
            return Plan.refused(new Refused("evolve", "primary-key-changed", "primary key of " + table + " is "
                    + out.primaryKey() + " in this change but " + lakeKey + " in lake table " + id + "; the lake "
                    + "table's key cannot change: re-create it (drop it and re-snapshot the source table)"));
        }
        List<String> added = new ArrayList<>();
        List<String> dropped = new ArrayList<>();
        List<String> changed = new ArrayList<>();
        List<String> incompatible = new ArrayList<>();
        for (Types.NestedField f : wanted.columns()) {
            Types.NestedField l = lakeSchema.findField(f.name());
            if (l == null) {
                added.add(f.name() + " " + f.type());
            } else if (!l.type().equals(f.type())) {
                String what = f.name() + " " + l.type() + " -> " + f.type();
                changed.add(what);
                if (!promotable(f.type(), l.type()) && !promotable(l.type(), f.type())) {
                    incompatible.add(what);
                }
            }
        }
        for (Types.NestedField l : lakeSchema.columns()) {
            if (wanted.findField(l.name()) == null) {
                dropped.add(l.name());
            }
        }
        Map<String, ColumnType> sourceTypes = out.columns().stream()
                .collect(Collectors.toMap(TableSchema.Column::name, TableSchema.Column::type));
        String differences = describe(added, dropped, changed);
        switch (t.schemaEvolution()) {
            case FAIL:
                if (!differences.isEmpty()) {
                    return Plan.refused(new Refused("evolve", "schema-change-refused", "columns of " + table
                            + " differ from lake table " + id + " (" + differences + ") and its schema-evolution is "
                            + "fail; set schema-evolution: evolve (or ignore) for the table, or change the lake table"));
                }
                return new Plan(rules, out, sourceTypes);
            case IGNORE:
                List<String> lossy = changed.stream().filter(c -> incompatible.contains(c)
                        || c.contains("double -> float")).collect(Collectors.toList());
                if (!lossy.isEmpty()) {
                    return Plan.refused(new Refused("evolve", "type-change-refused", "columns of " + table
                            + " changed type incompatibly with lake table " + id + " (" + String.join(", ", lossy)
                            + "); schema-evolution ignore keeps the lake table's types"));
                }
                return new Plan(rules, IcebergSchemas.fromIceberg(table, lakeSchema), sourceTypes);
            default:
                List<String> deltaChanged = deltaSchema == null ? List.of() : typeChanges(wanted, deltaSchema);
                if (!deltaChanged.isEmpty()) {
                    return Plan.refused(new Refused("evolve", "type-change-refused", "columns of " + table
                            + " changed type (" + String.join(", ", deltaChanged) + "); its Delta table takes new "
                            + "columns but no type changes: add a new column at the source instead, or re-create the "
                            + "Delta table"));
                }
                if (!incompatible.isEmpty()) {
                    return Plan.refused(new Refused("evolve", "type-change-refused", "columns of " + table
                            + " changed type in a way Iceberg cannot follow (" + String.join(", ", incompatible)
                            + "); Iceberg widens only int -> long, float -> double and decimal precision: add a new "
                            + "column at the source instead, or re-create the lake table"));
                }
                return new Plan(rules, out, null); // the sink evolves the lake table to the change's schema
        }
    }

    private static List<String> typeChanges(Schema wanted, Schema lake) {
        List<String> changes = new ArrayList<>();
        for (Types.NestedField f : wanted.columns()) {
            Types.NestedField l = lake.findField(f.name());
            if (l != null && !l.type().equals(f.type())) {
                changes.add(f.name() + " " + l.type() + " -> " + f.type());
            }
        }
        return changes;
    }

    /**
     * Delta partitions by column values, and an upsert must find a key's old row in the partition its new row goes
     * to: plain key columns of a type Delta partitions by.
     */
    static void checkDeltaPartitioning(TableSchema table, dev.changelake.lake.iceberg.PartitionTransforms partitionBy) {
        for (String column : partitionBy.identityColumns()) {
            if (!table.primaryKey().contains(column)) {
                throw new IllegalArgumentException("partition-by column '" + column + "' is not in the primary key "
                        + table.primaryKey() + "; an upserted row could move between partitions and leave its old "
                        + "version behind: partition Delta tables by key columns");
            }
        }
    }

    /** The Kernel engine for Delta tables, made on first use: a job writing only Iceberg never needs one. */
    private io.delta.kernel.engine.Engine deltaEngine() {
        if (deltaEngine == null) {
            deltaEngine = options.delta().engine(options.catalog());
        }
        return deltaEngine;
    }

    private static boolean promotable(Type from, Type to) {
        return from.isPrimitiveType() && to.isPrimitiveType()
                && TypeUtil.isPromotionAllowed(from, to.asPrimitiveType());
    }

    private static String describe(List<String> added, List<String> dropped, List<String> changed) {
        List<String> parts = new ArrayList<>();
        if (!added.isEmpty()) {
            parts.add("new " + String.join(", ", added));
        }
        if (!dropped.isEmpty()) {
            parts.add("gone " + String.join(", ", dropped));
        }
        if (!changed.isEmpty()) {
            parts.add("changed " + String.join(", ", changed));
        }
        return String.join("; ", parts);
    }

    /** What to do with every change of one table that has one source schema. */
    private static final class Plan {
        final CompiledRules rules;
        final TableSchema target;
        /** The types rows arrive in, where they may differ from the target's; null when they never do. */
        final Map<String, ColumnType> sourceTypes;
        final Refused refusal;

        Plan(CompiledRules rules, TableSchema target, Map<String, ColumnType> sourceTypes) {
            this.rules = rules;
            this.target = target;
            this.sourceTypes = sourceTypes;
            this.refusal = null;
        }

        private Plan(Refused refusal) {
            this.rules = null;
            this.target = null;
            this.sourceTypes = null;
            this.refusal = refusal;
        }

        static Plan refused(Refused r) {
            return new Plan(r);
        }
    }
}
