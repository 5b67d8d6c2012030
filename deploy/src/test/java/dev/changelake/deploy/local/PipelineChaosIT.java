package dev.changelake.deploy.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.changelake.fixtures.S3FaultProxy;
import dev.changelake.fixtures.workload.DemoWorkload;
import dev.changelake.jobs.changelog.LakeFormat;
import dev.changelake.lake.catalog.CatalogOptions;
import dev.changelake.lake.catalog.LakeCatalogs;
import dev.changelake.lake.delta.DeltaFiles;
import dev.changelake.lake.delta.DeltaOptions;
import dev.changelake.lake.verify.TableDiff;
import dev.changelake.lake.verify.VerifyReport;
import dev.changelake.schema.TableId;
import dev.changelake.schema.TableSchema;
import java.io.Closeable;
import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.data.IcebergGenerics;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.io.CloseableIterable;
import org.junit.jupiter.api.Test;

/**
 * The chaos suite: while the demo workload changes the shop (inserts, hot-key updates, deletes, primary-key
 * changes), faults hit the pipeline at points drawn from a seed: the TaskManager killed, the job cancelled and
 * restored from its last checkpoint, the Kafka broker (with the Connect worker) restarted, the Debezium connector
 * restarted (it replays from its stored offsets), MariaDB restarted, and S3 answering 500/503, dropping
 * connections, answering after the client's timeout, or slowly, from a proxy between the pipeline and the S3
 * server. Then the writes pause, the pipeline catches up, and both the Iceberg and the Delta table of every source
 * table must equal MariaDB: no differing row, no duplicate key, no deleted key back. Full size checks that after
 * every scenario, the small size (CI) once after the last.
 *
 * <p>{@code -Dchaos.size=small} (default, one scenario per fault kind) or {@code full} (20 faults);
 * {@code -Dchaos.seed=N} replays a run's choices (printed first).
 */
class PipelineChaosIT extends PipelineE2E {

    enum Fault {
        TASK_MANAGER_KILL, JOB_CANCEL_RESTORE, KAFKA_RESTART, CAPTURE_RESTART, MARIADB_RESTART,
        S3_ERRORS, S3_TIMEOUTS, S3_SLOW
    }

    private static final int FULL_SIZE_FAULTS = 20;
    private static final int RATE = 100;
    /** The clients' S3 read timeout in this test, so an S3 timeout costs seconds, not the default minutes. */
    private static final Duration S3_CLIENT_TIMEOUT = Duration.ofSeconds(5);
    private static final Duration CATCH_UP = Duration.ofMinutes(4);

    @Test
    void lakeTablesEqualTheDatabaseAfterEveryFault() throws Exception {
        String size = System.getProperty("chaos.size", "small");
        long seed = Long.getLong("chaos.seed", System.nanoTime() % 1_000_000_000L);
        Random random = new Random(seed);
        List<Fault> plan = plan(size, random);
        // Full size verifies after every scenario; the small one (CI) once, after the last, to stay short.
        boolean verifyEach = "full".equals(size);
        System.out.printf("chaos: seed %d, size %s, %d scenarios: %s (replay with -Dchaos.seed=%d -Dchaos.size=%s)%n",
                seed, size, plan.size(), plan, seed, size);

        DemoWorkload workload = new DemoWorkload(DB, seed);
        Map<Fault, Integer> injected = new EnumMap<>(Fault.class);
        List<String> failures = new ArrayList<>();
        long divergent = 0;
        long duplicates = 0;
        long resurrected = 0;
        long started = System.nanoTime();
        try (S3FaultProxy s3 = S3FaultProxy.start(stack.s3().endpoint());
             LocalMirror mirror = new LocalMirror(stack, flink, DB, Duration.ofSeconds(2), 2)) {
            mirror.configure(b -> throughProxy(b.defaultFormat(LakeFormat.BOTH), mirror, s3));
            try (Connection db = connect()) {
                workload.createSchema(db);
                workload.seed(db, 50, 200);
            }
            mirror.startCapture();
            Map<TableId, TableSchema> tables = mirror.awaitTables(t -> t.containsAll(Set.of(CUSTOMERS, ORDERS)),
                    Duration.ofMinutes(2));
            mirror.startJob(tables, false);

            try (ChaosLoad load = new ChaosLoad(workload, PipelineE2E::connect, RATE)) {
                load.resume();
                for (int i = 0; i < plan.size(); i++) {
                    Fault fault = plan.get(i);
                    int before = 50 + random.nextInt(200);
                    int during = 100 + random.nextInt(300);
                    long t0 = System.nanoTime();
                    long s3Faults = s3.faultsServed();
                    awaitChanges(load, before);
                    inject(fault, injected.getOrDefault(fault, 0), mirror, s3, random, () -> awaitChanges(load, during));
                    injected.merge(fault, 1, Integer::sum);
                    String line = String.format("chaos: scenario %d/%d %s after %d changes, %d more while it lasted, "
                            + "%d S3 requests faulted", i + 1, plan.size(), fault, before, during,
                            s3.faultsServed() - s3Faults);
                    if (verifyEach || i == plan.size() - 1) {
                        load.pause();
                        Check check = check(mirror, workload);
                        divergent += check.divergent;
                        duplicates += check.duplicates;
                        resurrected += check.resurrected;
                        if (!check.ok()) {
                            failures.add("after scenario " + (i + 1) + " " + fault + ":\n" + check.details);
                        }
                        line += "; " + check.summary;
                        load.resume();
                    }
                    System.out.printf("%s; %.0f s%n", line, (System.nanoTime() - t0) / 1e9);
                }
                load.pause();
                System.out.printf("chaos: workload %d changes (%d inserts, %d updates, %d deletes), %d statements "
                                + "failed while MariaDB was away%n", workload.changes(), workload.inserts(),
                        workload.updates(), workload.deletes(), load.failedStatements());
            }
            System.out.printf("chaos: S3 proxy served %d requests, %d of them faults; dedupe dropped %d replays; job %s%n",
                    s3.requests(), s3.faultsServed(), mirror.metric("replaysDropped"), flink.status(mirror.job()));
            assertThat(s3.faultsServed()).as("S3 faults reached the pipeline").isPositive();
        } finally {
            System.out.printf("chaos: summary seed=%d size=%s scenarios=%d faults=%s divergent rows=%d "
                            + "duplicate keys=%d resurrected deletes=%d took %.0f s%n", seed, size,
                    injected.values().stream().mapToInt(Integer::intValue).sum(), injected, divergent, duplicates,
                    resurrected, (System.nanoTime() - started) / 1e9);
        }
        assertThat(failures).as("seed " + seed + ": scenarios whose lake tables differ from MariaDB").isEmpty();
        assertThat(divergent + duplicates + resurrected).isZero();
    }

    /**
     * Waits until the pipeline has caught up and both lake tables of each source table equal MariaDB, then counts
     * differing rows (the verifier), duplicate keys and deleted keys present (read apart from the verifier).
     */
    private static Check check(LocalMirror mirror, DemoWorkload workload) throws Exception {
        long t0 = System.nanoTime();
        VerifyReport report = mirror.awaitMirror(CATCH_UP);
        double catchUp = (System.nanoTime() - t0) / 1e9;
        LakeKeys keys = lakeKeys(mirror);
        Set<Long> deleted = new HashSet<>(workload.removedOrderIds());
        try (Connection db = connect()) { // a new one: MariaDB may have restarted since
            deleted.removeAll(ids(db, "orders"));
        }
        Check c = new Check();
        c.divergent = report.tables().stream().mapToLong(TableDiff::differingKeys).sum();
        c.duplicates = keys.duplicates();
        c.resurrected = keys.present(deleted);
        c.summary = String.format("%s (%d rows), %d divergent, %d duplicate keys, %d of %d deleted keys in the lake, "
                + "caught up and verified in %.0f s, replays dropped since the job's last (re)start: %d",
                report.ok() ? "verify OK" : "verify FAILED", report.rows(), c.divergent, c.duplicates, c.resurrected,
                deleted.size(), catchUp, mirror.metric("replaysDropped"));
        c.details = report.details() + keys.describe(deleted);
        return c;
    }

    private static final class Check {
        long divergent;
        long duplicates;
        long resurrected;
        String summary;
        String details;

        boolean ok() {
            return divergent == 0 && duplicates == 0 && resurrected == 0;
        }
    }

    /** Small: every kind once, in an order drawn from the seed. Full: 20 faults, every kind at least twice. */
    static List<Fault> plan(String size, Random random) {
        List<Fault> plan = new ArrayList<>(List.of(Fault.values()));
        switch (size) {
            case "small":
                break;
            case "full":
                plan.addAll(List.of(Fault.values()));
                while (plan.size() < FULL_SIZE_FAULTS) {
                    plan.add(Fault.values()[random.nextInt(Fault.values().length)]);
                }
                break;
            default:
                throw new IllegalArgumentException("chaos.size=" + size + ": use small or full");
        }
        Collections.shuffle(plan, random);
        return plan;
    }

    /** Injects {@code fault}; {@code meanwhile} runs while it lasts (the writes go on throughout). */
    private static void inject(Fault fault, int occurrence, LocalMirror mirror, S3FaultProxy s3, Random random, ThrowingRunnable meanwhile)
            throws Exception {
        switch (fault) {
            case TASK_MANAGER_KILL:
                flink.replaceTaskManager();
                meanwhile.run();
                break;
            case JOB_CANCEL_RESTORE:
                await().atMost(Duration.ofMinutes(2)).until(mirror::hasCheckpoint);
                mirror.restartJobFromLastCheckpoint();
                assertThat(mirror.lastRestore()).as("restored from a retained checkpoint").contains("chk-");
                meanwhile.run();
                break;
            case KAFKA_RESTART:
                stack.kafka().restart();
                mirror.startCapture(); // the standalone worker forgets connector configurations (not offsets)
                meanwhile.run();
                break;
            case CAPTURE_RESTART:
                if (occurrence % 2 == 0) {
                    // The worker dies (the broker with it: they share a JVM): Debezium sends again what came after
                    // the offsets the worker flushed last.
                    System.out.println("chaos: the Connect worker's JVM killed with -9");
                    stack.kafka().restartAfterKill();
                    mirror.startCapture();
                } else {
                    System.out.println("chaos: the connector and its task restarted through the Connect REST API");
                    mirror.restartCapture();
                }
                meanwhile.run();
                break;
            case MARIADB_RESTART:
                stack.mariaDb().restart();
                meanwhile.run();
                break;
            case S3_ERRORS:
                String method = random.nextBoolean() ? null : "PUT";
                int status = random.nextBoolean() ? 500 : 503;
                System.out.printf("chaos: S3 answers %d to %s%n", status, method == null ? "every request" : method);
                whileFaulty(s3, 3 + random.nextInt(20), () -> s3.failWith(method, status), meanwhile);
                break;
            case S3_TIMEOUTS:
                boolean drop = random.nextBoolean();
                System.out.printf("chaos: S3 %s%n", drop ? "drops connections" : "answers after the client's timeout");
                whileFaulty(s3, 2 + random.nextInt(6), () -> {
                    if (drop) {
                        s3.dropConnections(null);
                    } else {
                        s3.delay(null, S3_CLIENT_TIMEOUT.plusSeconds(1), S3_CLIENT_TIMEOUT.plusSeconds(3));
                    }
                }, meanwhile);
                break;
            case S3_SLOW:
                whileFaulty(s3, 20 + random.nextInt(100), () -> s3.delay(null, Duration.ofMillis(100), Duration.ofMillis(1500)),
                        meanwhile);
                break;
            default:
                throw new IllegalStateException(fault.toString());
        }
    }

    /**
     * Keeps the S3 fault on while {@code meanwhile} runs and until it has answered {@code faults} requests (the job
     * writes at checkpoints, so a short window may see none), or 30 s have passed (a job in restart backoff sends
     * none).
     */
    private static void whileFaulty(S3FaultProxy s3, int faults, ThrowingRunnable fault, ThrowingRunnable meanwhile)
            throws Exception {
        long target = s3.faultsServed() + faults;
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        fault.run();
        try {
            meanwhile.run();
            await().atMost(Duration.ofMinutes(1))
                    .until(() -> s3.faultsServed() >= target || System.nanoTime() > deadline);
        } finally {
            s3.heal();
        }
    }

    private interface ThrowingRunnable {
        void run() throws Exception;
    }

    private static void awaitChanges(ChaosLoad load, int changes) {
        long target = load.changes() + changes;
        await().atMost(Duration.ofMinutes(3)).until(() -> load.changes() >= target);
    }

    /**
     * The job's catalog and Delta tables through the fault proxy, with S3 read timeouts of
     * {@link #S3_CLIENT_TIMEOUT} for S3FileIO (either HTTP client) and S3A.
     */
    private static dev.changelake.jobs.changelog.ChangelogJobOptions.Builder throughProxy(
            dev.changelake.jobs.changelog.ChangelogJobOptions.Builder b, LocalMirror mirror, S3FaultProxy s3) {
        CatalogOptions direct = mirror.jobOptions().catalog();
        Map<String, String> p = new LinkedHashMap<>(direct.properties());
        p.put("s3.endpoint", s3.endpoint());
        String timeoutMs = String.valueOf(S3_CLIENT_TIMEOUT.toMillis());
        p.put("http-client.apache.socket-timeout-ms", timeoutMs);
        p.put("http-client.urlconnection.socket-timeout-ms", timeoutMs);
        CatalogOptions proxied = new CatalogOptions(direct.name(), direct.type(), direct.warehouse(), p);
        DeltaOptions delta = DeltaOptions.defaults(proxied);
        return b.catalog(proxied).delta(new DeltaOptions(delta.location(), Map.of("fs.s3a.connection.timeout", timeoutMs),
                DeltaOptions.DEFAULT_SMALL_FILE_BYTES, Duration.ofDays(7), Duration.ofHours(1)));
    }

    /** The ids in each lake table, every row counted (the verifier keys rows by id, so it reads duplicates once). */
    private static LakeKeys lakeKeys(LocalMirror mirror) throws Exception {
        Map<String, List<Long>> ids = new TreeMap<>();
        Catalog catalog = LakeCatalogs.open(mirror.jobOptions().catalog());
        try {
            for (TableId t : List.of(CUSTOMERS, ORDERS)) {
                List<Long> iceberg = new ArrayList<>();
                try (CloseableIterable<Record> rows = IcebergGenerics.read(catalog.loadTable(mirror.jobOptions().lakeTableOf(t)))
                        .select("id").build()) {
                    rows.forEach(r -> iceberg.add((Long) r.getField("id")));
                }
                ids.put(t + " (iceberg)", iceberg);
                List<Long> delta = new ArrayList<>();
                for (Map<String, Object> r : DeltaFiles.readAll(mirror.jobOptions().delta().engine(mirror.jobOptions().catalog()),
                        mirror.jobOptions().deltaPathOf(t))) {
                    delta.add((Long) r.get("id"));
                }
                ids.put(t + " (delta)", delta);
            }
        } finally {
            if (catalog instanceof Closeable) {
                ((Closeable) catalog).close();
            }
        }
        return new LakeKeys(ids);
    }

    /** Every lake table's ids as read, duplicates included. */
    private static final class LakeKeys {
        private final Map<String, List<Long>> ids;

        LakeKeys(Map<String, List<Long>> ids) {
            this.ids = ids;
        }

        long duplicates() {
            return ids.values().stream().mapToLong(l -> l.size() - new HashSet<>(l).size()).sum();
        }

        /** How many of the orders tables' ids are in {@code deleted}. */
        long present(Set<Long> deleted) {
            return ids.entrySet().stream().filter(e -> e.getKey().startsWith(ORDERS.toString()))
                    .mapToLong(e -> e.getValue().stream().filter(deleted::contains).count()).sum();
        }

        String describe(Set<Long> deleted) {
            StringBuilder sb = new StringBuilder();
            ids.forEach((table, list) -> {
                Set<Long> seen = new HashSet<>();
                List<Long> dup = list.stream().filter(id -> !seen.add(id)).limit(20).toList();
                List<Long> back = table.startsWith(ORDERS.toString())
                        ? list.stream().filter(deleted::contains).limit(20).toList() : List.of();
                sb.append(table).append(": ").append(list.size()).append(" rows, duplicate ids ").append(dup)
                        .append(", deleted ids present ").append(back).append('\n');
            });
            return sb.toString();
        }
    }
}
