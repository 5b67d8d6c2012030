package dev.changelake.ingest;

import dev.changelake.fixtures.KafkaServices;
import dev.changelake.fixtures.MariaDbServer;
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

/** What the capture ITs share: changing the source as root, and reading a change topic from its start. */
final class CaptureTopics {
    private CaptureTopics() {
    }

    static void exec(MariaDbServer db, String... sql) throws Exception {
        try (Connection c = DriverManager.getConnection(db.jdbcUrl("shop"), db.rootUser(), db.rootPassword());
             Statement s = c.createStatement()) {
            for (String q : sql) {
                s.execute(q);
            }
        }
    }

    /** Every record of {@code topic} now, in order per partition; empty while the topic does not exist. */
    static List<ConsumerRecord<String, String>> read(KafkaServices kafka, String topic) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        p.put(ConsumerConfig.GROUP_ID_CONFIG, "it-" + UUID.randomUUID());
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        List<ConsumerRecord<String, String>> records = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(p)) {
            if (!consumer.listTopics().containsKey(topic)) {
                return records;
            }
            consumer.subscribe(List.of(topic));
            long deadline = System.currentTimeMillis() + 5_000;
            while (System.currentTimeMillis() < deadline) {
                consumer.poll(Duration.ofMillis(500)).forEach(records::add);
            }
        }
        return records;
    }
}
