package dev.changelake.bench.harness;

import dev.changelake.bench.w1.W1Config;
import dev.changelake.deploy.local.LocalFlinkCluster;
import dev.changelake.fixtures.KafkaServices;
import dev.changelake.fixtures.S3Server;
import dev.changelake.lake.catalog.CatalogOptions;
import dev.changelake.lake.catalog.LakeCatalogs;
import dev.changelake.lake.maintain.IcebergMaintenance;
import dev.changelake.lake.maintain.LakeMaintenance;
import dev.changelake.lake.maintain.MaintenanceOptions;
import dev.changelake.schema.Encoding;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.Callable;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.MetricOptions;
import org.apache.iceberg.FileContent;
import org.apache.iceberg.FileScanTask;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.data.IcebergGenerics;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.expressions.Expressions;
import org.apache.iceberg.io.CloseableIterable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code changelake bench maintenance}: what table maintenance buys readers. A W1 backlog is drained by the
 * ChangelogJob at a short checkpoint interval (during the backlog too), so the Iceberg table holds the small data files
 * and equality deletes of a long run. Then one maintenance pass (compaction, removal of unused deletes, manifest
 * rewrite) and reads of the table as it was before (its snapshot, by time travel) and as it is after, alternated
 * round by round: a full scan and point lookups by key (Iceberg's generic reader, deletes applied). Last, snapshot
 * expiry and orphan removal, and the table checked against W1's generator.
 */
@Command(name = "maintenance", mixinStandardHelpOptions = true,
        description = "Reads of a W1 table full of small files and equality deletes, before and after table maintenance.")
final class MaintenanceCommand implements Callable<Integer> {
    @Option(names = "--rows", description = "rows of the orders table; default ${DEFAULT-VALUE}")
    long rows = 100_000;

    @Option(names = "--events", description = "change events after the snapshot; default ${DEFAULT-VALUE}")
    long events = 500_000;

    @Option(names = "--checkpoint-interval", converter = W1Command.FlinkDuration.class,
            description = "during the backlog too, so every interval leaves files; default 2s")
    Duration checkpointInterval = Duration.ofSeconds(2);

    @Option(names = "--parallelism", description = "of the job (writers) and of compaction; default ${DEFAULT-VALUE}")
    int parallelism = 2;

    @Option(names = "--rounds", description = "alternated read rounds (before, after); default ${DEFAULT-VALUE}")
    int rounds = 3;

    @Option(names = "--lookups", description = "point lookups per round; default ${DEFAULT-VALUE}")
    int lookups = 5;

    @Option(names = "--seed", description = "the generator's seed; default ${DEFAULT-VALUE}")
    long seed = 1;

    @Option(names = "--work-dir", description = "services' data (deleted at the end); default .changelake/bench-maintenance")
    Path workDir = Paths.get(".changelake", "bench-maintenance");

    @Option(names = "--results", description = "folder of the results file; default ${DEFAULT-VALUE}")
    Path results = Paths.get("benchmarks", "results");

    @Override
    public Integer call() throws Exception {
        PrintStream log = System.out;
        String command = "./bin/changelake bench maintenance --rows " + rows + " --events " + events
                + " --checkpoint-interval " + checkpointInterval.toSeconds() + "s --rounds " + rounds + " --lookups " + lookups;
        W1Config w1Config = W1Config.builder().rows(rows).events(events).seed(seed).build();
        log.println("maintenance: " + w1Config + "; checkpoint interval " + checkpointInterval + ", parallelism " + parallelism);
        String machine = W1Command.machine();
        org.apache.commons.io.FileUtils.deleteDirectory(workDir.toFile());
        Files.createDirectories(workDir);
        StringBuilder md = new StringBuilder();
        boolean ok;
        try (S3Server s3 = S3Server.start(workDir.resolve("s3"), "lake");
                KafkaServices kafka = KafkaServices.start(workDir.resolve("kafka"));
                org.apache.kafka.clients.admin.Admin admin = W1Topics.admin(kafka.bootstrapServers());
                LocalFlinkCluster flink = LocalFlinkCluster.start(0, parallelism, cluster())) {
            CatalogOptions catalogOptions = CatalogOptions.sqliteOnS3("lake",
                    Files.createDirectories(workDir.resolve("lake")).resolve("catalog.db").toString(), "s3://lake/warehouse",
                    s3.endpoint(), s3.accessKey(), s3.secretKey(), s3.region());
            Path schemaStore = Files.createDirectories(workDir.resolve("schemas"));
            Contender.Setup setup = new Contender.Setup(kafka.bootstrapServers(), catalogOptions, schemaStore.toUri(),
                    checkpointInterval, parallelism, Files.createDirectories(workDir.resolve("checkpoints")).toUri());
            W1Topics w1 = W1Topics.load(kafka.bootstrapServers(), w1Config, schemaStore, "w1");
            Catalog catalog = LakeCatalogs.open(catalogOptions);
            Contender ours = new Contender.Ours(Encoding.JSON, w1.json.topicPrefix, w1Config.database, w1Config.table)
                    .intervalDuringBacklog(checkpointInterval);
            DrainRun.Result drained = new DrainRun(flink, admin, catalog, setup, log, Duration.ofHours(2))
                    .run(ours, 1, w1.envelopes);
            TableIdentifier id = drained.lakeTable.orElseThrow();
            Table table = catalog.loadTable(id);
            long before = table.currentSnapshot().snapshotId();
            TableFiles filesBefore = TableFiles.of(table, before);
            LakeCheck.Outcome checkBefore = LakeCheck.check(table, w1.generator, seed);
            log.println("before: " + filesBefore + "; table " + checkBefore);

            // The pass that changes what readers read; expiry waits, so the old snapshot stays readable for the rounds.
            MaintenanceOptions defaults = MaintenanceOptions.defaults();
            MaintenanceOptions keepHistory = defaults.withRetention(Duration.ofDays(3650), Integer.MAX_VALUE, Duration.ofDays(3650));
            long passStart = System.nanoTime();
            IcebergMaintenance.Result pass = IcebergMaintenance.maintain(table, keepHistory,
                    () -> LakeMaintenance.localFlink(parallelism), System.currentTimeMillis());
            double passSeconds = (System.nanoTime() - passStart) / 1e9;
            table.refresh();
            long after = table.currentSnapshot().snapshotId();
            TableFiles filesAfter = TableFiles.of(table, after);
            log.printf("maintenance pass in %.1f s: %s%nafter: %s%n", passSeconds, pass, filesAfter);

            List<Long> keys = new ArrayList<>();
            Random random = new Random(seed);
            for (int i = 0; i < lookups; i++) {
                keys.add(1 + (long) (random.nextDouble() * rows));
            }
            Map<String, List<Double>> times = new HashMap<>();
            long[] rowsRead = new long[2];
            for (int round = 1; round <= rounds; round++) {
                List<Long> order = new ArrayList<>(List.of(before, after));
                if (round % 2 == 0) {
                    Collections.reverse(order); // alternate, so neither side always reads a warmer cache
                }
                for (long snapshot : order) {
                    String side = snapshot == before ? "before" : "after";
                    long start = System.nanoTime();
                    rowsRead[snapshot == before ? 0 : 1] = fullScan(table, snapshot);
                    times.computeIfAbsent(side + " scan", k -> new ArrayList<>()).add((System.nanoTime() - start) / 1e9);
                    start = System.nanoTime();
                    for (long key : keys) {
                        lookup(table, snapshot, key);
                    }
                    times.computeIfAbsent(side + " lookup", k -> new ArrayList<>()).add((System.nanoTime() - start) / 1e9 / keys.size());
                    log.printf("  round %d %-6s: scan %.2f s, lookup %.3f s%n", round, side,
                            last(times.get(side + " scan")), last(times.get(side + " lookup")));
                }
            }

            // Then what the pass postponed: expiry (keeping the Flink job's snapshot) and orphans; the job is done.
            IcebergMaintenance.Result cleanup = IcebergMaintenance.maintain(table,
                    defaults.withRetention(Duration.ZERO, 1, Duration.ZERO), () -> LakeMaintenance.localFlink(parallelism),
                    System.currentTimeMillis() + 1_000);
            table.refresh();
            TableFiles filesEnd = TableFiles.of(table, table.currentSnapshot().snapshotId());
            LakeCheck.Outcome checkAfter = LakeCheck.check(table, w1.generator, seed);
            log.println("after expiry and orphan removal: " + cleanup + "; " + filesEnd + "; table " + checkAfter);

            double scanRatio = median(times.get("before scan")) / median(times.get("after scan"));
            double lookupRatio = median(times.get("before lookup")) / median(times.get("after lookup"));
            boolean fast = scanRatio >= 3 && lookupRatio >= 3;
            boolean few = filesEnd.maxDataFilesPerPartition <= 4;
            ok = checkBefore.ok() && checkAfter.ok() && rowsRead[0] == rowsRead[1];
            md.append("# Table maintenance benchmark: ").append(LocalDate.now()).append("-maintenance\n\n")
                    .append("Command: `").append(command).append("`\n\n")
                    .append("Machine: ").append(machine).append("\n\n")
                    .append("Workload: W1, ").append(rows).append(" rows then ").append(events)
                    .append(" change events (seed ").append(seed).append("), JSON, drained by the ChangelogJob into an ")
                    .append("Iceberg upsert table with a checkpoint (and commit) every ").append(checkpointInterval.toSeconds())
                    .append(" s, also during the backlog, parallelism ").append(parallelism).append(String.format(Locale.ROOT,
                            "; %,d envelopes in %.0f s (%,.0f events/s), %d snapshots.%n%n", drained.envelopes,
                            drained.seconds(), drained.eventsPerSecond(), drained.snapshots))
                    .append("Reads: Iceberg's generic reader (`IcebergGenerics`, deletes applied) in the benchmark's JVM, ")
                    .append("from S3 (s3proxy); *before* is the snapshot the job left (read by time travel after ")
                    .append("maintenance), *after* the snapshot maintenance left; ").append(rounds)
                    .append(" rounds alternating which goes first; a point lookup is `id = k` for ").append(lookups)
                    .append(" keys per round (time per lookup). Medians.\n\n")
                    .append("| | before | after | before / after |\n|---|---|---|---|\n")
                    .append(String.format(Locale.ROOT, "| full scan (s, %,d rows) | %.2f | %.2f | **%.1fx** |%n", rowsRead[1],
                            median(times.get("before scan")), median(times.get("after scan")), scanRatio))
                    .append(String.format(Locale.ROOT, "| point lookup (s) | %.3f | %.3f | **%.1fx** |%n",
                            median(times.get("before lookup")), median(times.get("after lookup")), lookupRatio))
                    .append(filesBefore.rows(filesAfter))
                    .append("\n")
                    .append(String.format(Locale.ROOT, "Maintenance pass (compaction, unused deletes, manifests): %.1f s; %s.%n%n",
                            passSeconds, pass))
                    .append("Then expiry (age 0, keep 1 and the job's last snapshot) and orphans (age 0): ").append(cleanup)
                    .append("; the table then: ").append(filesEnd).append(".\n\n")
                    .append("Table against W1's generator: before ").append(checkBefore).append(", after ").append(checkAfter)
                    .append(".\n\n")
                    .append(String.format(Locale.ROOT, "Done when (>= 3x faster reads after, a few files per partition): "
                            + "reads %s (scan %.1fx, lookup %.1fx); files per partition %s (%d data files in the fullest).%n",
                            fast ? "met" : "MISSED", scanRatio, lookupRatio, few ? "met" : "MISSED",
                            filesEnd.maxDataFilesPerPartition))
                    .append("\n## Rounds (seconds)\n\n| read | ").append(String.join(" | ", roundHeads())).append(" |\n|---|")
                    .append("---|".repeat(rounds)).append('\n');
            for (String k : List.of("before scan", "after scan", "before lookup", "after lookup")) {
                md.append("| ").append(k).append(" |");
                times.get(k).forEach(t -> md.append(String.format(Locale.ROOT, " %.3f |", t)));
                md.append('\n');
            }
        } finally {
            org.apache.commons.io.FileUtils.deleteQuietly(workDir.toFile());
        }
        Files.createDirectories(results);
        Path file = results.resolve(LocalDate.now() + "-maintenance.md");
        Files.writeString(file, md.toString());
        log.print(md);
        log.println("results: " + file);
        return ok ? 0 : 1;
    }

    private List<String> roundHeads() {
        List<String> heads = new ArrayList<>();
        for (int i = 1; i <= rounds; i++) {
            heads.add("round " + i);
        }
        return heads;
    }

    private static long fullScan(Table table, long snapshot) throws IOException {
        long n = 0;
        try (CloseableIterable<Record> it = IcebergGenerics.read(table).useSnapshot(snapshot).build()) {
            for (Record ignored : it) {
                n++;
            }
        }
        return n;
    }

    private static long lookup(Table table, long snapshot, long key) throws IOException {
        long n = 0;
        try (CloseableIterable<Record> it = IcebergGenerics.read(table).useSnapshot(snapshot)
                .where(Expressions.equal("id", key)).build()) {
            for (Record ignored : it) {
                n++;
            }
        }
        return n;
    }

    private static double last(List<Double> values) {
        return values.get(values.size() - 1);
    }

    static double median(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    private static Configuration cluster() {
        Configuration conf = new Configuration();
        conf.set(MetricOptions.METRIC_FETCHER_UPDATE_INTERVAL, Duration.ofSeconds(1));
        return conf;
    }

    /** The files a reader of one snapshot meets: data files (all, per partition), delete files (live, and opened per scan). */
    static final class TableFiles {
        final int dataFiles;
        final int partitions;
        final int maxDataFilesPerPartition;
        final int equalityDeleteFiles;
        final int positionDeleteFiles;
        final int deleteFilesOpenedPerScan;
        final int manifests;
        final int snapshots;
        final long dataBytes;

        private TableFiles(int dataFiles, int partitions, int maxDataFilesPerPartition, int equalityDeleteFiles,
                int positionDeleteFiles, int deleteFilesOpenedPerScan, int manifests, int snapshots, long dataBytes) {
            this.dataFiles = dataFiles;
            this.partitions = partitions;
            this.maxDataFilesPerPartition = maxDataFilesPerPartition;
            this.equalityDeleteFiles = equalityDeleteFiles;
            this.positionDeleteFiles = positionDeleteFiles;
            this.deleteFilesOpenedPerScan = deleteFilesOpenedPerScan;
            this.manifests = manifests;
            this.snapshots = snapshots;
            this.dataBytes = dataBytes;
        }

        static TableFiles of(Table table, long snapshot) throws IOException {
            Map<String, Integer> perPartition = new HashMap<>();
            Set<String> equality = new HashSet<>();
            Set<String> position = new HashSet<>();
            int files = 0;
            int opened = 0;
            long bytes = 0;
            try (CloseableIterable<FileScanTask> tasks = table.newScan().useSnapshot(snapshot).planFiles()) {
                for (FileScanTask task : tasks) {
                    files++;
                    bytes += task.file().fileSizeInBytes();
                    perPartition.merge(task.spec().partitionToPath(task.file().partition()), 1, Integer::sum);
                    opened += task.deletes().size();
                    task.deletes().forEach(d -> (d.content() == FileContent.EQUALITY_DELETES ? equality : position)
                            .add(d.location()));
                }
            }
            Map<String, String> summary = table.snapshot(snapshot).summary();
            int liveDeletes = Integer.parseInt(summary.getOrDefault("total-delete-files", "0"));
            int snapshots = 0;
            for (Object ignored : table.snapshots()) {
                snapshots++;
            }
            return new TableFiles(files, perPartition.size(),
                    perPartition.values().stream().mapToInt(Integer::intValue).max().orElse(0), equality.size(),
                    Math.max(position.size(), liveDeletes - equality.size()), opened,
                    (int) table.snapshot(snapshot).allManifests(table.io()).stream()
                            .filter(m -> m.addedFilesCount() + m.existingFilesCount() > 0).count(), snapshots, bytes);
        }

        /** The file rows of the results table, this (before) against {@code after}. */
        String rows(TableFiles after) {
            return String.format(Locale.ROOT, "| data files | %d | %d | |%n", dataFiles, after.dataFiles)
                    + String.format(Locale.ROOT, "| data files in the fullest partition (of %d) | %d | %d | |%n",
                            partitions, maxDataFilesPerPartition, after.maxDataFilesPerPartition)
                    + String.format(Locale.ROOT, "| data MiB | %.1f | %.1f | |%n", dataBytes / 1048576.0,
                            after.dataBytes / 1048576.0)
                    + String.format(Locale.ROOT, "| equality delete files applied | %d | %d | |%n", equalityDeleteFiles,
                            after.equalityDeleteFiles)
                    + String.format(Locale.ROOT, "| delete files live (equality + position) | %d | %d | |%n",
                            equalityDeleteFiles + positionDeleteFiles, after.equalityDeleteFiles + after.positionDeleteFiles)
                    + String.format(Locale.ROOT, "| delete files opened by a full scan | %d | %d | |%n",
                            deleteFilesOpenedPerScan, after.deleteFilesOpenedPerScan)
                    + String.format(Locale.ROOT, "| manifests with live files | %d | %d | |%n", manifests, after.manifests);
        }

        @Override
        public String toString() {
            return String.format(Locale.ROOT, "%d data files (%d partitions, at most %d in one), %d equality and %d position "
                    + "delete files, %d delete files opened per full scan, %d manifests, %d snapshots", dataFiles,
                    partitions, maxDataFilesPerPartition, equalityDeleteFiles, positionDeleteFiles,
                    deleteFilesOpenedPerScan, manifests, snapshots);
        }
    }
}
