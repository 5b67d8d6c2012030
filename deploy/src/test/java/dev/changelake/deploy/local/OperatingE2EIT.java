package dev.changelake.deploy.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.changelake.fixtures.S3Server;
import dev.changelake.fixtures.workload.DemoWorkload;
import dev.changelake.jobs.changelog.ChangelogJobOptions;
import dev.changelake.lake.catalog.CatalogOptions;
import dev.changelake.lake.catalog.LakeCatalogs;
import dev.changelake.lake.verify.VerifyReport;
import dev.changelake.schema.TableId;
import dev.changelake.schema.TableSchema;
import java.io.Closeable;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.apache.flink.api.common.JobStatus;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.SnapshotSummary;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.SupportsNamespaces;
import org.apache.iceberg.catalog.TableIdentifier;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Operating the pipeline on real services: the per-table metrics an operator watches (checked against the data,
 * through a metric reporter as CloudWatch would get them), and bad operating input at start: change topics that do
 * not exist yet, and a lake whose S3 endpoint does not answer.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class OperatingE2EIT extends PipelineE2E {
    private static final TableId RETURNS = new TableId(DB, "returns");
    private static Map<TableId, TableSchema> tables;

    /** The demo shop with seed rows, captured; every test's job reads it from the start (its own consumer group). */
    private static Map<TableId, TableSchema> capturedShop(LocalMirror mirror) throws Exception {
        if (tables == null) {
            DemoWorkload workload = new DemoWorkload(DB, 11);
            try (Connection db = connect()) {
                workload.createSchema(db);
                workload.seed(db, 40, 120);
            }
            mirror.startCapture();
            tables = mirror.awaitTables(t -> t.containsAll(Set.of(CUSTOMERS, ORDERS)), Duration.ofMinutes(2));
        }
        return tables;
    }

    @Test
    @Order(1)
    void perTableMetricsAgreeWithTheRowsTheDeadLettersAndTheReplaysOfEachTable() throws Exception {
        long started = System.currentTimeMillis();
        try (LocalMirror mirror = new LocalMirror(stack, flink, DB, Duration.ofSeconds(2), 2);
             Connection db = connect()) {
            mirror.startJob(capturedShop(mirror), false);
            String ordersTopic = mirror.jobOptions().topicOf(ORDERS);
            produce(ordersTopic, "{\"id\":1}", "not an envelope");
            produce(ordersTopic, "{\"id\":2}", "{\"truncated\":");
            produce(mirror.jobOptions().topicOf(CUSTOMERS), "{\"id\":3}", "also not an envelope");
            assertThat(mirror.awaitMirror(Duration.ofMinutes(3)).ok()).isTrue();
            long customers = count(db, "customers");
            long seededOrders = count(db, "orders");

            // 10 orders updated and 5 others deleted, each once: 15 more rows for the lake, however checkpoints fall.
            try (Statement s = db.createStatement()) {
                s.executeUpdate("UPDATE orders SET status = 'SHIPPED' ORDER BY id LIMIT 10");
                s.executeUpdate("DELETE FROM orders ORDER BY id DESC LIMIT 5");
            }
            VerifyReport report = mirror.awaitMirror(Duration.ofMinutes(3));
            assertThat(report.ok()).as(report.details()).isTrue();

            await().atMost(Duration.ofMinutes(1)).untilAsserted(() -> {
                Map<String, Map<String, Long>> m = mirror.tableMetrics();
                assertThat(m.get("shop.customers")).containsEntry("changesIn", customers)
                        .containsEntry("rowsCommitted", customers)
                        .containsEntry("deadLetters[undecodable]", 1L);
                assertThat(m.get("shop.orders")).containsEntry("changesIn", seededOrders + 15)
                        .containsEntry("rowsCommitted", seededOrders + 15)
                        .containsEntry("deadLetters[undecodable]", 2L)
                        .containsEntry("lagRecords", 0L)
                        .containsEntry("lagSeconds", 0L);
            });

            // Debezium's replays are dropped, and counted against their table; the copies of the bad records are
            // dead letters again.
            long replayed = replayTopic(ordersTopic);
            await().atMost(Duration.ofMinutes(2)).untilAsserted(() -> assertThat(mirror.tableMetrics().get("shop.orders"))
                    .containsEntry("replaysDropped", replayed)
                    .containsEntry("deadLetters[undecodable]", 4L)
                    .containsEntry("rowsCommitted", seededOrders + 15)
                    .containsEntry("lagRecords", 0L));

            Map<String, Long> orders = mirror.tableMetrics().get("shop.orders");
            assertThat(orders.get("lastCommitTime")).isBetween(started, System.currentTimeMillis());
            assertThat(orders.get("freshnessP50Millis")).isPositive().isLessThanOrEqualTo(orders.get("freshnessP99Millis"));
            assertThat(orders.get("freshnessP99Millis")).isLessThan(System.currentTimeMillis() - started + 1_000);
            // File counts as the lake's own snapshot summary has them, after the last commit.
            for (TableId t : List.of(CUSTOMERS, ORDERS)) {
                Snapshot snapshot = lakeTable(mirror, mirror.jobOptions().lakeTableOf(t)).currentSnapshot();
                await().atMost(Duration.ofMinutes(1)).untilAsserted(() -> assertThat(mirror.tableMetrics().get(t.toString()))
                        .containsEntry("icebergDataFiles", Long.parseLong(snapshot.summary().get(SnapshotSummary.TOTAL_DATA_FILES_PROP)))
                        .containsEntry("icebergDeleteFiles", Long.parseLong(snapshot.summary().get(SnapshotSummary.TOTAL_DELETE_FILES_PROP))));
            }
            assertThat(mirror.tableMetrics().get("shop.orders").get("icebergDeleteFiles")).as("updates and deletes").isPositive();
            assertThat(mirror.tableMetrics()).as("only the job's own table groups").containsOnlyKeys("shop.customers", "shop.orders");
            assertThat(TableMetricsSummary.table(mirror.tableMetrics()).lines())
                    .anyMatch(line -> line.startsWith("shop.orders ") && line.contains(" " + (seededOrders + 15) + " ")
                            && line.contains("undecodable 4"));
        }
    }

    @Test
    @Order(2)
    void aMissingTopicRefusesTheStartInFailModeAndIsPickedUpWhenCreatedInWaitMode() throws Exception {
        try (LocalMirror mirror = new LocalMirror(stack, flink, DB, Duration.ofSeconds(2), 2)) {
            capturedShop(mirror);
            mirror.configure(b -> b.databases(List.of()).tables(List.of(RETURNS)).groupId("ops-missing-topic")
                    .topicDiscoveryInterval(Duration.ofSeconds(2))
                    .missingTopics(ChangelogJobOptions.MissingTopics.FAIL));

            assertThatThrownBy(() -> mirror.startJob(Map.of(), false))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("change topics missing on Kafka " + stack.kafka().bootstrapServers())
                    .hasMessageContaining("topic changelake.shop.returns (table shop.returns)")
                    .hasMessageContaining("source.kafka.missing-topics: wait");

            mirror.configure(b -> b.missingTopics(ChangelogJobOptions.MissingTopics.WAIT));
            mirror.startJob(Map.of(), false);
            try (Connection db = connect(); Statement s = db.createStatement()) {
                s.execute("CREATE TABLE returns (id BIGINT PRIMARY KEY, reason VARCHAR(50))");
                s.execute("INSERT INTO returns VALUES (1, 'broken'), (2, 'late'), (3, 'wrong size')");
            }

            TableIdentifier lake = mirror.jobOptions().lakeTableOf(RETURNS);
            await().atMost(Duration.ofMinutes(2)).untilAsserted(() -> assertThat(lakeRowsById(mirror, lake))
                    .as("the topic Debezium created after the start is read").containsOnlyKeys(1L, 2L, 3L));
            assertThat(flink.status(mirror.job())).isEqualTo(JobStatus.RUNNING);
        }
    }

    @Test
    @Order(3)
    void anUnreachableS3AtStartIsRetriedThenRefusedNamingTheEndpointAndNothingIsWrittenUntilItAnswers() throws Exception {
        S3Server s3 = S3Server.start(workDir.resolve("s3-late"), "late-lake");
        try (LocalMirror mirror = new LocalMirror(stack, flink, DB, Duration.ofSeconds(2), 2)) {
            String endpoint = s3.endpoint();
            s3.close(); // the endpoint is configured, nothing answers on it
            CatalogOptions catalog = CatalogOptions.sqliteOnS3("lake",
                    Files.createDirectories(workDir.resolve("late-lake")).resolve("catalog.db").toString(),
                    "s3://late-lake/warehouse", endpoint, s3.accessKey(), s3.secretKey(), s3.region());
            Map<TableId, TableSchema> shop = capturedShop(mirror);
            mirror.configure(b -> b.catalog(catalog).delta(null).groupId("ops-late-s3").lakeStartTimeout(Duration.ofSeconds(4)));

            assertThatThrownBy(() -> mirror.startJob(shop, false))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("the lake is unreachable at start")
                    .hasMessageContaining("S3 endpoint " + endpoint)
                    .hasMessageContaining("lake.start-timeout")
                    .hasMessageMatching("(?s).* did not answer in [2-9] attempts .*");
            assertThat(namespaces(catalog)).as("nothing written").isEmpty();

            // With time to retry, the start waits for S3 and the job then mirrors the shop in full.
            mirror.configure(b -> b.lakeStartTimeout(Duration.ofMinutes(2)));
            CompletableFuture<Void> start = CompletableFuture.runAsync(() -> {
                try {
                    mirror.startJob(shop, false);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            await().pollDelay(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(10)).until(() -> true);
            assertThat(start).as("still retrying while S3 is down").isNotDone();
            assertThat(namespaces(catalog)).as("nothing written while S3 is down").isEmpty();
            s3.restart();

            start.get(2, java.util.concurrent.TimeUnit.MINUTES);
            VerifyReport report = mirror.awaitMirror(Duration.ofMinutes(3));
            assertThat(report.ok()).as(report.details()).isTrue();
        } finally {
            s3.close();
        }
    }

    private static List<Namespace> namespaces(CatalogOptions options) throws Exception {
        Catalog catalog = LakeCatalogs.open(options);
        try {
            return ((SupportsNamespaces) catalog).listNamespaces(Namespace.empty());
        } finally {
            if (catalog instanceof Closeable) {
                ((Closeable) catalog).close();
            }
        }
    }
}
