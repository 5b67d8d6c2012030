package dev.changelake.bench.harness;

import dev.changelake.bench.snapshot.SnapshotBench;
import dev.changelake.bench.state.DedupeStateBench;
import dev.changelake.bench.state.DedupeStateResult;
import dev.changelake.bench.w1.W1Config;
import dev.changelake.deploy.local.LocalFlinkCluster;
import dev.changelake.fixtures.KafkaServices;
import dev.changelake.fixtures.S3Server;
import dev.changelake.lake.catalog.CatalogOptions;
import dev.changelake.lake.catalog.LakeCatalogs;
import dev.changelake.schema.Encoding;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.MetricOptions;
import org.apache.flink.configuration.WebOptions;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.SupportsNamespaces;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.kafka.clients.admin.Admin;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code changelake bench w1}: W1 of BENCHMARKS.md. Pre-loads Kafka once, then runs ours (JSON and Avro), B1 and C1
 * over it in alternating order, pair after pair, verifies each lake table against the generator's final table,
 * measures freshness at a steady rate, and writes the results file and chart.
 */
@Command(name = "w1", mixinStandardHelpOptions = true, description = "W1: an upsert-heavy backlog drained by ours, B1 and C1.")
final class W1Command implements Callable<Integer> {
    @Option(names = "--rows", description = "rows of the orders table (its snapshot leads the topic); default ${DEFAULT-VALUE}")
    long rows = W1Config.W1_ROWS;

    @Option(names = "--events", description = "change events after the snapshot; default ${DEFAULT-VALUE}")
    long events = W1Config.W1_EVENTS;

    @Option(names = "--pairs", description = "rounds of (ours JSON, B1, C1, ours Avro), order alternating; default ${DEFAULT-VALUE}")
    int pairs = 3;

    @Option(names = "--contenders", split = ",", description = "which of ours-json, B1, C1, ours-avro, ours-delta to run; default all")
    List<String> only = List.of("ours-json", "B1", "C1", "ours-avro", "ours-delta");

    @Option(names = "--seed", description = "the generator's seed; default ${DEFAULT-VALUE}")
    long seed = 1;

    @Option(names = "--checkpoint-interval", converter = FlinkDuration.class, description = "for every contender; default 30s")
    Duration checkpointInterval = Duration.ofSeconds(30);

    /** Durations as Flink writes them: 30s, 3min, 2h. */
    static final class FlinkDuration implements picocli.CommandLine.ITypeConverter<Duration> {
        @Override
        public Duration convert(String value) {
            return org.apache.flink.util.TimeUtils.parseDuration(value);
        }
    }

    @Option(names = "--parallelism", description = "default ${DEFAULT-VALUE}")
    int parallelism = 2;

    @Option(names = "--steady-rate", description = "P5: events/s of the steady phase; default ${DEFAULT-VALUE}")
    int steadyRate = 5_000;

    @Option(names = "--steady-duration", converter = FlinkDuration.class, description = "P5: length of the steady phase, 0 to skip; default 3min")
    Duration steadyDuration = Duration.ofMinutes(3);

    @Option(names = "--state-keys", description = "P7: distinct keys through the dedupe state in a 1 GiB-heap JVM, 0 to skip; default ${DEFAULT-VALUE}")
    long stateKeys = DedupeStateBench.P7_KEYS;

    @Option(names = "--snapshot-rows", description = "P8: rows snapshotted by real Debezium into Kafka, 0 to skip; default: --rows")
    Long snapshotRows;

    @Option(names = "--run-timeout", converter = FlinkDuration.class, description = "a run that has not drained by then fails; default 2h")
    Duration runTimeout = Duration.ofHours(2);

    @Option(names = "--work-dir", description = "services' data (deleted at the end); default .changelake/bench-w1")
    Path workDir = Paths.get(".changelake", "bench-w1");

    @Option(names = "--results", description = "folder of the results file and chart; default ${DEFAULT-VALUE}")
    Path results = Paths.get("benchmarks", "results");

    @Override
    public Integer call() throws Exception {
        PrintStream log = System.out;
        String command = "./bin/changelake bench w1 --rows " + rows + " --events " + events + " --pairs " + pairs
                + (steadyDuration.isZero() ? " --steady-duration 0" : "") + (stateKeys == DedupeStateBench.P7_KEYS ? "" : " --state-keys " + stateKeys)
                + (snapshotRows == null ? "" : " --snapshot-rows " + snapshotRows)
                + (only.size() == 5 ? "" : " --contenders " + String.join(",", only));
        W1Config base = W1Config.builder().rows(rows).events(events).seed(seed).build();
        log.println("W1: " + base + "; " + pairs + " pairs; checkpoint interval " + checkpointInterval + ", parallelism " + parallelism);
        log.println("machine: " + machine());
        org.apache.commons.io.FileUtils.deleteDirectory(workDir.toFile());
        Files.createDirectories(workDir);
        W1Report report = new W1Report();
        Path file = results.resolve(LocalDate.now() + "-w1.md");
        try (S3Server s3 = S3Server.start(workDir.resolve("s3"), "lake");
                KafkaServices kafka = KafkaServices.start(workDir.resolve("kafka"));
                Admin admin = W1Topics.admin(kafka.bootstrapServers());
                LocalFlinkCluster flink = LocalFlinkCluster.start(0, parallelism, benchCluster())) {
            CatalogOptions catalogOptions = CatalogOptions.sqliteOnS3("lake",
                    Files.createDirectories(workDir.resolve("lake")).resolve("catalog.db").toString(), "s3://lake/warehouse",
                    s3.endpoint(), s3.accessKey(), s3.secretKey(), s3.region());
            Path schemaStore = Files.createDirectories(workDir.resolve("schemas"));
            Contender.Setup setup = new Contender.Setup(kafka.bootstrapServers(), catalogOptions, schemaStore.toUri(),
                    checkpointInterval, parallelism, Files.createDirectories(workDir.resolve("checkpoints")).toUri());
            long loadStart = System.nanoTime();
            W1Topics w1 = W1Topics.load(kafka.bootstrapServers(), base, schemaStore, "w1");
            log.printf("pre-loaded %,d envelopes (%,d records with tombstones) per encoding in %.0f s%n", w1.envelopes,
                    w1.records, (System.nanoTime() - loadStart) / 1e9);
            List<Contender> contenders = contenders(w1, base);
            Catalog catalog = LakeCatalogs.open(catalogOptions);
            DrainRun drain = new DrainRun(flink, admin, catalog, setup, log, runTimeout);

            // Warm-up, not measured: each contender once over a small W1, so that no measured run pays for the JVM's
            // first class loading and compilation of Flink, Iceberg and Parquet (the first run was ~2x slower).
            W1Config small = base.toBuilder().rows(Math.min(rows, 20_000)).events(Math.min(events, 50_000)).build();
            W1Topics warm = W1Topics.load(kafka.bootstrapServers(), small, schemaStore, "warmup");
            for (Contender c : contenders(warm, small)) {
                DrainRun.Result r = drain.run(c, 0, warm.envelopes);
                r.lakeTable.ifPresent(t -> drop(catalog, t));
            }

            for (int pair = 1; pair <= pairs; pair++) {
                List<Contender> order = new ArrayList<>(contenders);
                if (pair % 2 == 0) {
                    Collections.reverse(order); // alternate, so neither side always runs on a warmer machine
                }
                for (Contender c : order) {
                    DrainRun.Result r = drain.run(c, pair, w1.envelopes);
                    report.runs.add(r);
                    if (r.lakeTable.isPresent()) {
                        LakeCheck.Outcome outcome = LakeCheck.check(catalog.loadTable(r.lakeTable.get()), w1.generator, seed);
                        log.printf("  %-9s pair %d: lake table %s%n", c.name, pair, outcome);
                        report.verified.put(r, outcome.ok() ? "OK" : "DIFFERS");
                        if (!outcome.ok()) {
                            report.notes.add(c.name + " pair " + pair + ": " + outcome);
                        }
                        drop(catalog, r.lakeTable.get());
                    }
                    if (r.deltaTable.isPresent()) {
                        LakeCheck.Outcome outcome = LakeCheck.checkDelta(
                                dev.changelake.lake.delta.DeltaOptions.defaults(catalogOptions).engine(catalogOptions),
                                r.deltaTable.get(), w1.generator, seed);
                        log.printf("  %-9s pair %d: Delta table %s%n", c.name, pair, outcome);
                        report.verified.put(r, outcome.ok() ? "OK" : "DIFFERS");
                        if (!outcome.ok()) {
                            report.notes.add(c.name + " pair " + pair + ": " + outcome);
                        }
                    }
                }
                measures(report, w1);
                save(report, file, command); // a session cut short keeps what was measured
            }

            if (!steadyDuration.isZero()) {
                SteadyFreshness.Result p5 = SteadyFreshness.run(flink, admin, setup, steadyRate, steadyDuration,
                        seed + 1, log);
                report.measures.put("P5", String.format(Locale.ROOT, "%.1f s p99, %.1f s p50 (target p99 <= %d s: %s; "
                        + "%,d events at %,.0f events/s)", p5.p99Millis / 1000.0, p5.p50Millis / 1000.0,
                        checkpointInterval.toSeconds() + 3, p5.p99Millis <= checkpointInterval.toMillis() + 3000 ? "met" : "MISSED",
                        p5.events, p5.achievedRate));
                save(report, file, command);
            }
            if (stateKeys > 0) {
                DedupeStateResult p7 = DedupeStateBench.run(workDir.resolve("p7"), stateKeys, log);
                log.println(p7);
                report.measures.put("P7", p7.p7Line().substring("P7: ".length()) + String.format(Locale.ROOT,
                        " (peak of the heap pools in a -Xmx1g JVM, %,.0f keys/s; target heap < 1 GiB: %s)",
                        p7.recordsPerSecond(), p7.completed() && p7.withinHeapLimit() ? "met" : "MISSED"));
                save(report, file, command);
            }
            long p8Rows = snapshotRows != null ? snapshotRows : rows;
            if (p8Rows > 0) {
                SnapshotBench.SnapshotResult p8 = SnapshotBench.run(workDir.resolve("p8"), p8Rows, seed, log);
                report.measures.put("P8", String.format(Locale.ROOT, "%.0f rows/s (%,d rows of W1's table from MariaDB "
                        + "through the Debezium MariaDB connector into Kafka in %.1f s; target >= 20,000: %s; %s)",
                        p8.rowsPerSecond(), p8.rows(), p8.seconds(), p8.rowsPerSecond() >= 20_000 ? "met" : "MISSED",
                        p8.settingsDescription()));
            }
        } finally {
            org.apache.commons.io.FileUtils.deleteQuietly(workDir.toFile());
        }
        save(report, file, command);
        report.measures.forEach((id, line) -> log.println(id + ": " + line));
        log.println("results: " + file);
        return report.verified.values().stream().allMatch("OK"::equals) ? 0 : 1;
    }

    private List<Contender> contenders(W1Topics topics, W1Config config) {
        return List.of(
                new Contender.Ours(Encoding.JSON, topics.json.topicPrefix, config.database, config.table),
                new Contender.BaselineSql(topics.json.topic(), config.table),
                new Contender.DecodeOnly(Encoding.JSON, topics.json.topic()),
                new Contender.Ours(Encoding.AVRO, topics.avro.topicPrefix, config.database, config.table),
                new Contender.Ours(Encoding.JSON, topics.json.topicPrefix, config.database, config.table,
                        dev.changelake.jobs.changelog.LakeFormat.DELTA))
                .stream().filter(c -> only.contains(c.name)).toList();
    }

    private void save(W1Report report, Path file, String command) throws java.io.IOException {
        report.write(file, command, machine(), "W1, " + rows + " rows then " + events + " change events (seed " + seed
                + "), JSON with schemas and Avro, 2 partitions, lz4; checkpoint interval " + checkpointInterval
                + ", parallelism " + parallelism);
    }

    private void measures(W1Report report, W1Topics w1) {
        double ours = report.medianOf("ours-json", DrainRun.Result::eventsPerSecond);
        double oursAvro = report.medianOf("ours-avro", DrainRun.Result::eventsPerSecond);
        double b1 = report.medianOf("B1", DrainRun.Result::eventsPerSecond);
        double c1 = report.medianOf("C1", DrainRun.Result::eventsPerSecond);
        double p2 = report.medianRatio("ours-json", "B1");
        double p2Avro = report.medianRatio("ours-avro", "B1");
        double p3 = report.medianRatio("ours-json", "C1");
        double p4 = report.medianOf("ours-json", r -> (double) r.rowsWritten / r.envelopes);
        double p4b1 = report.medianOf("B1", r -> (double) r.rowsWritten / r.envelopes);
        report.measures.put("P1", String.format(Locale.ROOT, "%.0f events/s (ours, JSON; Avro %.0f, B1 %.0f, C1 %.0f; "
                + "medians of %d runs, %,d envelopes each)", ours, oursAvro, b1, c1, pairs, w1.envelopes));
        report.measures.put("P2", String.format(Locale.ROOT, "%.2fx (ours JSON / B1, median of per-pair ratios; "
                + "target >= 2.0x: %s; ours Avro / B1: %.2fx)", p2, p2 >= 2.0 ? "met" : "MISSED", p2Avro));
        report.measures.put("P3", String.format(Locale.ROOT, "%.0f%% (ours JSON / C1; target >= 60%%: %s)", p3 * 100,
                p3 >= 0.6 ? "met" : "MISSED"));
        report.measures.put("P4", String.format(Locale.ROOT, "%.3f rows/event (lake rows in data and delete files per "
                + "envelope, ours JSON; target <= 0.6: %s; B1 %.3f)", p4, p4 <= 0.6 ? "met" : "MISSED", p4b1));
        report.measures.put("P6", P6.of(report.runsOf("ours-json"), checkpointInterval));
        if (!report.runsOf("ours-delta").isEmpty() && !report.runsOf("ours-json").isEmpty()) {
            double delta = report.medianRatio("ours-delta", "ours-json");
            List<Integer> rewritten = new ArrayList<>();
            report.runsOf("ours-delta").forEach(r -> rewritten.addAll(r.filesRewrittenPerCommit));
            report.measures.put("Delta", String.format(Locale.ROOT, "%.2fx (ours Delta / ours Iceberg, JSON, median of "
                    + "per-pair ratios; target >= 0.5x: %s; %.0f events/s); files rewritten per Delta commit: %s",
                    delta, delta >= 0.5 ? "met" : "MISSED",
                    report.medianOf("ours-delta", DrainRun.Result::eventsPerSecond), rewritten));
        }
    }

    private static void drop(Catalog catalog, TableIdentifier table) {
        catalog.dropTable(table, true); // purge: the next run starts from an empty warehouse
        if (catalog instanceof SupportsNamespaces) {
            ((SupportsNamespaces) catalog).dropNamespace(Namespace.of(table.namespace().levels()));
        }
    }

    /** Flink's REST metrics refreshed every second for the throughput samples, and the whole checkpoint history kept. */
    private static Configuration benchCluster() {
        Configuration conf = new Configuration();
        conf.set(MetricOptions.METRIC_FETCHER_UPDATE_INTERVAL, Duration.ofSeconds(1));
        conf.set(WebOptions.CHECKPOINTS_HISTORY_SIZE, 10_000);
        return conf;
    }

    static String machine() {
        var os = ManagementFactory.getOperatingSystemMXBean();
        String cpu = "";
        try {
            cpu = Files.readAllLines(Paths.get("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
                    .findFirst().map(l -> l.substring(l.indexOf(':') + 1).trim()).orElse("");
        } catch (java.io.IOException e) {
            // not Linux: the core count is enough
        }
        long memGiB = ((com.sun.management.OperatingSystemMXBean) os).getTotalMemorySize() >> 30;
        return String.format(Locale.ROOT, "%d cores (%s), %d GiB, %s %s, Java %s; load average %.2f at the start",
                os.getAvailableProcessors(), cpu, memGiB, os.getName(), os.getVersion(), System.getProperty("java.version"),
                os.getSystemLoadAverage());
    }
}
