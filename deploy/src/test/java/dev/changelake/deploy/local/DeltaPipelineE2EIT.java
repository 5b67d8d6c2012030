package dev.changelake.deploy.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.changelake.fixtures.workload.DemoWorkload;
import dev.changelake.jobs.changelog.LakeFormat;
import dev.changelake.lake.delta.DeltaSink;
import dev.changelake.lake.verify.VerifyReport;
import dev.changelake.schema.TableId;
import dev.changelake.schema.TableSchema;
import io.delta.kernel.Scan;
import io.delta.kernel.Snapshot;
import io.delta.kernel.TableManager;
import io.delta.kernel.data.ColumnarBatch;
import io.delta.kernel.data.FilteredColumnarBatch;
import io.delta.kernel.data.Row;
import io.delta.kernel.engine.Engine;
import io.delta.kernel.engine.FileReadResult;
import io.delta.kernel.types.StructField;
import io.delta.kernel.types.StructType;
import io.delta.kernel.utils.CloseableIterator;
import io.delta.kernel.utils.FileStatus;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.junit.jupiter.api.Test;

/**
 * The Iceberg path's end-to-end scenario with Delta tables: MariaDB → Debezium → Kafka → ChangelogJob → Delta Lake
 * on S3, with inserts, repeated updates of one key, deletes and a primary-key change, a commit that fails after its
 * files are written, a restore from checkpoint (whose commit is replayed) and a replay of every change.
 */
class DeltaPipelineE2EIT extends PipelineE2E {

    @Test
    void deltaTablesEqualTheDatabaseThroughAFailedCommitARestoreAndReplays() throws Exception {
        DemoWorkload workload = new DemoWorkload(DB, 11);
        try (Connection db = connect();
             LocalMirror mirror = new LocalMirror(stack, flink, DB, Duration.ofSeconds(2), 2)) {
            mirror.configure(b -> b.defaultFormat(LakeFormat.DELTA));
            workload.createSchema(db);
            workload.seed(db, 50, 200);
            mirror.startCapture();
            Map<TableId, TableSchema> tables = mirror.awaitTables(t -> t.containsAll(Set.of(CUSTOMERS, ORDERS)),
                    Duration.ofMinutes(2));
            // The first commit fails once its files are written: Flink restarts the job from that checkpoint and the
            // committer commits the checkpoint's files then, once.
            System.setProperty(DeltaSink.FAIL_BEFORE_COMMIT_PROPERTY, "1");
            try {
                mirror.startJob(tables, false);
                await().atMost(Duration.ofMinutes(2)).until(() -> "0".equals(System.getProperty(DeltaSink.FAIL_BEFORE_COMMIT_PROPERTY)));
            } finally {
                System.clearProperty(DeltaSink.FAIL_BEFORE_COMMIT_PROPERTY);
            }
            long firstOrder = firstId(db, "orders");
            try (Statement s = db.createStatement()) {
                for (int i = 0; i < 5; i++) { // the same key changed again and again
                    s.execute("UPDATE " + DB + ".orders SET amount = amount + 1 WHERE id = " + firstOrder);
                }
                // A primary-key change: Debezium sends a delete of the old key and a create of the new one.
                s.execute("UPDATE " + DB + ".orders SET id = id + 1000000 WHERE id = " + (firstOrder + 1));
                s.execute("DELETE FROM " + DB + ".orders WHERE id = " + (firstOrder + 2));
            }

            changeWhileRestoringFromCheckpoint(mirror, workload);
            // The restored checkpoint had been committed before the restore: its commit came again and was skipped.
            await().atMost(Duration.ofMinutes(1)).until(() -> mirror.metric("deltaReplaysSkipped") >= 1);

            VerifyReport report = mirror.awaitMirror(Duration.ofMinutes(3));
            assertThat(report.ok()).as(report.details()).isTrue();
            assertThat(report.tables()).extracting(t -> t.label()).containsOnly("delta");
            assertThat(report.rows()).isEqualTo(count(db, "customers") + count(db, "orders"));

            // Debezium is at-least-once: every orders change again must leave the table as it is.
            long replayed = replayTopic(mirror.jobOptions().topicOf(ORDERS));
            await().atMost(Duration.ofMinutes(2)).until(() -> mirror.metric("replaysDropped") >= replayed);
            VerifyReport afterReplay = mirror.awaitMirror(Duration.ofMinutes(2));
            assertThat(afterReplay.ok()).as(afterReplay.details()).isTrue();

            String orders = mirror.jobOptions().deltaPathOf(ORDERS);
            Engine engine = mirror.jobOptions().delta().engine(mirror.jobOptions().catalog());
            // Another reader: Kernel's own scan (its physical-to-logical transform), not the sink's file reader.
            assertThat(idsThroughKernelScan(engine, orders)).isEqualTo(ids(db, "orders"));
            assertEachCheckpointCommittedOnce(mirror, orders);
            long files = liveFiles(engine, orders);
            await().atMost(Duration.ofMinutes(1)).untilAsserted(() -> assertThat(mirror.tableMetrics().get(ORDERS.toString()))
                    .as("the per-table file count").containsEntry("deltaFiles", files));
        }
    }

    /** Every commit of the sink records a distinct, increasing checkpoint id: nothing was committed twice. */
    private static void assertEachCheckpointCommittedOnce(LocalMirror mirror, String table) throws Exception {
        Configuration conf = new Configuration();
        mirror.jobOptions().delta().hadoopConf(mirror.jobOptions().catalog()).forEach(conf::set);
        Path log = new Path(table + "/_delta_log");
        FileSystem fs = log.getFileSystem(conf);
        List<String> commits = new ArrayList<>();
        for (org.apache.hadoop.fs.FileStatus f : fs.listStatus(log)) {
            if (f.getPath().getName().matches("\\d{20}\\.json")) {
                commits.add(f.getPath().getName());
            }
        }
        commits.sort(null);
        Pattern txn = Pattern.compile("\"txn\":\\{\"appId\":\"" + Pattern.quote(mirror.jobOptions().deltaSinkId())
                + "\",\"version\":(\\d+)");
        List<Long> versions = new ArrayList<>();
        for (String c : commits) {
            try (InputStream in = fs.open(new Path(log, c))) {
                ByteArrayOutputStream bytes = new ByteArrayOutputStream();
                in.transferTo(bytes);
                Matcher m = txn.matcher(bytes.toString(StandardCharsets.UTF_8));
                while (m.find()) {
                    versions.add(Long.parseLong(m.group(1)));
                }
            }
        }
        assertThat(versions).as("checkpoint ids committed, in log order").isNotEmpty().isSorted().doesNotHaveDuplicates();
    }

    /** The table's ids read the way any Kernel-based reader reads it: scan files, Parquet, transformPhysicalData. */
    private static Set<Long> idsThroughKernelScan(Engine engine, String table) throws Exception {
        Snapshot snapshot = TableManager.loadSnapshot(table).build(engine);
        Scan scan = snapshot.getScanBuilder().build();
        Row state = scan.getScanState(engine);
        // Column mapping by name: the files hold physical names, as the table's metadata says.
        List<StructField> physical = new ArrayList<>();
        for (StructField f : snapshot.getSchema().fields()) {
            if (!snapshot.getPartitionColumnNames().contains(f.getName())) {
                physical.add(new StructField(f.getMetadata().getString("delta.columnMapping.physicalName"),
                        f.getDataType(), f.isNullable(), f.getMetadata()));
            }
        }
        Set<Long> ids = new HashSet<>();
        try (CloseableIterator<FilteredColumnarBatch> files = scan.getScanFiles(engine)) {
            while (files.hasNext()) {
                try (CloseableIterator<Row> rows = files.next().getRows()) {
                    while (rows.hasNext()) {
                        Row scanFile = rows.next();
                        FileStatus status = io.delta.kernel.internal.InternalScanFileUtils.getAddFileStatus(scanFile);
                        try (CloseableIterator<ColumnarBatch> data = engine.getParquetHandler()
                                .readParquetFiles(singleton(status), new StructType(physical), Optional.empty())
                                .map(FileReadResult::getData);
                             CloseableIterator<FilteredColumnarBatch> logical =
                                     Scan.transformPhysicalData(engine, state, scanFile, data)) {
                            while (logical.hasNext()) {
                                try (CloseableIterator<Row> it = logical.next().getRows()) {
                                    while (it.hasNext()) {
                                        Row r = it.next();
                                        ids.add(r.getLong(r.getSchema().indexOf("id")));
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        return ids;
    }

    /** The data files of the table's latest version, as Kernel's scan lists them. */
    private static long liveFiles(Engine engine, String table) throws Exception {
        long n = 0;
        try (CloseableIterator<FilteredColumnarBatch> files =
                     TableManager.loadSnapshot(table).build(engine).getScanBuilder().build().getScanFiles(engine)) {
            while (files.hasNext()) {
                try (CloseableIterator<Row> rows = files.next().getRows()) {
                    while (rows.hasNext()) {
                        rows.next();
                        n++;
                    }
                }
            }
        }
        return n;
    }

    private static <T> CloseableIterator<T> singleton(T item) {
        return io.delta.kernel.internal.util.Utils.singletonCloseableIterator(item);
    }

    private static long firstId(Connection db, String table) throws Exception {
        try (Statement s = db.createStatement(); ResultSet rs = s.executeQuery("SELECT MIN(id) FROM " + DB + "." + table)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
