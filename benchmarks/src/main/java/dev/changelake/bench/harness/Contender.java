package dev.changelake.bench.harness;

import dev.changelake.jobs.changelog.LakeFormat;

import dev.changelake.jobs.changelog.ChangelogJob;
import dev.changelake.jobs.changelog.ChangelogJobOptions;
import dev.changelake.jobs.source.RawChange;
import dev.changelake.jobs.source.RawChangeDeserializer;
import dev.changelake.lake.catalog.CatalogOptions;
import dev.changelake.schema.ChangeDecoder;
import dev.changelake.schema.ChangeDecoders;
import dev.changelake.schema.Encoding;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.contrib.streaming.state.EmbeddedRocksDBStateBackend;
import org.apache.flink.streaming.api.CheckpointingMode;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
import org.apache.flink.table.api.bridge.java.StreamStatementSet;
import org.apache.flink.table.api.bridge.java.StreamTableEnvironment;
import org.apache.flink.util.Collector;
import org.apache.iceberg.catalog.TableIdentifier;

/**
 * One of the jobs the benchmark runs over the same pre-loaded topic: ours (the ChangelogJob, on the JSON or the Avro
 * topic), B1 (what a user would write instead: Flink SQL's {@code debezium-json} into Iceberg's SQL upsert sink) and C1
 * (read and decode every envelope with our decoder, then discard it: the ceiling for anything that writes).
 */
abstract class Contender {
    /** What every contender shares: where things are, and the checkpointing BENCHMARKS.md fixes. */
    static final class Setup {
        final String bootstrapServers;
        final CatalogOptions catalog;
        final URI schemaStore;
        final Duration checkpointInterval;
        final int parallelism;
        final URI checkpointRoot;

        Setup(String bootstrapServers, CatalogOptions catalog, URI schemaStore, Duration checkpointInterval,
                int parallelism, URI checkpointRoot) {
            this.bootstrapServers = bootstrapServers;
            this.catalog = catalog;
            this.schemaStore = schemaStore;
            this.checkpointInterval = checkpointInterval;
            this.parallelism = parallelism;
            this.checkpointRoot = checkpointRoot;
        }

        /** Hadoop settings of the Delta tables (S3A on the catalog's S3 server). */
        java.util.Map<String, String> deltaHadoopConf() {
            return dev.changelake.lake.delta.DeltaOptions.defaults(catalog).hadoopConf(catalog);
        }

        String checkpointDir(String run) {
            return checkpointRoot.resolve(run + "/").toString();
        }
    }

    final String name;
    final String topic;

    Contender(String name, String topic) {
        this.name = name;
        this.topic = topic;
    }

    /** A name for run {@code pair} of this contender: its consumer group, lake namespace and checkpoint folder. */
    String run(int pair) {
        return name.replaceAll("[^a-z0-9]", "_").toLowerCase(java.util.Locale.ROOT) + "_" + pair;
    }

    /** The lake table the run writes, none for C1. */
    abstract Optional<TableIdentifier> lakeTable(int pair);

    /** The Delta table the run writes, if it writes one. */
    Optional<String> deltaTable(Setup setup, int pair) {
        return Optional.empty();
    }

    /** The transaction app id of a Delta run's commits. */
    String deltaAppId(int pair) {
        return "changelake:" + run(pair); // ChangelogJobOptions.deltaSinkId with the run as group id
    }

    /** Adds the run's job to {@code env}. */
    abstract void build(StreamExecutionEnvironment env, Setup setup, int pair) throws Exception;

    /** Exactly-once checkpoints at the fixed interval into RocksDB with incremental checkpoints: B1 and C1 as a user sets them. */
    static void plainCheckpointing(StreamExecutionEnvironment env, Setup setup, String run) {
        env.setParallelism(setup.parallelism);
        env.enableCheckpointing(setup.checkpointInterval.toMillis(), CheckpointingMode.EXACTLY_ONCE);
        env.getCheckpointConfig().setCheckpointStorage(setup.checkpointDir(run));
        env.setStateBackend(new EmbeddedRocksDBStateBackend(true));
    }

    /** The ChangelogJob with its defaults, as {@code pipeline.yaml} would configure it for the W1 database. */
    static final class Ours extends Contender {
        private final Encoding encoding;
        private final String topicPrefix;
        private final String database;
        private final String table;
        private final LakeFormat format;
        /** Checkpoint interval while the job reports a backlog; null: the job's default (fewer, larger commits). */
        private Duration intervalDuringBacklog;

        Ours(Encoding encoding, String topicPrefix, String database, String table) {
            this(encoding, topicPrefix, database, table, LakeFormat.ICEBERG);
        }

        /** With {@code LakeFormat.DELTA}: "ours-delta", the same job writing a Delta table (JSON topic). */
        Ours(Encoding encoding, String topicPrefix, String database, String table, LakeFormat format) {
            super(format == LakeFormat.DELTA ? "ours-delta" : "ours-" + encoding.name().toLowerCase(java.util.Locale.ROOT),
                    topicPrefix + "." + database + "." + table);
            this.encoding = encoding;
            this.topicPrefix = topicPrefix;
            this.database = database;
            this.table = table;
            this.format = format;
        }

        /**
         * Checkpoints (and commits) at {@code interval} during the backlog too: the maintenance benchmark's way to
         * make a drained backlog leave the small files and equality deletes of a long run at that interval.
         */
        Ours intervalDuringBacklog(Duration interval) {
            this.intervalDuringBacklog = interval;
            return this;
        }

        @Override
        Optional<TableIdentifier> lakeTable(int pair) {
            return format.iceberg() ? Optional.of(TableIdentifier.of(run(pair), table)) : Optional.empty();
        }

        @Override
        Optional<String> deltaTable(Setup setup, int pair) {
            return format.delta()
                    ? Optional.of(dev.changelake.lake.delta.DeltaOptions.defaults(setup.catalog).tablePath(run(pair), table))
                    : Optional.empty();
        }

        @Override
        void build(StreamExecutionEnvironment env, Setup setup, int pair) {
            ChangelogJobOptions options = ChangelogJobOptions.builder()
                    .bootstrapServers(setup.bootstrapServers)
                    .topicPrefix(topicPrefix)
                    .databases(List.of(database))
                    .groupId(run(pair))
                    .namespace(run(pair))
                    .catalog(setup.catalog)
                    .checkpointInterval(setup.checkpointInterval)
                    .checkpointDir(setup.checkpointDir(run(pair)))
                    .parallelism(setup.parallelism)
                    .deadLetterTopic("dead-letters-" + run(pair))
                    .defaultFormat(format)
                    .build();
            if (intervalDuringBacklog != null) {
                options = options.toBuilder().checkpointIntervalDuringBacklog(intervalDuringBacklog).build();
            }
            ChangelogJob.build(env, options, ChangeDecoders.forEncoding(encoding, setup.schemaStore), Map.of());
        }
    }

    /**
     * B1 in BENCHMARKS.md: Flink SQL only. Debezium's {@code precise} decimals (Base64 of the unscaled value) and
     * microsecond DATETIMEs (epoch numbers) cannot be read as DECIMAL and TIMESTAMP by the {@code debezium-json} format,
     * so, as a user would, B1 declares them as BYTES and BIGINT: it does less per row than ours, not more.
     */
    static final class BaselineSql extends Contender {
        private final String table;

        BaselineSql(String topic, String table) {
            super("B1", topic);
            this.table = table;
        }

        @Override
        Optional<TableIdentifier> lakeTable(int pair) {
            return Optional.of(TableIdentifier.of(run(pair), table));
        }

        @Override
        void build(StreamExecutionEnvironment env, Setup setup, int pair) {
            plainCheckpointing(env, setup, run(pair));
            StreamTableEnvironment sql = StreamTableEnvironment.create(env);
            Map<String, String> catalog = new java.util.LinkedHashMap<>(setup.catalog.icebergProperties());
            catalog.put("type", "iceberg");
            // The same catalog class as ours: on SQLite, one that does not hold the file locked (see SqliteJdbcCatalog).
            catalog.put("catalog-impl", setup.catalog.catalogImpl());
            sql.executeSql("CREATE CATALOG lake WITH (" + with(catalog) + ")");
            sql.executeSql("CREATE DATABASE IF NOT EXISTS lake." + run(pair));
            String columns = "id BIGINT, customer_id BIGINT, status STRING, amount BYTES, currency STRING, "
                    + "created_at BIGINT, updated_at TIMESTAMP_LTZ(6), note STRING, flags BYTES, attrs STRING, qty BIGINT, "
                    + "weight DOUBLE, is_gift SMALLINT, PRIMARY KEY (id) NOT ENFORCED";
            sql.executeSql("CREATE TABLE lake." + run(pair) + "." + table + " (" + columns + ") WITH ("
                    + with(Map.of("format-version", "2", "write.upsert.enabled", "true")) + ")");
            sql.executeSql("CREATE TABLE w1_changes (" + columns + ") WITH (" + with(Map.of(
                    "connector", "kafka",
                    "topic", topic,
                    "properties.bootstrap.servers", setup.bootstrapServers,
                    "properties.group.id", run(pair),
                    "scan.startup.mode", "earliest-offset",
                    "format", "debezium-json",
                    "debezium-json.schema-include", "true",
                    "debezium-json.timestamp-format.standard", "ISO-8601")) + ")");
            StreamStatementSet insert = sql.createStatementSet();
            insert.addInsertSql("INSERT INTO lake." + run(pair) + "." + table + " SELECT * FROM w1_changes");
            insert.attachAsDataStream();
        }

        private static String with(Map<String, String> options) {
            return options.entrySet().stream()
                    .map(e -> "'" + e.getKey().replace("'", "''") + "' = '" + e.getValue().replace("'", "''") + "'")
                    .collect(Collectors.joining(", "));
        }
    }

    /** C1: the Kafka source and our decoder, nothing written. */
    static final class DecodeOnly extends Contender {
        private final Encoding encoding;

        DecodeOnly(Encoding encoding, String topic) {
            super("C1", topic);
            this.encoding = encoding;
        }

        @Override
        Optional<TableIdentifier> lakeTable(int pair) {
            return Optional.empty();
        }

        @Override
        void build(StreamExecutionEnvironment env, Setup setup, int pair) {
            plainCheckpointing(env, setup, run(pair));
            KafkaSource<RawChange> source = KafkaSource.<RawChange>builder()
                    .setBootstrapServers(setup.bootstrapServers)
                    .setTopics(topic)
                    .setGroupId(run(pair))
                    .setStartingOffsets(OffsetsInitializer.earliest())
                    .setDeserializer(new RawChangeDeserializer())
                    .setProperty("commit.offsets.on.checkpoint", "true")
                    .build();
            env.fromSource(source, WatermarkStrategy.noWatermarks(), "kafka-changes")
                    .process(new Decode(ChangeDecoders.forEncoding(encoding, setup.schemaStore))).name("decode")
                    .sinkTo(new DiscardingSink<>());
        }

        /** Decodes and drops: nothing leaves, so nothing is serialized after the decoder. */
        private static final class Decode extends ProcessFunction<RawChange, Void> {
            private static final long serialVersionUID = 1L;
            private final ChangeDecoder decoder;

            Decode(ChangeDecoder decoder) {
                this.decoder = decoder;
            }

            @Override
            public void processElement(RawChange change, Context ctx, Collector<Void> out) throws Exception {
                if (change.value != null) {
                    decoder.decode(change.key, change.value);
                }
            }
        }
    }
}
