package dev.changelake.deploy.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.changelake.fixtures.workload.DemoWorkload;
import dev.changelake.jobs.changelog.SchemaEvolution;
import dev.changelake.jobs.changelog.TableOptions;
import dev.changelake.jobs.clean.CleaningRules;
import dev.changelake.lake.iceberg.PartitionTransforms;
import dev.changelake.lake.verify.VerifyReport;
import dev.changelake.schema.TableId;
import dev.changelake.schema.TableSchema;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.data.Record;
import org.junit.jupiter.api.Test;

/**
 * One ChangelogJob mirrors many tables, named and by regex, each with its own cleaning rules, lake name and
 * partitioning; a table created while the job runs and a table added to the configuration at a restart from
 * checkpoint are picked up without disturbing the others; {@code verify} applies the same rules to MariaDB's rows.
 */
class ManyTablesE2EIT extends PipelineE2E {
    private static final int ITEM_TABLES = 6;

    @Test
    void oneJobMirrorsTenConfiguredTablesWithTheirCleaningRules() throws Exception {
        DemoWorkload workload = new DemoWorkload(DB, 11);
        try (Connection db = connect(); LocalMirror mirror = new LocalMirror(stack, flink, DB, Duration.ofSeconds(2), 2)) {
            workload.createSchema(db);
            workload.seed(db, 30, 100);
            try (Statement s = db.createStatement()) {
                for (int i = 0; i <= ITEM_TABLES; i++) {
                    createItems(s, "item_" + i);
                }
                s.execute("DROP TABLE " + DB + ".item_" + ITEM_TABLES); // re-created once the job runs
                for (int i = 0; i < ITEM_TABLES; i++) {
                    fillItems(s, "item_" + i, 40);
                }
                s.execute("CREATE TABLE " + DB + ".accounts (id INT PRIMARY KEY, email VARCHAR(100), ssn CHAR(11), "
                        + "card VARCHAR(19), note TEXT, country CHAR(2), internal_flag TINYINT)");
                s.execute("INSERT INTO " + DB + ".accounts VALUES (1, '  Ann@Example.COM ', '123-45-6789', "
                        + "'4111111111111111', 'likes cats', 'DE', 1), (2, 'bob@example.com', '987-65-4321', "
                        + "'5500000000000004', NULL, NULL, 0)");
                s.execute("CREATE TABLE " + DB + ".payments (id BIGINT PRIMARY KEY, amount DECIMAL(10,2) NOT NULL, "
                        + "rate DECIMAL(8,4) NOT NULL, paid_at DATETIME(6))");
                s.execute("INSERT INTO " + DB + ".payments VALUES (1, 100.00, 1.0850, '2024-03-01 10:00:00.123456'), "
                        + "(2, 19.99, 0.9000, NULL)");
                s.execute("CREATE TABLE " + DB + ".late_entry (id INT PRIMARY KEY, v VARCHAR(20))");
                s.execute("INSERT INTO " + DB + ".late_entry VALUES (1, 'before'), (2, 'before')");
            }
            List<TableOptions> entries = new ArrayList<>(List.of(
                    entry(CUSTOMERS, null, Map.of("email", "lower(trim(email))"), List.of(), List.of(), null),
                    entry(ORDERS, "status <> 'CANCELLED'", Map.of(), List.of(), List.of(), null),
                    new TableOptions(null, Pattern.compile("shop\\.item_[0-9]+"), null, null,
                            PartitionTransforms.parse(List.of("bucket(4, id)")), Map.of("write.target-file-size-bytes", "8388608"),
                            SchemaEvolution.EVOLVE, CleaningRules.of("status <> 'TEST'",
                                    ordered("name", "upper(trim(name))", "price_with_tax", "price * 1.2"), List.of())),
                    new TableOptions(new TableId(DB, "accounts"), null, "crm", "accounts_masked",
                            PartitionTransforms.parse(List.of()), Map.of(), SchemaEvolution.EVOLVE, CleaningRules.of(null,
                                    ordered("email", "lower(trim(email))", "ssn", "mask(ssn)", "card", "sha256(card)",
                                            "note", "redact(note)", "country", "COALESCE(country, 'n/a')"),
                                    List.of("internal_flag"))),
                    entry(new TableId(DB, "payments"), null,
                            Map.of("amount_usd", "CAST(amount * rate AS DECIMAL(14,2))"), List.of(), List.of(), null)));
            mirror.configure(b -> b.databases(List.of()).tableOptions(entries).topicDiscoveryInterval(Duration.ofSeconds(2)));
            mirror.startCapture();
            TableId accounts = new TableId(DB, "accounts");
            Map<TableId, TableSchema> tables = mirror.awaitTables(t -> t.size() >= 10, Duration.ofMinutes(2));
            assertThat(tables).hasSize(10).doesNotContainKey(new TableId(DB, "late_entry"));
            mirror.startJob(tables, false);

            // A table created while the job runs, matched by the regex entry: found by topic discovery.
            try (Statement s = db.createStatement()) {
                createItems(s, "item_" + ITEM_TABLES);
                fillItems(s, "item_" + ITEM_TABLES, 10);
            }
            changeItems(db);
            Map<TableId, TableSchema> withNew = mirror.awaitTables(t -> t.size() >= 11, Duration.ofMinutes(1));
            await().atMost(Duration.ofMinutes(2)).until(() -> lakeRows(mirror, mirror.jobOptions().lakeTableOf(
                    new TableId(DB, "item_" + ITEM_TABLES))) == 8); // 10 rows, 2 with status TEST

            // A table added to the configuration, then a restart from the last checkpoint: the others keep their state.
            entries.add(entry(new TableId(DB, "late_entry"), null, Map.of("v", "upper(v)"), List.of(), List.of(), null));
            await().atMost(Duration.ofMinutes(1)).until(mirror::hasCheckpoint);
            mirror.configure(b -> b.tableOptions(entries));
            try (Statement s = db.createStatement()) {
                s.execute("INSERT INTO " + DB + ".late_entry VALUES (3, 'after')");
                s.execute("UPDATE " + DB + ".accounts SET email = ' CAROL@EXAMPLE.COM', country = NULL WHERE id = 2");
            }
            Map<TableId, TableSchema> all = new HashMap<>(withNew);
            all.putAll(mirror.awaitTables(t -> t.size() >= 12, Duration.ofMinutes(1)));
            mirror.restartJob(all);
            assertThat(mirror.lastRestore()).contains("chk-");
            workload.run(db, 100, Duration.ofSeconds(10), new java.util.concurrent.atomic.AtomicBoolean());

            VerifyReport report = mirror.awaitMirror(Duration.ofMinutes(3));

            assertThat(report.ok()).as(report.details()).isTrue();
            assertThat(report.tables()).hasSize(12);
            assertThat(lakeRows(mirror, TableIdentifier.of("crm", "accounts_masked"))).isEqualTo(2);
            Map<Object, Record> masked = lakeRowsById(mirror, TableIdentifier.of("crm", "accounts_masked"));
            assertThat(masked.get(1).getField("email")).isEqualTo("ann@example.com");
            assertThat(masked.get(1).getField("ssn")).isEqualTo("*******6789");
            assertThat(masked.get(1).getField("card")).isEqualTo(java.util.HexFormat.of().formatHex(
                    java.security.MessageDigest.getInstance("SHA-256").digest("4111111111111111".getBytes(java.nio.charset.StandardCharsets.UTF_8))));
            assertThat(masked.get(1).getField("note")).isEqualTo("[redacted]");
            assertThat(masked.get(2).getField("note")).isNull();
            assertThat(masked.get(2).getField("email")).isEqualTo("carol@example.com");
            assertThat(masked.get(2).getField("country")).isEqualTo("n/a");
            assertThat(masked.get(1).struct().field("internal_flag")).as("dropped column").isNull();
            assertThat(lakeRowsById(mirror, TableIdentifier.of(DB, "late_entry")).get(3).getField("v")).isEqualTo("AFTER");
            Table item = lakeTable(mirror, TableIdentifier.of(DB, "item_0"));
            assertThat(item.spec().fields()).extracting(f -> f.transform().toString()).containsExactly("bucket[4]");
            assertThat(item.properties()).containsEntry("write.target-file-size-bytes", "8388608");
        }
    }

    private static TableOptions entry(TableId name, String filter, Map<String, String> columns, List<String> drop,
            List<String> partitionBy, String lakeTable) {
        return new TableOptions(name, null, null, lakeTable, PartitionTransforms.parse(partitionBy), Map.of(),
                SchemaEvolution.EVOLVE, CleaningRules.of(filter, columns, drop));
    }

    private static Map<String, String> ordered(String... pairs) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            m.put(pairs[i], pairs[i + 1]);
        }
        return m;
    }

    private static void createItems(Statement s, String table) throws Exception {
        s.execute("CREATE TABLE " + DB + "." + table + " (id INT PRIMARY KEY, name VARCHAR(50), status VARCHAR(10) NOT NULL, "
                + "price DECIMAL(10,2))");
    }

    /** Rows 1..n; every fifth has status TEST, which the filter keeps out of the lake. */
    private static void fillItems(Statement s, String table, int n) throws Exception {
        for (int id = 1; id <= n; id++) {
            s.execute("INSERT INTO " + DB + "." + table + " VALUES (" + id + ", ' item " + id + " ', '"
                    + (id % 5 == 0 ? "TEST" : "LIVE") + "', " + (id * 3) + ".50)");
        }
    }

    /** Rows move into and out of the filter, are renamed and deleted. */
    private static void changeItems(Connection db) throws Exception {
        try (Statement s = db.createStatement()) {
            for (int i = 0; i < ITEM_TABLES; i++) {
                String t = DB + ".item_" + i;
                s.execute("UPDATE " + t + " SET status = 'TEST' WHERE id = 1");
                s.execute("UPDATE " + t + " SET status = 'LIVE' WHERE id = 5");
                s.execute("UPDATE " + t + " SET name = 'renamed' WHERE id = 2");
                s.execute("DELETE FROM " + t + " WHERE id IN (3, 10)");
            }
        }
    }

    private static long lakeRows(LocalMirror mirror, TableIdentifier id) throws Exception {
        return lakeRowsById(mirror, id).size();
    }

}
