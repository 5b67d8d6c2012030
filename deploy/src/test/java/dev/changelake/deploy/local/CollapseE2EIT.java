package dev.changelake.deploy.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.changelake.lake.verify.VerifyReport;
import dev.changelake.schema.TableId;
import dev.changelake.schema.TableSchema;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.junit.jupiter.api.Test;

/**
 * Hot keys updated hundreds of times between two checkpoints are written once per checkpoint, not as a delete and an
 * insert per change (the collapse stage), and the lake still equals the database.
 */
class CollapseE2EIT extends PipelineE2E {
    static final TableId HOT = new TableId(DB, "hot_keys");
    static final int KEYS = 5;
    static final int UPDATES_PER_KEY = 300;

    @Test
    void hotKeysAreWrittenOncePerCheckpointNotOncePerChange() throws Exception {
        try (Connection db = connect(); LocalMirror mirror = new LocalMirror(stack, flink, DB, Duration.ofSeconds(5), 2)) {
            try (Statement s = db.createStatement()) {
                s.execute("CREATE TABLE " + HOT + " (id INT PRIMARY KEY, n INT NOT NULL, note VARCHAR(20))");
                for (int k = 1; k <= KEYS; k++) {
                    s.execute("INSERT INTO " + HOT + " VALUES (" + k + ", 0, 'start')");
                }
            }
            mirror.configure(b -> b.databases(List.of()).tables(List.of(HOT)));
            mirror.startCapture();
            Map<TableId, TableSchema> tables = mirror.awaitTables(t -> t.contains(HOT), Duration.ofMinutes(2));
            mirror.startJob(tables, false);
            try (PreparedStatement update = db.prepareStatement("UPDATE " + HOT + " SET n = ?, note = ? WHERE id = ?")) {
                for (int i = 1; i <= UPDATES_PER_KEY; i++) {
                    for (int k = 1; k <= KEYS; k++) {
                        update.setInt(1, i);
                        update.setString(2, "v" + i);
                        update.setInt(3, k);
                        update.executeUpdate(); // autocommit: one binlog event per change
                    }
                }
            }

            VerifyReport report = mirror.awaitMirror(Duration.ofMinutes(3));

            assertThat(report.ok()).as(report.details()).isTrue();
            long changes = KEYS + (long) KEYS * UPDATES_PER_KEY;
            long written = rowsWritten(lakeTable(mirror, mirror.jobOptions().lakeTableOf(HOT)));
            // Without collapsing every update is an equality delete plus an insert: 2 rows per change.
            assertThat(written).as("rows written to data and delete files for %d changes", changes)
                    .isLessThan(changes / 5);
            // Flink's REST API refreshes metrics every 10 s: wait for the counts to arrive.
            await().atMost(Duration.ofMinutes(1)).until(() -> mirror.metric("collapseChangesIn") >= changes);
            assertThat(mirror.metric("collapseRowsOut")).isLessThan(changes / 5);
        }
    }

    /** Rows added to data files and equality/position delete files over the table's history. */
    private static long rowsWritten(Table table) {
        long rows = 0;
        for (Snapshot s : table.snapshots()) {
            Map<String, String> summary = s.summary();
            rows += Long.parseLong(summary.getOrDefault("added-records", "0"))
                    + Long.parseLong(summary.getOrDefault("added-equality-deletes", "0"))
                    + Long.parseLong(summary.getOrDefault("added-position-deletes", "0"));
        }
        return rows;
    }
}
