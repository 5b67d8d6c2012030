package dev.changelake.deploy.cli;

import dev.changelake.deploy.local.LocalFlinkCluster;
import dev.changelake.deploy.local.LocalMirror;
import dev.changelake.deploy.local.TableMetricsSummary;
import dev.changelake.deploy.local.LocalPipelineConfig;
import dev.changelake.deploy.local.LocalSessions;
import dev.changelake.deploy.local.LocalStack;
import dev.changelake.fixtures.workload.DemoWorkload;
import dev.changelake.lake.verify.VerifyReport;
import dev.changelake.schema.Encoding;
import dev.changelake.schema.TableId;
import dev.changelake.schema.TableSchema;
import java.io.IOException;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.net.InetAddress;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import org.apache.flink.util.TimeUtils;
import picocli.CommandLine.Command;
import dev.changelake.jobs.changelog.LakeFormat;
import picocli.CommandLine.Option;

/** {@code changelake local}: every service, the capture and the job on this machine, then a verified mirror. */
@Command(name = "local", mixinStandardHelpOptions = true,
        description = {"Starts MariaDB, an S3 server, Kafka with Debezium on Kafka Connect and a Flink mini-cluster,",
                "mirrors the 'shop' database into Iceberg tables on S3 while a workload changes it, then compares",
                "every table with its lake table. Ends with 'verify: OK …' (exit 0) or 'verify: FAILED …' (exit 1)."})
final class LocalCommand implements Callable<Integer> {
    static final String DB = "shop";
    private static final AtomicBoolean INTERRUPTED = new AtomicBoolean();

    @Option(names = "--duration", defaultValue = "2m", description = "How long to run, e.g. 90s, 2m (default ${DEFAULT-VALUE}).")
    String duration;

    @Option(names = "--rate", defaultValue = "200", description = "Workload changes per second (default ${DEFAULT-VALUE}).")
    int rate;

    @Option(names = "--no-workload", description = "Run no workload: print the database's address, mirror every table "
            + "created in it, until Ctrl-C or --duration.")
    boolean noWorkload;

    @Option(names = "--work-dir", description = "Where services keep their data and logs (default .changelake/local-<time>).")
    Path workDir;

    @Option(names = "--web-port", defaultValue = "8081", description = "Flink web UI port; another free one if taken (default ${DEFAULT-VALUE}).")
    int webPort;

    @Option(names = "--checkpoint-interval", defaultValue = "10s", description = "Flink checkpoint interval (default ${DEFAULT-VALUE}).")
    String checkpointInterval;

    @Option(names = "--parallelism", defaultValue = "2", description = "Flink job parallelism (default ${DEFAULT-VALUE}).")
    int parallelism;

    @Option(names = "--format", defaultValue = "ICEBERG", description = "Lake table format: ${COMPLETION-CANDIDATES} "
            + "(default ${DEFAULT-VALUE}); BOTH mirrors each table to an Iceberg and a Delta table and verifies both.")
    LakeFormat format;

    @Option(names = "--encoding", defaultValue = "JSON", description = "How Debezium writes change records: "
            + "${COMPLETION-CANDIDATES}; AVRO is Avro single-object encoding with the writer schemas in <work dir>/schemas "
            + "(default ${DEFAULT-VALUE}).")
    Encoding encoding;

    @Option(names = "--sessions", description = "Also run the SessionJob: events from the producer, sessions of 10 s "
            + "inactivity into lake table sessions.visits, late events into sessions.late_events; prints the counts.")
    boolean sessions;

    @Option(names = "--kinesis", description = "With --sessions: the events go through a local Kinesis stream "
            + "(kinesalite, needs Node.js) instead of a Kafka topic.")
    boolean kinesis;

    private final PrintStream out = System.out;

    static boolean interrupted() {
        return INTERRUPTED.get();
    }

    @Override
    public Integer call() throws Exception {
        Duration runFor = TimeUtils.parseDuration(duration);
        if (rate < 1) {
            throw new IllegalArgumentException("--rate must be at least 1, was " + rate);
        }
        if (kinesis && !sessions) {
            throw new IllegalArgumentException("--kinesis applies to --sessions: add --sessions");
        }
        Path dir = workDir != null ? workDir
                : Paths.get(".changelake", "local-" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
        out.println("changelake local: work dir " + dir.toAbsolutePath() + " (logs in " + dir.resolve("*/") + "*.log)");

        AtomicBoolean stop = new AtomicBoolean();
        CountDownLatch finished = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            INTERRUPTED.set(true);
            stop.set(true);
            out.println("\nCtrl-C: stopping the workload, catching up and verifying (Ctrl-C again to abort)…");
            try {
                finished.await(3, TimeUnit.MINUTES);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "changelake-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            return run(dir, runFor, stop);
        } finally {
            finished.countDown();
            if (!INTERRUPTED.get()) {
                Runtime.getRuntime().removeShutdownHook(hook);
            }
        }
    }

    private int run(Path dir, Duration runFor, AtomicBoolean stop) throws Exception {
        out.println("starting services…");
        try (LocalStack stack = LocalStack.start(dir, DB);
             LocalFlinkCluster flink = LocalFlinkCluster.start(freeOr(webPort), 4);
             LocalMirror mirror = new LocalMirror(stack, flink, DB, TimeUtils.parseDuration(checkpointInterval), parallelism,
                     encoding)) {
            mirror.configure(b -> b.defaultFormat(format));
            out.println("services up: " + stack.startupTimes());
            out.println("  MariaDB    " + stack.mariaDb().jdbcUrl(DB) + "  user " + LocalStack.CAPTURE_USER
                    + " password " + LocalStack.CAPTURE_PASSWORD + "  (root: " + stack.mariaDb().rootUser() + " / "
                    + stack.mariaDb().rootPassword() + ")");
            out.println("  Kafka      " + stack.kafka().bootstrapServers() + "  Connect " + stack.kafka().connectUrl());
            out.println("  S3         " + stack.s3().endpoint() + "  bucket " + LocalStack.BUCKET
                    + (format.delta() ? "  Delta tables under " + mirror.jobOptions().delta().location() : ""));
            out.println("  Flink UI   " + flink.webUrl());
            Path config = LocalPipelineConfig.write(stack, DB, mirror);
            out.println("  config     " + config + "  (./bin/changelake verify --config " + config + " while it runs)");

            DemoWorkload workload = new DemoWorkload(DB, System.nanoTime());
            String url = stack.mariaDb().jdbcUrl(DB);
            try (Connection db = DriverManager.getConnection(url, stack.mariaDb().rootUser(), stack.mariaDb().rootPassword())) {
                if (!noWorkload) {
                    workload.createSchema(db);
                    workload.seed(db, 500, 2000);
                    out.println("demo schema: shop.customers (500 rows), shop.orders (2000 rows)");
                }
                mirror.startCapture();
                out.println("capture: Debezium " + mirror.captureOptions().connectorName() + " running; topics "
                        + mirror.captureOptions().topicPrefix() + "." + DB + ".<table>, encoding " + mirror.encoding()
                        + (mirror.captureOptions().avroSchemaStore() == null ? ""
                                : " (schemas in " + mirror.captureOptions().avroSchemaStore() + ")"));

                LocalSessions sessionJob = sessions ? LocalSessions.start(stack, flink, mirror, kinesis, out) : null;
                if (sessionJob != null) {
                    out.println("job: SessionJob running over " + (kinesis ? "Kinesis stream " + LocalSessions.STREAM
                            : "Kafka topic " + LocalSessions.TOPIC) + " into " + LocalSessions.TABLE);
                    sessionJob.produce(runFor);
                }
                long seeded = workload.changes();
                long started = System.nanoTime();
                if (noWorkload) {
                    out.println("no workload: create tables and write to " + DB + " at the address above; every table "
                            + "with a primary key is mirrored. Ctrl-C (or --duration) ends the run with a verify.");
                    followTables(mirror, runFor, stop);
                } else {
                    Map<TableId, TableSchema> tables = mirror.awaitTables(t -> t.size() >= 2, Duration.ofMinutes(2));
                    mirror.startJob(tables, false);
                    out.println("job: ChangelogJob running for " + tables.keySet());
                    started = System.nanoTime();
                    runWorkload(mirror, workload, url, stack, runFor, stop);
                }
                double seconds = (System.nanoTime() - started) / 1e9;

                out.println("catching up and verifying…");
                long catchUpStart = System.nanoTime();
                VerifyReport report = mirror.tables().isEmpty() ? null : mirror.awaitMirror(Duration.ofMinutes(5));
                double catchUp = (System.nanoTime() - catchUpStart) / 1e9;
                LocalMirror.Progress p = mirror.tables().isEmpty() ? null : mirror.progress();
                if (!noWorkload) {
                    long changes = workload.changes() - seeded;
                    out.printf("workload: %d changes in %.0f s (%.0f changes/s) after %d seed rows; in all %d inserts, "
                            + "%d updates, %d deletes%n", changes, seconds, changes / seconds, seeded,
                            workload.inserts(), workload.updates(), workload.deletes());
                }
                if (p != null) {
                    out.printf("mirror: %d change records committed to the lake (%.0f records/s over the run, caught up "
                            + "%.1f s after it; a delete is two records: the change and its tombstone)%n",
                            p.committed, p.committed / (seconds + catchUp), catchUp);
                }
                if (p != null) {
                    out.print(TableMetricsSummary.table(mirror.tableMetrics()));
                }
                if (sessionJob != null) {
                    sessionJob.stopProducing();
                    sessionJob.report(out);
                    sessionJob.close();
                }
                if (report == null) {
                    out.println("verify: FAILED no table with a primary key was created in " + DB);
                    return 1;
                }
                out.print(report.details());
                out.println(report.summaryLine());
                return report.ok() ? 0 : 1;
            }
        }
    }

    private void runWorkload(LocalMirror mirror, DemoWorkload workload, String url, LocalStack stack, Duration runFor,
            AtomicBoolean stop) throws Exception {
        long seeded = workload.changes();
        ExecutorService writer = Executors.newSingleThreadExecutor(r -> new Thread(r, "workload"));
        try (Connection writes = DriverManager.getConnection(url, stack.mariaDb().rootUser(), stack.mariaDb().rootPassword())) {
            Future<?> load = writer.submit(() -> {
                workload.run(writes, rate, runFor, stop);
                return null;
            });
            try (Progress progress = new Progress(runFor)) {
                while (!load.isDone()) {
                    LocalMirror.Progress p = mirror.progress();
                    progress.update(String.format("%d changes written | records captured %d | committed %d | lag %d | %s",
                            workload.changes() - seeded, p.captured, p.committed, p.lag(),
                            TableMetricsSummary.inline(mirror.tableMetrics())));
                    awaitQuietly(load, Duration.ofSeconds(1));
                }
            }
            load.get();
        } finally {
            writer.shutdownNow();
        }
    }

    /** Without a workload: mirror each table as it appears, restarting the job from its checkpoint to add it. */
    private void followTables(LocalMirror mirror, Duration runFor, AtomicBoolean stop) throws Exception {
        long end = System.nanoTime() + runFor.toNanos();
        try (Progress progress = new Progress(runFor)) {
            while (!stop.get() && System.nanoTime() < end) {
                Map<TableId, TableSchema> found = mirror.awaitTables(t -> true, Duration.ZERO);
                Set<TableId> known = mirror.tables();
                if (!found.isEmpty() && !known.containsAll(found.keySet())) {
                    if (known.isEmpty()) {
                        mirror.startJob(found, false);
                    } else {
                        mirror.restartJob(found);
                    }
                    out.println("\nmirroring " + found.keySet());
                }
                LocalMirror.Progress p = mirror.progress();
                progress.update(String.format("%d tables | records captured %d | committed %d | lag %d | %s",
                        mirror.tables().size(), p.captured, p.committed, p.lag(),
                        TableMetricsSummary.inline(mirror.tableMetrics())));
                java.util.concurrent.locks.LockSupport.parkNanos(Duration.ofSeconds(2).toNanos());
            }
        }
    }

    private static void awaitQuietly(Future<?> f, Duration d) {
        try {
            f.get(d.toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            // timed out (keep reporting) or failed (load.get() rethrows)
        }
    }

    private static int freeOr(int port) throws IOException {
        try (ServerSocket s = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
            return port;
        } catch (IOException taken) {
            return 0;
        }
    }

    /** A progress bar on a terminal; a plain line every ten seconds otherwise (CI logs, pipes). */
    private final class Progress implements AutoCloseable {
        private final ProgressBar bar;
        private final long start = System.nanoTime();
        private long lastLine;

        Progress(Duration total) {
            this.bar = System.console() == null ? null : new ProgressBarBuilder().setTaskName("mirror")
                    .setInitialMax(total.toSeconds()).setUnit(" s", 1).setStyle(ProgressBarStyle.ASCII)
                    .setMaxRenderedLength(200).build();
        }

        void update(String message) {
            long elapsed = (System.nanoTime() - start) / 1_000_000_000L;
            if (bar != null) {
                bar.stepTo(elapsed);
                bar.setExtraMessage(" " + message);
            } else if (elapsed - lastLine >= 10 || lastLine == 0) {
                lastLine = Math.max(1, elapsed);
                out.printf("[%4d s] %s%n", elapsed, message);
            }
        }

        @Override
        public void close() {
            if (bar != null) {
                bar.close();
            }
        }
    }
}
