package dev.changelake.bench.snapshot;

import dev.changelake.bench.w1.W1Config;
import dev.changelake.bench.w1.W1Generator;
import dev.changelake.bench.w1.W1Table;
import dev.changelake.fixtures.KafkaServices;
import dev.changelake.fixtures.MariaDbServer;
import dev.changelake.ingest.CaptureOptions;
import dev.changelake.ingest.CaptureRunner;
import dev.changelake.ingest.DebeziumConnectorConfig;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/**
 * P8 of BENCHMARKS.md: the initial snapshot of W1's {@code orders} table from MariaDB through the real capture
 * (Debezium 3.5 MariaDB connector on the Kafka Connect worker of {@link KafkaServices}, changelake's connector
 * configuration from {@link CaptureOptions}, JSON with schemas) into Kafka, in rows per second.
 *
 * <p>What is timed: from the moment the connector is registered ({@link CaptureRunner#start}) until the change
 * topic's end offsets add up to the number of rows (polled with the Admin client every
 * {@value #POLL_MILLIS} ms). Starting MariaDB and Kafka and bulk-loading the table ({@link W1Table#load}) are not
 * timed.
 *
 * <pre>{@code
 * SnapshotBench.SnapshotResult r = SnapshotBench.run(workDir, 1_000_000, 1, System.out);
 * System.out.println("P8: " + Math.round(r.rowsPerSecond()) + " rows/s");
 * }</pre>
 *
 * <p>For tuning, {@link #compare} loads the table once and snapshots it again with each variant of connector
 * properties, alternated round by round (this machine is noisy: compare medians of the same run). Also runnable:
 * {@code java -cp <benchmarks classpath> dev.changelake.bench.snapshot.SnapshotBench <workDir> [rows] [seed]
 * [rounds] [variant ...]}, a variant being {@code name:key=value,key=value} (or {@code name:} for the defaults).
 */
public final class SnapshotBench {
    static final String DATABASE = "shop";
    static final String TABLE = "orders";
    static final String USER = "cdc";
    static final String PASSWORD = "cdc-pw";
    static final long POLL_MILLIS = 100;
    /** Rows per multi-row INSERT when loading the table. */
    static final int LOAD_BATCH_ROWS = 1_000;
    /** Connector properties shown in {@link SnapshotResult#settingsDescription()}: the ones that tune throughput. */
    private static final List<String> TUNING_PREFIXES = List.of("snapshot.", "max.batch.size", "max.queue.size",
            "poll.interval.ms", "producer.override.", "key.converter", "value.converter", "database.useCursorFetch", "database.defaultFetchSize",
            "topic.creation.default.compression.type");

    /**
     * One snapshot's measurement.
     *
     * @param rows rows snapshotted (records found in the topic)
     * @param seconds from registering the connector to the last row in Kafka
     * @param rowsPerSecond {@code rows / seconds}: P8
     * @param settingsDescription CPU time of MariaDB plus the Kafka + Connect JVM during the snapshot (per row), then
     *     the connector settings that bear on throughput, {@code key=value} comma-separated
     */
    public record SnapshotResult(long rows, double seconds, double rowsPerSecond, String settingsDescription) {
        @Override
        public String toString() {
            return String.format(Locale.ROOT, "%,d rows in %.1f s: %,.0f rows/s [%s]", rows, seconds, rowsPerSecond,
                    settingsDescription);
        }
    }

    /** Called after a snapshot was measured, while Kafka still runs: to look at the topic (tests). */
    @FunctionalInterface
    public interface TopicCheck {
        void check(String bootstrapServers, String topic) throws Exception;
    }

    private SnapshotBench() {
    }

    /**
     * Measures P8 with changelake's default capture configuration: starts MariaDB and Kafka + Connect under
     * {@code workDir}, loads {@code rows} rows of W1's {@code orders} table (W1 generator, {@code seed}), snapshots
     * them into Kafka with the real capture (snapshot mode {@code initial}, JSON with schemas), stops everything.
     *
     * @param workDir where the servers keep their files (a fresh directory; it is left behind)
     * @param rows rows of the table, {@code 1_000_000} for BENCHMARKS.md's P8
     * @param seed the W1 seed (1 for W1)
     * @param log progress lines (services, load, result)
     */
    public static SnapshotResult run(Path workDir, long rows, long seed, PrintStream log) throws Exception {
        return run(workDir, rows, seed, Map.of(), log, null);
    }

    /**
     * As {@link #run(Path, long, long, PrintStream)}, with extra connector properties over the defaults
     * ({@link CaptureOptions.Builder#connectorProperties}), and a check that may read the topic before Kafka stops
     * (null for none).
     */
    public static SnapshotResult run(Path workDir, long rows, long seed, Map<String, String> connectorProperties,
            PrintStream log, TopicCheck check) throws Exception {
        return compare(workDir, rows, seed, Map.of("run", connectorProperties), 1, log, check).get("run").get(0);
    }

    /**
     * Loads the table once, then snapshots it {@code rounds} times with each variant of connector properties (in
     * the order given, alternated: round 1 of every variant, then round 2, ...), each into a topic of its own that is
     * deleted after the measurement (and after {@code check}, if not null).
     *
     * @return the results of each variant, in round order
     */
    public static Map<String, List<SnapshotResult>> compare(Path workDir, long rows, long seed,
            Map<String, Map<String, String>> variants, int rounds, PrintStream log, TopicCheck check) throws Exception {
        Map<String, List<SnapshotResult>> results = new LinkedHashMap<>();
        variants.keySet().forEach(v -> results.put(v, new ArrayList<>()));
        Files.createDirectories(workDir);
        try (MariaDbServer db = MariaDbServer.start(workDir.resolve("db"));
             KafkaServices kafka = KafkaServices.start(workDir.resolve("kafka"))) {
            log.printf(Locale.ROOT, "MariaDB on %s:%d (%d ms), Kafka %s and Connect %s (%d ms)%n", db.host(), db.port(),
                    db.startupTime().toMillis(), kafka.bootstrapServers(), kafka.connectUrl(),
                    kafka.startupTime().toMillis());
            load(db, rows, seed, log);
            int run = 0;
            for (int round = 1; round <= rounds; round++) {
                for (Map.Entry<String, Map<String, String>> variant : variants.entrySet()) {
                    run++;
                    String prefix = "p8r" + run;
                    SnapshotResult r = snapshot(db, kafka, prefix, 5400 + run, rows, variant.getValue(), check);
                    results.get(variant.getKey()).add(r);
                    log.printf(Locale.ROOT, "round %d, %s: %s%n", round, variant.getKey(), r);
                }
            }
        }
        return results;
    }

    private static void load(MariaDbServer db, long rows, long seed, PrintStream log) throws SQLException {
        db.createDatabaseAndUser(DATABASE, USER, PASSWORD);
        W1Config config = W1Config.builder().rows(rows).events(0).seed(seed).database(DATABASE).table(TABLE).build();
        long started = System.nanoTime();
        try (Connection c = DriverManager.getConnection(db.jdbcUrl(DATABASE), db.rootUser(), db.rootPassword())) {
            W1Table.create(c, DATABASE, TABLE);
            try (Statement s = c.createStatement()) {
                s.execute("SET SESSION sql_log_bin = 0"); // the snapshot reads the table, not the binlog
            }
            W1Table.load(c, DATABASE, TABLE, new W1Generator(config).snapshot(), LOAD_BATCH_ROWS);
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        log.printf(Locale.ROOT, "loaded %,d rows of %s in %.1f s (%,.0f rows/s)%n", rows, config, seconds, rows / seconds);
    }

    private static SnapshotResult snapshot(MariaDbServer db, KafkaServices kafka, String prefix, long serverId, long rows,
            Map<String, String> properties, TopicCheck check) throws Exception {
        CaptureOptions options = CaptureOptions.builder().hostname(db.host()).port(db.port()).user(USER).password(PASSWORD)
                .databases(List.of(DATABASE)).topicPrefix(prefix).serverId(serverId)
                .kafkaBootstrapServers(kafka.bootstrapServers()).connectorProperties(properties).build();
        String topic = options.topicOf(DATABASE, TABLE);
        CaptureRunner capture = new CaptureRunner(kafka.connectUrl(), options);
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
            double cpuBefore = serviceCpuSeconds(db.port());
            long started = System.nanoTime();
            capture.start(Duration.ofMinutes(2));
            // Generous: 2 minutes plus 1 ms a row (1,000 rows/s, far below anything seen).
            Duration timeout = Duration.ofMinutes(2).plusMillis(rows);
            long found = awaitRecords(admin, topic, rows, timeout);
            double seconds = (System.nanoTime() - started) / 1e9;
            double cpu = serviceCpuSeconds(db.port()) - cpuBefore;
            capture.stop();
            if (check != null) {
                check.check(kafka.bootstrapServers(), topic);
            }
            admin.deleteTopics(List.of(topic)).all().get(1, TimeUnit.MINUTES); // a 1M-row JSON topic is GBs
            // CPU of MariaDB and the Kafka + Connect JVM per row: what tuning changes, and steadier than the wall
            // time on a shared machine (where the rate follows whatever else runs).
            return new SnapshotResult(found, seconds, found / seconds, String.format(Locale.ROOT,
                    "service CPU %.1f s = %.0f µs/row; ", cpu, cpu * 1e6 / found)
                    + describe(DebeziumConnectorConfig.render(options)));
        }
    }

    /** Polls the topic's end offsets until they add up to at least {@code rows}; returns their sum. */
    private static long awaitRecords(Admin admin, String topic, long rows, Duration timeout) throws Exception {
        CompletableFuture<Long> done = new CompletableFuture<>();
        ScheduledExecutorService poller = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "p8-offsets");
            t.setDaemon(true);
            return t;
        });
        try {
            ScheduledFuture<?> polling = poller.scheduleWithFixedDelay(() -> {
                try {
                    long sum = endOffsets(admin, topic);
                    if (sum >= rows) {
                        done.complete(sum);
                    }
                } catch (Exception e) {
                    done.completeExceptionally(e);
                }
            }, 0, POLL_MILLIS, TimeUnit.MILLISECONDS);
            try {
                return done.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                throw new TimeoutException("topic " + topic + " did not get " + rows + " records within " + timeout
                        + " (end offsets add up to " + endOffsets(admin, topic) + ")");
            } finally {
                polling.cancel(false);
            }
        } finally {
            poller.shutdownNow();
        }
    }

    /** Sum of the topic's end offsets; 0 while it does not exist. */
    private static long endOffsets(Admin admin, String topic) throws Exception {
        Map<String, TopicDescription> described;
        try {
            described = admin.describeTopics(List.of(topic)).allTopicNames().get(30, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
            if (e.getCause() instanceof UnknownTopicOrPartitionException) {
                return 0;
            }
            throw e;
        }
        Map<TopicPartition, OffsetSpec> request = described.get(topic).partitions().stream()
                .collect(Collectors.toMap(p -> new TopicPartition(topic, p.partition()), p -> OffsetSpec.latest()));
        Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> offsets =
                admin.listOffsets(request).all().get(30, TimeUnit.SECONDS);
        return offsets.values().stream().mapToLong(ListOffsetsResult.ListOffsetsResultInfo::offset).sum();
    }

    /**
     * CPU time so far of the services this JVM started: MariaDB (the process serving {@code dbPort}) and the Kafka +
     * Connect JVM. 0 for a process whose CPU time the OS does not tell.
     */
    static double serviceCpuSeconds(int dbPort) {
        return ProcessHandle.current().descendants()
                .filter(p -> {
                    String cmd = procFile(p.pid(), "cmdline").replace('\0', ' ');
                    return cmd.contains("KafkaServicesMain") || cmd.contains("--port=" + dbPort + " ");
                })
                .mapToDouble(p -> {
                    // /proc/<pid>/stat: utime and stime are fields 14 and 15, in clock ticks (100 a second on Linux)
                    String stat = procFile(p.pid(), "stat");
                    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                    return f.length > 12 ? (Long.parseLong(f[11]) + Long.parseLong(f[12])) / 100.0 : 0;
                })
                .sum();
    }

    private static String procFile(long pid, String name) {
        try {
            return Files.readString(Path.of("/proc", String.valueOf(pid), name), java.nio.charset.StandardCharsets.ISO_8859_1);
        } catch (java.io.IOException | RuntimeException e) {
            return ""; // gone, or not Linux
        }
    }

    /** The tuning-relevant entries of a rendered connector configuration. */
    static String describe(Map<String, String> config) {
        return config.entrySet().stream()
                .filter(e -> TUNING_PREFIXES.stream().anyMatch(p -> e.getKey().startsWith(p)))
                .filter(e -> !e.getKey().startsWith("snapshot.select.statement.overrides"))
                .map(e -> e.getKey() + "=" + e.getValue())
                .collect(Collectors.joining(", "));
    }

    /**
     * {@code SnapshotBench <workDir> [rows=1000000] [seed=1] [rounds=1] [name:key=value,key=value ...]}: without
     * variants, one run with the defaults; with variants, {@link #compare} and the median of each.
     */
    public static void main(String[] args) throws Exception {
        if (args.length < 1) {
            System.err.println("usage: SnapshotBench <workDir> [rows] [seed] [rounds] [name:key=value,... ...]");
            System.exit(2);
        }
        Path workDir = Path.of(args[0]);
        long rows = args.length > 1 ? Long.parseLong(args[1]) : W1Config.W1_ROWS;
        long seed = args.length > 2 ? Long.parseLong(args[2]) : 1;
        int rounds = args.length > 3 ? Integer.parseInt(args[3]) : 1;
        Map<String, Map<String, String>> variants = new LinkedHashMap<>();
        for (int i = 4; i < args.length; i++) {
            int colon = args[i].indexOf(':');
            Map<String, String> props = new LinkedHashMap<>();
            for (String kv : args[i].substring(colon + 1).split(",")) {
                if (!kv.isBlank()) {
                    props.put(kv.substring(0, kv.indexOf('=')).trim(), kv.substring(kv.indexOf('=') + 1).trim());
                }
            }
            variants.put(args[i].substring(0, colon), props);
        }
        if (variants.isEmpty()) {
            variants.put("defaults", Map.of());
        }
        Map<String, List<SnapshotResult>> results = compare(workDir, rows, seed, variants, rounds, System.out, null);
        for (Map.Entry<String, List<SnapshotResult>> e : results.entrySet()) {
            List<Double> rates = e.getValue().stream().map(SnapshotResult::rowsPerSecond).sorted().toList();
            System.out.printf(Locale.ROOT, "P8 %s: median %,.0f rows/s of %s (%s)%n", e.getKey(),
                    rates.get(rates.size() / 2), rates.stream().map(r -> String.format(Locale.ROOT, "%.0f", r)).toList(),
                    e.getValue().get(0).settingsDescription());
        }
        System.exit(0); // the services' non-daemon threads are gone, but do not wait on anything stray
    }
}
