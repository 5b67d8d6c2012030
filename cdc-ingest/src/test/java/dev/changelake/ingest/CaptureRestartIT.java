package dev.changelake.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.changelake.fixtures.KafkaServices;
import dev.changelake.fixtures.MariaDbServer;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The capture on real MariaDB and a real Connect worker: snapshot, streaming, and a restart of the capture process. */
class CaptureRestartIT {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path workDir;

    @Test
    void restartedCaptureResumesFromItsOffsetsWithoutASecondSnapshot() throws Exception {
        try (MariaDbServer db = MariaDbServer.start(workDir.resolve("db"));
             KafkaServices kafka = KafkaServices.start(workDir.resolve("kafka"))) {
            db.createDatabaseAndUser("shop", "cdc", "cdc-pw");
            exec(db, "CREATE TABLE shop.items (id INT PRIMARY KEY, name VARCHAR(40))",
                    "INSERT INTO shop.items VALUES (1, 'snapshot row')");
            CaptureOptions options = CaptureOptions.builder().hostname(db.host()).port(db.port()).user("cdc")
                    .password("cdc-pw").databases(List.of("shop")).topicPrefix("it")
                    .kafkaBootstrapServers(kafka.bootstrapServers()).build();
            CaptureRunner capture = new CaptureRunner(kafka.connectUrl(), options);

            capture.start(Duration.ofMinutes(2));
            // The connector runs before its snapshot has read anything: stream only once the snapshot is in the topic.
            await().atMost(Duration.ofMinutes(1)).until(() -> changes(kafka, options).equals(List.of("r 1")));
            exec(db, "INSERT INTO shop.items VALUES (2, 'streamed before restart')");
            await().atMost(Duration.ofMinutes(1)).until(() -> changes(kafka, options).size() == 2);

            kafka.restart(); // the capture process goes down with its worker; offsets stay in its file, history in Kafka
            exec(db, "UPDATE shop.items SET name = 'changed while capture was down' WHERE id = 1",
                    "INSERT INTO shop.items VALUES (3, 'streamed after restart')");
            capture.start(Duration.ofMinutes(2)); // a standalone worker forgets connector configs, not offsets

            await().atMost(Duration.ofMinutes(1)).until(() -> changes(kafka, options).size() >= 4);
            assertThat(changes(kafka, options)).containsExactly("r 1", "c 2", "u 1", "c 3");
        }
    }

    private static void exec(MariaDbServer db, String... sql) throws Exception {
        try (Connection c = DriverManager.getConnection(db.jdbcUrl("shop"), db.rootUser(), db.rootPassword());
             Statement s = c.createStatement()) {
            for (String q : sql) {
                s.execute(q);
            }
        }
    }

    /** Every change in the items topic, as "op id", in topic order. */
    private static List<String> changes(KafkaServices kafka, CaptureOptions options) throws Exception {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        p.put(ConsumerConfig.GROUP_ID_CONFIG, "it-" + UUID.randomUUID());
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        List<String> changes = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(p)) {
            String topic = options.topicOf("shop", "items");
            if (!consumer.listTopics().containsKey(topic)) {
                return changes;
            }
            consumer.subscribe(List.of(topic));
            long deadline = System.currentTimeMillis() + 5_000;
            while (System.currentTimeMillis() < deadline) {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(500))) {
                    JsonNode payload = JSON.readTree(r.value()).get("payload");
                    changes.add(payload.get("op").asText() + " " + payload.get("after").get("id").asInt());
                }
            }
        }
        return changes;
    }
}
