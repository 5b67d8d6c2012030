package dev.changelake.deploy.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.changelake.deploy.cli.ChangelakeCli;
import dev.changelake.fixtures.workload.DemoWorkload;
import dev.changelake.lake.catalog.LakeCatalogs;
import dev.changelake.lake.maintain.LakeMaintenance;
import dev.changelake.lake.maintain.MaintenanceOptions;
import dev.changelake.lake.verify.VerifyReport;
import dev.changelake.schema.TableId;
import dev.changelake.schema.TableSchema;
import java.io.Closeable;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.flink.api.common.JobStatus;
import org.apache.iceberg.FileScanTask;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.TableProperties;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.io.OutputFile;
import org.apache.iceberg.io.PositionOutputStream;
import org.junit.jupiter.api.Test;

/**
 * Table maintenance beside the running pipeline, on real services: MariaDB → Debezium → Kafka → ChangelogJob →
 * Iceberg on S3 with a 1 s checkpoint interval, so small data files and equality deletes pile up. Maintenance runs
 * while the job commits (through {@code changelake maintain}), then with the job stopped at its retention's most
 * aggressive (every snapshot expirable, an unreferenced file older than 20 s an orphan), and the job is restored from its last
 * checkpoint: the lake equals the database throughout, and no checkpoint is committed twice.
 */
class TableMaintenanceE2EIT extends PipelineE2E {

    @Test
    void maintenanceCompactsExpiresAndCleansWithoutLosingRowsOrCommittingACheckpointTwice() throws Exception {
        DemoWorkload workload = new DemoWorkload(DB, 13);
        try (Connection db = connect();
             LocalMirror mirror = new LocalMirror(stack, flink, DB, Duration.ofSeconds(1), 2)) {
            workload.createSchema(db);
            workload.seed(db, 50, 200);
            mirror.startCapture();
            Map<TableId, TableSchema> tables = mirror.awaitTables(t -> t.containsAll(Set.of(CUSTOMERS, ORDERS)),
                    Duration.ofMinutes(2));
            mirror.startJob(tables, false);
            TableIdentifier orders = mirror.jobOptions().lakeTableOf(ORDERS);

            // Beside the running job: the command's pass, while updates and deletes keep committing every second.
            AtomicBoolean stop = new AtomicBoolean();
            ExecutorService writer = Executors.newSingleThreadExecutor();
            String orphan;
            try (Connection writes = connect()) {
                Future<?> load = writer.submit(() -> {
                    workload.run(writes, 150, Duration.ofSeconds(40), stop);
                    return null;
                });
                await().atMost(Duration.ofMinutes(3)).until(() -> mirror.progress().committed > 1_000
                        && dataFiles(lakeTable(mirror, orders)) > 8);
                // A file no snapshot references, old by the time the job stops.
                orphan = lakeTable(mirror, orders).location() + "/data/orphan-" + System.nanoTime() + ".parquet";
                write(lakeTable(mirror, orders), orphan);
                Path config = LocalPipelineConfig.write(stack, DB, mirror);
                StringWriter cliOut = new StringWriter();
                int exit = ChangelakeCli.commandLine().setOut(new PrintWriter(cliOut))
                        .execute("maintain", "--config", config.toString());
                assertThat(exit).as(cliOut.toString()).isZero();
                assertThat(cliOut.toString()).contains("iceberg " + orders + ": compacted ").contains("maintain: ")
                        .doesNotContain("compaction skipped");
                load.get();
            } finally {
                stop.set(true);
                writer.shutdownNow();
            }
            VerifyReport whileRunning = mirror.awaitMirror(Duration.ofMinutes(3));
            assertThat(whileRunning.ok()).as(whileRunning.details()).isTrue();

            // More small files and equality deletes, committed; then the job stops (its checkpoints are retained).
            workload.run(db, 150, Duration.ofSeconds(8), new AtomicBoolean());
            VerifyReport beforeStop = mirror.awaitMirror(Duration.ofMinutes(3));
            assertThat(beforeStop.ok()).as(beforeStop.details()).isTrue();
            String job = mirror.job().toHexString();
            flink.cancel(mirror.job());
            Table before = lakeTable(mirror, orders);
            Snapshot flinkHead = newestFlinkSnapshot(before);
            assertThat(flinkHead.summary()).containsEntry("flink.job-id", job);
            assertThat(dataFiles(before)).as("small files committed since the pass").isGreaterThan(2);
            assertThat(deleteFiles(before)).isPositive();
            Map<Object, org.apache.iceberg.data.Record> rowsBefore = lakeRowsById(mirror, orders);

            // Nothing kept that maintenance may remove: every snapshot expirable, files older than 20 s orphans.
            MaintenanceOptions now = MaintenanceOptions.defaults().withRetention(Duration.ZERO, 1, Duration.ofSeconds(20));
            Catalog catalog = LakeCatalogs.open(mirror.jobOptions().catalog());
            List<String> lines;
            try {
                lines = new LakeMaintenance(catalog, now, () -> LakeMaintenance.localFlink(1),
                        mirror.jobOptions().delta(), mirror.jobOptions().catalog())
                        .run(List.of(orders), List.of(), System.currentTimeMillis());
                assertThat(lines).singleElement().asString().doesNotContain("FAILED");
            } finally {
                ((Closeable) catalog).close();
            }

            Table after = lakeTable(mirror, orders);
            assertThat(dataFiles(after)).as("one partition, compacted to the target size: " + lines).isEqualTo(1);
            assertThat(deleteFiles(after)).as("deletes applied by compaction are removed").isZero();
            assertThat(lakeRowsById(mirror, orders)).as("compaction applied every delete").isEqualTo(rowsBefore);
            assertThat(after.currentSnapshot().allManifests(after.io()))
                    .as("one manifest holds the live files; delete manifests only list the deletes removed")
                    .filteredOn(m -> m.addedFilesCount() + m.existingFilesCount() > 0).hasSize(1);
            assertThat(after.snapshot(flinkHead.snapshotId())).as("the job's last commit is kept for its restore")
                    .isNotNull();
            assertThat(size(after.snapshots())).as("older snapshots expired").isLessThan(10);
            assertThat(after.io().newInputFile(orphan).exists()).as("the orphan file is deleted").isFalse();
            assertThat(after.properties()).containsEntry(TableProperties.METADATA_DELETE_AFTER_COMMIT_ENABLED, "true");

            // Restored from its last checkpoint: what that checkpoint committed is found committed, not committed again.
            mirror.startJob(tables, true);
            assertThat(mirror.lastRestore()).contains("chk-");
            workload.run(db, 100, Duration.ofSeconds(5), new AtomicBoolean());
            VerifyReport restored = mirror.awaitMirror(Duration.ofMinutes(3));
            assertThat(restored.ok()).as(restored.details()).isTrue();
            assertThat(flink.status(mirror.job())).isEqualTo(JobStatus.RUNNING);
            Table end = lakeTable(mirror, orders);
            String checkpoint = flinkHead.summary().get("flink.max-committed-checkpoint-id");
            List<Long> commitsOfThatCheckpoint = new ArrayList<>();
            for (Snapshot s : end.snapshots()) {
                if (job.equals(s.summary().get("flink.job-id"))
                        && checkpoint.equals(s.summary().get("flink.max-committed-checkpoint-id"))) {
                    commitsOfThatCheckpoint.add(s.snapshotId());
                }
            }
            assertThat(commitsOfThatCheckpoint).as("checkpoint " + checkpoint + " committed once")
                    .containsExactly(flinkHead.snapshotId());
        }
    }

    private static Snapshot newestFlinkSnapshot(Table table) {
        for (Snapshot s = table.currentSnapshot(); s != null; s = s.parentId() == null ? null : table.snapshot(s.parentId())) {
            if (s.summary().containsKey("flink.max-committed-checkpoint-id")) {
                return s;
            }
        }
        throw new AssertionError("no snapshot of " + table + " was committed by Flink");
    }

    private static int dataFiles(Table table) throws Exception {
        int n = 0;
        try (CloseableIterable<FileScanTask> tasks = table.newScan().planFiles()) {
            for (FileScanTask ignored : tasks) {
                n++;
            }
        }
        return n;
    }

    private static long deleteFiles(Table table) {
        return table.currentSnapshot() == null ? 0
                : Long.parseLong(table.currentSnapshot().summary().getOrDefault("total-delete-files", "0"));
    }

    private static void write(Table table, String location) throws Exception {
        OutputFile file = table.io().newOutputFile(location);
        try (PositionOutputStream out = file.create()) {
            out.write("not referenced by any snapshot".getBytes(StandardCharsets.UTF_8));
        }
    }

    private static int size(Iterable<?> items) {
        int n = 0;
        for (Object ignored : items) {
            n++;
        }
        return n;
    }
}
