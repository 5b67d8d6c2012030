package dev.changelake.jobs.changelog;

import dev.changelake.jobs.deadletter.DeadLetters;
import dev.changelake.jobs.source.RawChange;
import dev.changelake.jobs.source.RawChangeDeserializer;
import dev.changelake.lake.catalog.LakeCatalogs;
import dev.changelake.lake.iceberg.ChangeRowConverter;
import dev.changelake.lake.iceberg.IcebergTables;
import dev.changelake.schema.ChangeDecoder;
import dev.changelake.schema.ChangeRecord;
import dev.changelake.schema.TableId;
import dev.changelake.schema.TableSchema;
import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.functions.KeySelector;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.contrib.streaming.state.EmbeddedRocksDBStateBackend;
import org.apache.flink.core.execution.CheckpointingMode;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.CheckpointConfig;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.runtime.typeutils.InternalTypeInfo;
import org.apache.flink.util.OutputTag;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.flink.CatalogLoader;
import org.apache.iceberg.flink.FlinkSchemaUtil;
import org.apache.iceberg.flink.TableLoader;
import org.apache.iceberg.flink.sink.FlinkSink;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;

/**
 * Mirrors MySQL tables into Iceberg: Debezium change topics → decode → dedupe (table, key) → route per table →
 * Iceberg upsert ({@code FlinkSink}, equality fields = primary key), exactly once: Kafka offsets, Iceberg commits and
 * the dead-letter topic (records set aside whole, with the reason) all follow Flink checkpoints.
 */
public final class ChangelogJob {
    private ChangelogJob() {
    }

    /**
     * Adds the job to {@code env}, creating lake tables that do not exist yet.
     *
     * @param sources the tables to mirror with their source schemas (see {@link TableResolver})
     */
    public static void build(StreamExecutionEnvironment env, ChangelogJobOptions options, ChangeDecoder decoder,
            Map<TableId, TableSchema> sources) {
        if (sources.isEmpty()) {
            throw new IllegalArgumentException("no tables to mirror: no change topic under '" + options.topicPrefix()
                    + "' matches databases " + options.databases() + " or tables " + options.tables());
        }
        configureCheckpointing(env, options);
        CatalogLoader catalogLoader = LakeCatalogs.loader(options.catalog());
        Map<TableId, org.apache.iceberg.Schema> lakeSchemas = ensureLakeTables(catalogLoader, options, sources);

        KafkaSource<RawChange> source = KafkaSource.<RawChange>builder()
                .setBootstrapServers(options.bootstrapServers())
                .setTopics(sources.keySet().stream().map(options::topicOf).collect(Collectors.toList()))
                .setGroupId(options.groupId())
                // A restore takes offsets from the checkpoint; a first start resumes the group or reads from the start.
                .setStartingOffsets(OffsetsInitializer.committedOffsets(OffsetResetStrategy.EARLIEST))
                .setDeserializer(new RawChangeDeserializer())
                .setProperty("commit.offsets.on.checkpoint", "true")
                .build();

        SingleOutputStreamOperator<ChangeRecord> decoded = env
                .fromSource(source, WatermarkStrategy.noWatermarks(), "kafka-changes").uid("kafka-changes")
                .process(new DecodeFunction(decoder, sources.keySet())).uid("decode").name("decode")
                .returns(TypeInformation.of(ChangeRecord.class));

        DeadLetters.sinkTo(decoded.getSideOutput(DeadLetters.TAG), options.bootstrapServers(), options.deadLetterTopic(),
                "changelake-dead-letters-" + options.groupId());

        SingleOutputStreamOperator<ChangeRecord> deduped = decoded
                .keyBy(new TableKey(), Types.STRING)
                .process(new DedupeFunction(options.dedupeStateTtl)).uid("dedupe").name("dedupe")
                .returns(TypeInformation.of(ChangeRecord.class));

        Map<TableId, RouteFunction.Route> routes = new LinkedHashMap<>();
        for (Map.Entry<TableId, org.apache.iceberg.Schema> e : lakeSchemas.entrySet()) {
            org.apache.iceberg.Schema schema = e.getValue();
            OutputTag<RowData> tag = new OutputTag<>("rows-" + e.getKey(), InternalTypeInfo.of(FlinkSchemaUtil.convert(schema)));
            routes.put(e.getKey(), new RouteFunction.Route(tag, new ChangeRowConverter(schema)));
        }
        SingleOutputStreamOperator<Void> routed = deduped
                .process(new RouteFunction(routes)).uid("route").name("route").returns(Types.VOID);

        for (Map.Entry<TableId, RouteFunction.Route> e : routes.entrySet()) {
            TableId table = e.getKey();
            DataStream<RowData> rows = routed.getSideOutput(e.getValue().tag);
            List<String> pk = sources.get(table).primaryKey();
            FlinkSink.Builder sink = FlinkSink.forRowData(rows)
                    .tableLoader(TableLoader.fromCatalog(catalogLoader, identifier(options, table)))
                    .writeParallelism(options.parallelism)
                    .uidPrefix("iceberg-" + table);
            if (!pk.isEmpty()) {
                sink.equalityFieldColumns(pk).upsert(true);
            } // else an append-only changelog table
            sink.append();
        }
    }

    /** The lake table a source table is mirrored to. */
    public static TableIdentifier identifier(ChangelogJobOptions options, TableId table) {
        return TableIdentifier.of(options.namespaceOf(table), table.table());
    }

    /** Creates missing lake tables; returns each table's schema, read while the catalog is open. */
    private static Map<TableId, org.apache.iceberg.Schema> ensureLakeTables(CatalogLoader loader, ChangelogJobOptions options,
            Map<TableId, TableSchema> sources) {
        Catalog catalog = loader.loadCatalog();
        try {
            Map<TableId, org.apache.iceberg.Schema> tables = new LinkedHashMap<>();
            for (Map.Entry<TableId, TableSchema> e : sources.entrySet()) {
                Table table = IcebergTables.ensure(catalog, identifier(options, e.getKey()), e.getValue(), Map.of());
                tables.put(e.getKey(), table.schema());
            }
            return tables;
        } finally {
            if (catalog instanceof Closeable) {
                try {
                    ((Closeable) catalog).close();
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        }
    }

    static void configureCheckpointing(StreamExecutionEnvironment env, ChangelogJobOptions options) {
        env.setParallelism(options.parallelism);
        env.enableCheckpointing(options.checkpointInterval.toMillis(), CheckpointingMode.EXACTLY_ONCE);
        CheckpointConfig cc = env.getCheckpointConfig();
        cc.setCheckpointStorage(options.checkpointDir);
        // Kept on cancel so a stopped job can be restored from its last checkpoint.
        cc.setExternalizedCheckpointRetention(org.apache.flink.configuration.ExternalizedCheckpointRetention.RETAIN_ON_CANCELLATION);
        // Iceberg's committer and unaligned checkpoints do not mix (Iceberg #15846).
        cc.enableUnalignedCheckpoints(false);
        cc.setMinPauseBetweenCheckpoints(Math.min(5_000, options.checkpointInterval.toMillis() / 2));
        env.setStateBackend(new EmbeddedRocksDBStateBackend(true));
    }

    /** Keys a change by table and primary key. */
    static final class TableKey implements KeySelector<ChangeRecord, String> {
        private static final long serialVersionUID = 1L;

        @Override
        public String getKey(ChangeRecord change) {
            return DedupeFunction.keyOf(change);
        }
    }
}
