package dev.changelake.jobs.changelog;

import dev.changelake.lake.iceberg.ChangeRowConverter;
import dev.changelake.lake.iceberg.IcebergSchemas;
import dev.changelake.schema.ChangeRecord;
import dev.changelake.schema.Op;
import dev.changelake.schema.TableSchema;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.apache.flink.util.Collector;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;
import org.apache.iceberg.SnapshotRef;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.flink.sink.dynamic.DynamicRecord;
import org.apache.iceberg.flink.sink.dynamic.DynamicRecordGenerator;

/**
 * Turns a shaped change ({@link TableShaper}) into the record Iceberg's dynamic sink writes: the lake table, the
 * schema the row is written with (the sink evolves the table to it first), the configured partitioning, and for a
 * table with primary key an upsert on the key. Rows go to the writer in the same task, so all changes of a key go to
 * one writer, in order.
 */
final class LakeRecordGenerator implements DynamicRecordGenerator<ChangeRecord> {
    private static final long serialVersionUID = 1L;

    private final ChangelogJobOptions options;
    private transient Map<TableSchema, Target> targets;

    LakeRecordGenerator(ChangelogJobOptions options) {
        this.options = options;
    }

    @Override
    public void generate(ChangeRecord change, Collector<DynamicRecord> out) {
        if (targets == null) {
            targets = new HashMap<>();
        }
        Target t = targets.computeIfAbsent(change.schema(), this::target);
        // No distribution mode. Iceberg 1.10 (the newest that is Java 11 bytecode, for MSF) reads that as NONE: a
        // table with key columns is hashed by them to one writer (in order, since every change of a key comes from
        // this one task after the keyed dedupe), one without is spread over the writers. Iceberg 1.11 would instead
        // forward the row to the writer chained in this task, saving that serialization and network hop.
        // The branch named: Iceberg 1.10 fails to create a new table's branch from null (1.11 reads null as main).
        DynamicRecord r = new DynamicRecord(t.table, SnapshotRef.MAIN_BRANCH, t.schema,
                t.converter.toRow(change), t.spec, null, options.parallelism);
        if (!t.keyColumns.isEmpty()) {
            // A CREATE from the collapse is a key the lake has no row of: a plain insert, no equality delete first.
            r.setUpsertMode(change.op() != Op.CREATE);
            r.setEqualityFields(t.keyColumns);
        }
        out.collect(r);
    }

    private Target target(TableSchema schema) {
        Schema iceberg = IcebergSchemas.toIceberg(schema);
        return new Target(options.lakeTableOf(schema.table()), iceberg,
                options.optionsFor(schema.table()).partitionBy().toSpec(iceberg), new ChangeRowConverter(iceberg),
                Set.copyOf(schema.primaryKey()));
    }

    /** How rows of one table schema are written; built once per schema. */
    private static final class Target {
        final TableIdentifier table;
        final Schema schema;
        final PartitionSpec spec;
        final ChangeRowConverter converter;
        final Set<String> keyColumns;

        Target(TableIdentifier table, Schema schema, PartitionSpec spec, ChangeRowConverter converter,
                Set<String> keyColumns) {
            this.table = table;
            this.schema = schema;
            this.spec = spec;
            this.converter = converter;
            this.keyColumns = keyColumns;
        }
    }
}
