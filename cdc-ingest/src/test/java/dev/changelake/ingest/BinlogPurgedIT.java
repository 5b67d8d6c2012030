package dev.changelake.ingest;

import static dev.changelake.ingest.CaptureTopics.exec;
import static dev.changelake.ingest.CaptureTopics.read;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.changelake.fixtures.KafkaServices;
import dev.changelake.fixtures.MariaDbServer;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * The binlog purged past the capture's stored position, on real MariaDB and a real Connect worker: the capture refuses
 * to resume with an error that says what happened and how to recover, and the documented recovery (restart from the
 * current binlog, incremental snapshot of the table through the signal table) brings the table's rows back.
 */
class BinlogPurgedIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String SIGNALS = "shop.changelake_signal";

    @TempDir(cleanup = CleanupMode.ON_SUCCESS) // the services' logs stay when it fails
    Path workDir;

    @Test
    void aPurgedBinlogStopsTheCaptureWithARecoveryHintAndASignalledSnapshotBringsTheTableBack() throws Exception {
        try (MariaDbServer db = MariaDbServer.start(workDir.resolve("db"));
             KafkaServices kafka = KafkaServices.start(workDir.resolve("kafka"))) {
            db.createDatabaseAndUser("shop", "cdc", "cdc-pw");
            exec(db, "CREATE TABLE shop.items (id INT PRIMARY KEY, name VARCHAR(40))",
                    // Debezium's signalling table, as docs/operations.md creates it.
                    "CREATE TABLE " + SIGNALS + " (id VARCHAR(42) PRIMARY KEY, type VARCHAR(32) NOT NULL, data VARCHAR(2048))",
                    "INSERT INTO shop.items VALUES (1, 'one'), (2, 'two'), (3, 'three')");
            CaptureOptions options = CaptureOptions.builder().hostname(db.host()).port(db.port()).user("cdc")
                    .password("cdc-pw").databases(List.of("shop")).topicPrefix("it").signalTable(SIGNALS)
                    .kafkaBootstrapServers(kafka.bootstrapServers()).build();
            CaptureRunner capture = new CaptureRunner(kafka.connectUrl(), options);
            capture.start(Duration.ofMinutes(2));
            await().atMost(Duration.ofMinutes(1)).until(() -> changes(kafka, options).size() == 3);

            capture.stop(); // its offsets stay with the worker
            exec(db, "UPDATE shop.items SET name = 'one, changed while down' WHERE id = 1",
                    "INSERT INTO shop.items VALUES (4, 'four, inserted while down')",
                    "FLUSH BINARY LOGS");
            // The gap's changes are gone from the server. It keeps a binlog while a reader has it open or until its
            // binlog checkpoint has moved on after the flush, and then purges nothing: purge until it did.
            String current = currentBinlog(db);
            await().atMost(Duration.ofMinutes(1)).until(() -> {
                exec(db, "PURGE BINARY LOGS TO '" + current + "'");
                return binlogs(db).equals(List.of(current));
            });

            assertThatThrownBy(() -> capture.start(Duration.ofMinutes(2)))
                    .isInstanceOf(BinlogPurgedException.class)
                    .hasMessageContaining("cannot resume")
                    .hasMessageContaining(db.host() + ":" + db.port())
                    .hasMessageContaining("docs/operations.md");

            capture.restartFromCurrentBinlog(Duration.ofMinutes(2));
            capture.requestSnapshot(List.of("shop.items"));
            exec(db, "INSERT INTO shop.items VALUES (5, 'five, streamed after the restart')");

            Map<Integer, String> expected = Map.of(1, "one, changed while down", 2, "two", 3, "three",
                    4, "four, inserted while down", 5, "five, streamed after the restart");
            await().atMost(Duration.ofMinutes(2)).until(() -> newestPerKey(changes(kafka, options)).equals(expected));
            List<JsonNode> all = changes(kafka, options);
            assertThat(all).filteredOn(c -> c.path("after").path("id").asInt() == 4)
                    .extracting(c -> c.path("op").asText()).containsExactly("r"); // from the signalled snapshot
            assertThat(topicRecords(kafka, "it." + SIGNALS)).as("signal table changes stay out of the topics").isZero();
        }
    }

    private static List<String> binlogs(MariaDbServer db) throws Exception {
        List<String> files = new ArrayList<>();
        try (Connection c = DriverManager.getConnection(db.jdbcUrl("shop"), db.rootUser(), db.rootPassword());
             Statement s = c.createStatement(); ResultSet r = s.executeQuery("SHOW BINARY LOGS")) {
            while (r.next()) {
                files.add(r.getString(1));
            }
        }
        return files;
    }

    private static String currentBinlog(MariaDbServer db) throws Exception {
        try (Connection c = DriverManager.getConnection(db.jdbcUrl("shop"), db.rootUser(), db.rootPassword());
             Statement s = c.createStatement(); ResultSet r = s.executeQuery("SHOW MASTER STATUS")) {
            r.next();
            return r.getString(1);
        }
    }

    private static Map<Integer, String> newestPerKey(List<JsonNode> changes) {
        Map<Integer, String> rows = new LinkedHashMap<>();
        for (JsonNode c : changes) {
            rows.put(c.path("after").path("id").asInt(), c.path("after").path("name").asText());
        }
        return rows;
    }

    /** The payloads of the items topic, in topic order (one partition per key, so per key in order). */
    private static List<JsonNode> changes(KafkaServices kafka, CaptureOptions options) throws Exception {
        List<JsonNode> changes = new ArrayList<>();
        for (ConsumerRecord<String, String> r : read(kafka, options.topicOf("shop", "items"))) {
            if (r.value() != null) {
                changes.add(JSON.readTree(r.value()).get("payload"));
            }
        }
        return changes;
    }

    private static int topicRecords(KafkaServices kafka, String topic) throws Exception {
        return read(kafka, topic).size();
    }
}
