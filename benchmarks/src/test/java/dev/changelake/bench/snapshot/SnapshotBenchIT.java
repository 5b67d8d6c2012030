package dev.changelake.bench.snapshot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Smoke test of P8's harness: {@link SnapshotBench} snapshots a small W1 table through the real capture, and the
 * topic then holds every row exactly once, as Debezium snapshot reads ({@code op=r}) of the JSON-with-schemas
 * envelope.
 */
class SnapshotBenchIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long ROWS = 20_000;

    @TempDir
    Path work;

    @Test
    void snapshotsEveryRowOnceIntoTheTopic() throws Exception {
        List<JsonNode[]> records = new ArrayList<>();
        SnapshotBench.SnapshotResult result = SnapshotBench.run(work, ROWS, 7, Map.of(),
                new PrintStream(System.out, true, StandardCharsets.UTF_8),
                (bootstrap, topic) -> records.addAll(readAll(bootstrap, topic)));

        assertThat(result.rows()).isEqualTo(ROWS);
        assertThat(result.seconds()).isPositive();
        assertThat(result.rowsPerSecond()).isEqualTo(ROWS / result.seconds());
        assertThat(result.settingsDescription()).contains("value.converter=org.apache.kafka.connect.json.JsonConverter");

        assertThat(records).hasSize((int) ROWS);
        Set<Long> ids = new HashSet<>();
        Map<String, Integer> ops = new TreeMap<>();
        for (JsonNode[] r : records) {
            JsonNode key = r[0];
            JsonNode value = r[1];
            assertThat(value.has("schema")).as("JSON with schemas").isTrue();
            JsonNode payload = value.get("payload");
            ops.merge(payload.get("op").asText(), 1, Integer::sum);
            long id = key.get("payload").get("id").asLong();
            assertThat(payload.get("after").get("id").asLong()).isEqualTo(id);
            assertThat(payload.get("before").isNull()).isTrue();
            ids.add(id);
        }
        assertThat(ops).isEqualTo(Map.of("r", (int) ROWS));
        assertThat(ids).hasSize((int) ROWS);
        assertThat(ids.stream().mapToLong(Long::longValue).min().orElseThrow()).isEqualTo(1);
        assertThat(ids.stream().mapToLong(Long::longValue).max().orElseThrow()).isEqualTo(ROWS);
    }

    /** Every record of the topic, from the beginning to its current end: (key, value) parsed. */
    private static List<JsonNode[]> readAll(String bootstrap, String topic) throws Exception {
        Map<String, Object> config = Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.GROUP_ID_CONFIG, "p8-check-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        List<JsonNode[]> out = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer =
                     new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            await().atMost(Duration.ofMinutes(1)).pollDelay(Duration.ZERO).until(() -> {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    out.add(new JsonNode[] {JSON.readTree(r.key()), r.value() == null ? null : JSON.readTree(r.value())});
                }
                return partitions.stream().allMatch(p -> consumer.position(p) >= end.get(p));
            });
        }
        return out;
    }
}
