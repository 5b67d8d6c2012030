package dev.changelake.ingest;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The Debezium connector configuration, generated from {@link CaptureOptions}: the same map goes to MSK Connect in AWS
 * and to the local Connect worker, so what runs locally is what runs in production. Pure: what needs the source
 * database ({@link SnapshotOverrides}) is added by {@link CaptureRunner}.
 */
public final class DebeziumConnectorConfig {
    /** In {@code changelake-debezium-converters}, which runs on the Connect worker, so named rather than linked. */
    static final String YEAR_CONVERTER = "dev.changelake.ingest.debezium.YearConverter";

    private DebeziumConnectorConfig() {
    }

    public static Map<String, String> render(CaptureOptions o) {
        Map<String, String> c = new LinkedHashMap<>();
        c.put("connector.class", o.flavour.connectorClass);
        c.put("tasks.max", "1"); // a binlog has one reader
        c.put("database.hostname", o.hostname);
        c.put("database.port", String.valueOf(o.port));
        c.put("database.user", o.user);
        if (o.password != null) {
            c.put("database.password", o.password);
        }
        c.put("database.server.id", String.valueOf(o.serverId));
        c.put("database.include.list", String.join(",", o.databases));
        c.put("topic.prefix", o.topicPrefix);
        c.put("snapshot.mode", "initial");
        // Lossless values: exact decimals (also for BIGINT UNSIGNED), microsecond times, raw bytes (docs/types.md).
        c.put("decimal.handling.mode", "precise");
        c.put("bigint.unsigned.handling.mode", "precise");
        c.put("time.precision.mode", "adaptive_time_microseconds");
        c.put("binary.handling.mode", "bytes");
        // The adjuster reads years 0-99 as two-digit years (0050 → 2050); MySQL 8 and MariaDB store four digits.
        c.put("enable.time.adjuster", "false");
        // The snapshot reads YEAR over JDBC: as a date by default, which fails for YEAR 0000 (MariaDB's driver throws
        // on Date.valueOf("0000-01-01"); MySQL's gives 0001). As a number it is exact. "database." passes it to the driver.
        c.put("database.yearIsDateType", "false");
        // A value Debezium cannot convert stops the capture, instead of becoming NULL with a warning ("warn").
        c.put("event.converting.failure.handling.mode", "fail");
        // YEAR exactly on both paths (Debezium's own conversion makes a snapshot's 0000 into 2000, the binlog's into
        // 1900): cdc-ingest/debezium-converters, which must be on the worker's plugin path next to Debezium.
        // Only that one: TINYINT(1) / BOOLEAN stay integers (no TinyIntOneToBooleanConverter), they hold -128..127.
        // See docs/types.md.
        c.put("converters", "year");
        c.put("year.type", YEAR_CONVERTER);
        // A delete is followed by a tombstone so compacted topics forget the key; the job ignores tombstones.
        c.put("tombstones.on.delete", "true");
        // Debezium skips TRUNCATE by default ("t"): emit it, so the job can flag a lake that no longer matches.
        c.put("skipped.operations", "none");
        c.put("include.schema.changes", "false");
        c.put("schema.history.internal.kafka.bootstrap.servers", o.kafkaBootstrapServers);
        c.put("schema.history.internal.kafka.topic", o.topicPrefix + ".schema-history");
        // The schema history clients are Debezium's own, not the worker's: they need the cluster's security settings.
        o.kafkaClientProperties.forEach((k, v) -> {
            c.put("schema.history.internal.producer." + k, v);
            c.put("schema.history.internal.consumer." + k, v);
        });
        c.putAll(ConverterConfig.render(o)); // key/value converters of the encoding (JSON or Avro)
        // Connect creates the change topics with these settings (the broker's defaults would give one partition).
        c.put("topic.creation.default.partitions", String.valueOf(o.topicPartitions));
        c.put("topic.creation.default.replication.factor", "-1");
        c.put("topic.creation.default.compression.type", "lz4");
        // The connector's producer (P8 in BENCHMARKS.md, the initial snapshot, was bound by it). Connect's defaults
        // send uncompressed batches of at most 16 KB: ~3 JSON-with-schema records (~5 KB each) per produce request,
        // which the broker then recompresses to the topic's lz4. Compressing with the topic's codec in the producer
        // spares the broker the recompression and the network most of the bytes; 256 KB batches (compressed size,
        // well below the broker's 1 MB message.max.bytes) and a 20 ms linger make a request carry hundreds of records
        // while a backlog drains, and add at most 20 ms to a lone change's latency. Records and their order are
        // unchanged. Needs a worker whose connector.client.config.override.policy allows producer overrides: "All",
        // Kafka Connect's default since 3.0 (the local worker's too); a worker with "None" refuses the connector.
        c.put("producer.override.compression.type", "lz4");
        c.put("producer.override.batch.size", String.valueOf(256 * 1024));
        c.put("producer.override.linger.ms", "20");
        if (o.signalTable != null) {
            signalling(c, o);
        }
        c.putAll(o.connectorProperties); // the user's own properties win (CaptureOptions.Builder#connectorProperties)
        return c;
    }

    /**
     * Debezium reads signals (e.g. {@code execute-snapshot}) from the binlog of its signalling table, so the table must
     * be captured; it also writes the incremental snapshot's watermarks there. Its change records are of no use to
     * the lake: Kafka Connect's own Filter transform drops them before they reach a topic, so no job mirrors them.
     */
    private static void signalling(Map<String, String> c, CaptureOptions o) {
        String signalDb = o.signalTable.substring(0, o.signalTable.indexOf('.'));
        if (!o.databases.contains(signalDb)) {
            c.put("database.include.list", c.get("database.include.list") + "," + signalDb);
        }
        c.put("signal.data.collection", o.signalTable);
        c.put("signal.enabled.channels", "source");
        c.put("transforms", "dropSignals");
        c.put("transforms.dropSignals.type", "org.apache.kafka.connect.transforms.Filter");
        c.put("transforms.dropSignals.predicate", "isSignal");
        c.put("predicates", "isSignal");
        c.put("predicates.isSignal.type", "org.apache.kafka.connect.transforms.predicates.TopicNameMatches");
        c.put("predicates.isSignal.pattern", Pattern.quote(o.topicPrefix + "." + o.signalTable));
    }
}
