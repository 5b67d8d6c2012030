package dev.changelake.ingest;

import static dev.changelake.ingest.CaptureTopics.exec;
import static dev.changelake.ingest.CaptureTopics.read;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.changelake.fixtures.KafkaServices;
import dev.changelake.fixtures.MariaDbServer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
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

    /** Every change in the items topic, as "op id", in topic order. */
    private static List<String> changes(KafkaServices kafka, CaptureOptions options) throws Exception {
        List<String> changes = new ArrayList<>();
        for (ConsumerRecord<String, String> r : read(kafka, options.topicOf("shop", "items"))) {
            JsonNode payload = JSON.readTree(r.value()).get("payload");
            changes.add(payload.get("op").asText() + " " + payload.get("after").get("id").asInt());
        }
        return changes;
    }
}
