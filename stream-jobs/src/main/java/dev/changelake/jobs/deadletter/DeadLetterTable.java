package dev.changelake.jobs.deadletter;

import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.table.data.GenericRowData;
import org.apache.flink.table.data.StringData;
import org.apache.flink.table.data.TimestampData;
import org.apache.flink.util.Collector;
import org.apache.iceberg.DistributionMode;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;
import org.apache.iceberg.SnapshotRef;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.flink.CatalogLoader;
import org.apache.iceberg.flink.sink.dynamic.DynamicIcebergSink;
import org.apache.iceberg.flink.sink.dynamic.DynamicRecord;
import org.apache.iceberg.flink.sink.dynamic.DynamicRecordGenerator;
import org.apache.iceberg.types.Types;

/**
 * Dead letters as rows of an Iceberg table instead of Kafka records, for teams that inspect them with SQL: one row per
 * letter with the reason, the stage, where it came from and the original key and value bytes (cut beyond a size,
 * with the original size kept), appended exactly once with the job's checkpoints. Created on the first letter.
 */
public final class DeadLetterTable {
    /** The table's columns. */
    public static final Schema SCHEMA = new Schema(
            Types.NestedField.required(1, "failed_at", Types.TimestampType.withZone()),
            Types.NestedField.required(2, "reason_code", Types.StringType.get()),
            Types.NestedField.required(3, "stage", Types.StringType.get()),
            Types.NestedField.required(4, "reason", Types.StringType.get()),
            Types.NestedField.required(5, "source_topic", Types.StringType.get()),
            Types.NestedField.required(6, "source_partition", Types.IntegerType.get()),
            Types.NestedField.required(7, "source_offset", Types.LongType.get()),
            Types.NestedField.optional(8, "key", Types.BinaryType.get()),
            Types.NestedField.optional(9, "value", Types.BinaryType.get()),
            Types.NestedField.optional(10, "value_original_size", Types.LongType.get()));

    private DeadLetterTable() {
    }

    /** Appends {@code letters} to {@code table} (namespace.table) in the catalog. */
    public static void sinkTo(DataStream<DeadLetter> letters, CatalogLoader catalog, String table, int maxRecordBytes) {
        DynamicIcebergSink.forInput(letters)
                .generator(new Rows(table, maxRecordBytes))
                .catalogLoader(catalog)
                .writeParallelism(1)
                .immediateTableUpdate(true)
                .uidPrefix("dead-letter-table")
                .append();
    }

    /** One dead letter to one row. */
    private static final class Rows implements DynamicRecordGenerator<DeadLetter> {
        private static final long serialVersionUID = 1L;
        private final String tableName; // TableIdentifier is not serializable
        private final int maxBytes;
        private transient TableIdentifier table;

        Rows(String tableName, int maxBytes) {
            this.tableName = tableName;
            this.maxBytes = maxBytes;
        }

        @Override
        public void generate(DeadLetter letter, Collector<DynamicRecord> out) {
            if (table == null) {
                table = TableIdentifier.parse(tableName);
            }
            byte[] value = letter.record.value;
            GenericRowData row = GenericRowData.of(
                    TimestampData.fromEpochMillis(letter.failedAtMillis),
                    StringData.fromString(letter.code),
                    StringData.fromString(letter.stage),
                    StringData.fromString(letter.reason),
                    StringData.fromString(letter.record.topic),
                    letter.record.partition,
                    letter.record.offset,
                    DeadLetter.head(letter.record.key, maxBytes),
                    DeadLetter.head(value, maxBytes),
                    value == null ? null : (long) value.length);
            out.collect(new DynamicRecord(table, SnapshotRef.MAIN_BRANCH, SCHEMA, row, PartitionSpec.unpartitioned(), DistributionMode.NONE, 1));
        }
    }
}
