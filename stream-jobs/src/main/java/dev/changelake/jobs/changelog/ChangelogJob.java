package dev.changelake.jobs.changelog;

import dev.changelake.jobs.checkpoint.Checkpointing;
import dev.changelake.jobs.deadletter.DeadLetterTable;
import dev.changelake.jobs.deadletter.DeadLetters;
import dev.changelake.jobs.source.BacklogProbe;
import dev.changelake.jobs.source.BacklogReportingSource;
import dev.changelake.jobs.source.RawChange;
import dev.changelake.jobs.types.ChangeRecordTypeInfo;
import dev.changelake.jobs.source.RawChangeDeserializer;
import dev.changelake.lake.catalog.LakeCatalogs;
import dev.changelake.lake.delta.DeltaOptions;
import dev.changelake.lake.delta.DeltaSink;
import dev.changelake.lake.iceberg.IcebergTables;
import dev.changelake.schema.ChangeDecoder;
import dev.changelake.schema.ChangeRecord;
import dev.changelake.schema.TableId;
import dev.changelake.schema.TableSchema;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.functions.FilterFunction;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.functions.KeySelector;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.KafkaSourceBuilder;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.contrib.streaming.state.EmbeddedRocksDBStateBackend;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.iceberg.flink.sink.dynamic.DynamicIcebergSink;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;

/**
 * Mirrors MySQL tables into Iceberg and/or Delta Lake (per table, {@link LakeFormat}), many tables in one job: Debezium change topics (one pattern, so new tables are
 * found while running) → decode, clean and shape per table → dedupe (table, key) → Iceberg's dynamic sink (one sink
 * for every table: tables created on first sight, schema changes applied before the rows that need them, upserts with
 * the primary key as equality fields) and, for Delta tables, {@link DeltaSink} (copy-on-write upserts, one writer
 * per table), exactly once: Kafka offsets, Iceberg commits and the dead-letter topic (records
 * set aside whole, with the reason) all follow Flink checkpoints.
 */
public final class ChangelogJob {
    /** How often the source's backlog is measured. */
    static final long BACKLOG_PROBE_MILLIS = 5_000;

    private ChangelogJob() {
    }

    /**
     * Adds the job to {@code env}.
     *
     * @param known the tables whose change topics exist now, with their schemas ({@link TableResolver}): their
     *     cleaning rules and partitioning are checked against their columns before anything runs. Tables that
     *     appear later are picked up as their topics appear.
     * @throws IllegalArgumentException when a known table's rules or partitioning do not fit its columns
     */
    public static void build(StreamExecutionEnvironment env, ChangelogJobOptions options, ChangeDecoder decoder,
            Map<TableId, TableSchema> known) {
        build(env, options, decoder, known, false);
    }

    /**
     * As {@link #build(StreamExecutionEnvironment, ChangelogJobOptions, ChangeDecoder, Map)}; with
     * {@code runtimeOwnsCheckpointing} (Managed Service for Apache Flink) the job leaves parallelism, checkpoint
     * interval, pause, timeout, storage, retention, unaligned checkpoints and the state backend to the runtime, which
     * sets them from the application's configuration and refuses changes from the job.
     */
    public static void build(StreamExecutionEnvironment env, ChangelogJobOptions options, ChangeDecoder decoder,
            Map<TableId, TableSchema> known, boolean runtimeOwnsCheckpointing) {
        checkTables(options, known);
        openCatalogOnce(options);
        if (runtimeOwnsCheckpointing) {
            configureJobCheckpointing(env, options);
        } else {
            configureCheckpointing(env, options);
        }
        int writeParallelism = runtimeOwnsCheckpointing && env.getParallelism() > 0 ? env.getParallelism() : options.parallelism;

        KafkaSourceBuilder<RawChange> source = KafkaSource.<RawChange>builder()
                .setBootstrapServers(options.bootstrapServers())
                .setTopicPattern(options.topicPattern())
                .setGroupId(options.groupId())
                // A restore takes offsets from the checkpoint; a first start resumes the group or reads from the start.
                .setStartingOffsets(OffsetsInitializer.committedOffsets(OffsetResetStrategy.EARLIEST))
                .setDeserializer(new RawChangeDeserializer())
                .setProperty("commit.offsets.on.checkpoint", "true")
                // New tables' topics are found while the job runs, without a restart.
                .setProperty("partition.discovery.interval.ms", String.valueOf(options.topicDiscoveryInterval.toMillis()));
        options.kafkaProperties().forEach(source::setProperty);

        SingleOutputStreamOperator<ChangeRecord> decoded = env
                .fromSource(new BacklogReportingSource<>(source.build(), TypeInformation.of(RawChange.class),
                                new BacklogProbe(options.bootstrapServers(), options.kafkaProperties(), options.topicPattern(),
                                        options.groupId()), options.backlogThresholdRecords, BACKLOG_PROBE_MILLIS),
                        WatermarkStrategy.noWatermarks(), "kafka-changes").uid("kafka-changes")
                .process(new DecodeFunction(decoder, options)).uid("decode").name("decode, clean, shape")
                .returns(ChangeRecordTypeInfo.INSTANCE);

        if (options.deadLetterTable() != null) {
            DeadLetterTable.sinkTo(decoded.getSideOutput(DeadLetters.TAG), LakeCatalogs.loader(options.catalog()),
                    options.deadLetterTable(), options.maxDeadLetterBytes);
        } else {
            DeadLetters.sinkTo(decoded.getSideOutput(DeadLetters.TAG), options.bootstrapServers(), options.deadLetterTopic(),
                    "changelake-dead-letters-" + options.groupId(), options.kafkaProperties(), options.maxDeadLetterBytes);
        }

        SingleOutputStreamOperator<ChangeRecord> deduped = decoded
                .keyBy(new TableKey(), Types.STRING)
                .process(new DedupeFunction(options.dedupeStateTtl)).uid("dedupe").name("dedupe")
                .returns(ChangeRecordTypeInfo.INSTANCE);

        SingleOutputStreamOperator<ChangeRecord> collapsed = deduped
                .transform("collapse", ChangeRecordTypeInfo.INSTANCE, new CollapseOperator(options.collapseMaxBytes))
                .uid("collapse");

        if (options.mayWriteIceberg()) {
            DynamicIcebergSink.forInput(options.mayWriteDelta()
                            ? collapsed.filter(new FormatFilter(options, LakeFormat.ICEBERG)).name("to iceberg")
                                    .uid("to-iceberg")
                            : collapsed)
                    .generator(new LakeRecordGenerator(options))
                    .catalogLoader(LakeCatalogs.loader(options.catalog()))
                    .writeParallelism(writeParallelism)
                    // Schema changes are applied inline, before the row that needs them. Not through the sink's separate
                    // update operator: rows taking that path can overtake or trail other rows of the same key.
                    .immediateTableUpdate(true)
                    .uidPrefix("iceberg")
                    .append();
        }
        if (options.mayWriteDelta()) {
            DeltaSink.Targets targets = new DeltaTargets(options);
            DeltaOptions delta = options.delta();
            collapsed.filter(new FormatFilter(options, LakeFormat.DELTA)).name("to delta").uid("to-delta")
                    // One writer per table: copy-on-write rewrites whole files, which two writers cannot share.
                    .keyBy(new DeltaTableKey(targets), Types.STRING)
                    .sinkTo(new DeltaSink(options.deltaSinkId(), targets, delta.hadoopConf(options.catalog()),
                            delta.smallFileBytes(), delta.vacuumRetention(), delta.vacuumInterval()))
                    .uid("delta").name("delta");
        }
    }

    /** Lets through the changes of tables mirrored in one format (or both). */
    static final class FormatFilter implements FilterFunction<ChangeRecord> {
        private static final long serialVersionUID = 1L;
        private final ChangelogJobOptions options;
        private final LakeFormat format;
        /** Per table: matching the entries' regular expressions for every change would be per-record setup work. */
        private transient Map<TableId, Boolean> passes;

        FormatFilter(ChangelogJobOptions options, LakeFormat format) {
            this.options = options;
            this.format = format;
        }

        @Override
        public boolean filter(ChangeRecord change) {
            if (passes == null) {
                passes = new java.util.HashMap<>();
            }
            return passes.computeIfAbsent(change.table(), t -> {
                LakeFormat f = options.formatOf(t);
                return format == LakeFormat.DELTA ? f.delta() : f.iceberg();
            });
        }
    }

    /** Each table's Delta location and partition columns, from its entry; built once per table and task. */
    static final class DeltaTargets implements DeltaSink.Targets {
        private static final long serialVersionUID = 1L;
        private final ChangelogJobOptions options;
        private transient Map<TableId, DeltaSink.Target> targets;

        DeltaTargets(ChangelogJobOptions options) {
            this.options = options;
        }

        @Override
        public DeltaSink.Target of(TableSchema schema) {
            if (targets == null) {
                targets = new java.util.HashMap<>();
            }
            return targets.computeIfAbsent(schema.table(), table -> {
                TableOptions t = options.optionsFor(table);
                return new DeltaSink.Target(options.deltaPathOf(table), t.partitionBy().identityColumns(), t.properties());
            });
        }
    }

    static final class DeltaTableKey implements KeySelector<ChangeRecord, String> {
        private static final long serialVersionUID = 1L;
        private final DeltaSink.Targets targets;

        DeltaTableKey(DeltaSink.Targets targets) {
            this.targets = targets;
        }

        @Override
        public String getKey(ChangeRecord change) {
            return DeltaSink.tableKey(targets, change);
        }
    }

    /**
     * Opens the catalog here, before any task does: a reachable catalog is checked at submission, and a JDBC catalog
     * creates or upgrades its own tables once, not concurrently from every task (SQLite refuses that race).
     */
    private static void openCatalogOnce(ChangelogJobOptions options) {
        org.apache.iceberg.catalog.Catalog catalog = LakeCatalogs.open(options.catalog());
        if (catalog instanceof java.io.Closeable) {
            try {
                ((java.io.Closeable) catalog).close();
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
    }

    /** Refuses to start when cleaning rules or partitioning do not fit a known table, naming the table and the rule. */
    static void checkTables(ChangelogJobOptions options, Map<TableId, TableSchema> known) {
        List<String> problems = new java.util.ArrayList<>();
        for (Map.Entry<TableId, TableSchema> e : known.entrySet()) {
            TableOptions t = options.optionsFor(e.getKey());
            TableSchema out = e.getValue();
            if (!t.cleaning().isEmpty()) {
                try {
                    out = t.cleaning().compile(e.getValue()).outputSchema();
                } catch (Exception ex) {
                    problems.add("tables entry " + t + ", table " + e.getKey() + ": " + ex.getMessage());
                    continue;
                }
            }
            try {
                LakeFormat format = options.formatOf(e.getKey());
                if (format.iceberg()) {
                    IcebergTables.checkPartitioning(out, t.partitionBy());
                }
                if (format.delta()) {
                    TableShaper.checkDeltaPartitioning(out, t.partitionBy());
                }
            } catch (IllegalArgumentException ex) {
                problems.add("tables entry " + t + ", table " + e.getKey() + ": " + ex.getMessage());
            }
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("the tables' configuration does not fit their columns:\n  - "
                    + String.join("\n  - ", problems));
        }
    }

    /** The checkpoint settings that belong to the job, not the cluster: set on MSF too. */
    static void configureJobCheckpointing(StreamExecutionEnvironment env, ChangelogJobOptions options) {
        Checkpointing.configureJobOwned(env, options.checkpointSettings());
    }

    static void configureCheckpointing(StreamExecutionEnvironment env, ChangelogJobOptions options) {
        Checkpointing.configure(env, options.checkpointSettings(), options.parallelism);
    }

    /** RocksDB as every job uses it; see {@link Checkpointing#stateBackend()}. */
    static EmbeddedRocksDBStateBackend stateBackend() {
        return Checkpointing.stateBackend();
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
