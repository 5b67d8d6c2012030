package dev.changelake.deploy.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.changelake.jobs.changelog.ChangelogJobOptions;
import dev.changelake.jobs.changelog.SchemaEvolution;
import dev.changelake.jobs.changelog.TableOptions;
import dev.changelake.jobs.clean.CleaningRules;
import dev.changelake.lake.iceberg.PartitionTransforms;
import dev.changelake.schema.TableId;
import dev.changelake.schema.TableSchema;
import dev.changelake.schema.format.debezium.DebeziumJsonDecoder;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.apache.flink.api.common.JobStatus;
import org.apache.iceberg.data.Record;
import org.apache.kafka.clients.admin.AdminClient;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.assertj.core.api.SoftAssertions;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.Test;

/**
 * The poison corpus ({@code src/test/resources/poison/cases.json}, see its README) against the running pipeline: every
 * bad change record, each between two good ones on the same partition, lands in the dead-letter topic once, whole, with
 * its reason code and reason; every good record reaches the lake with its values; the job never fails or restarts.
 */
class PoisonCorpusE2EIT extends PipelineE2E {
    private static final String DIR = "/poison/";
    private static final String SOURCE_DB = "poison";
    private static final ObjectMapper JSON = new ObjectMapper();
    /** The topics' own message size limit, above the broker's 1 MB default, for the 20 MiB record. */
    private static final int TOPIC_MAX_MESSAGE_BYTES = 32 << 20;

    @Test
    void everyPoisonRecordIsDeadLetteredWithItsReasonAndNoGoodRecordIsLost() throws Exception {
        List<Case> cases = readCorpus();
        Map<String, Long> casesByCode = cases.stream().collect(Collectors.groupingBy(c -> c.code, TreeMap::new, Collectors.counting()));
        assertThat(cases).as("poison cases to produce").hasSizeGreaterThanOrEqualTo(40);

        try (LocalMirror mirror = new LocalMirror(stack, flink, DB, Duration.ofSeconds(2), 2)) {
            mirror.configure(b -> b.databases(List.of()).tableOptions(List.of(
                    table("items", SchemaEvolution.EVOLVE, CleaningRules.of(null, Map.of(), List.of()), List.of()),
                    table("strict", SchemaEvolution.FAIL, CleaningRules.of(null, Map.of(), List.of()), List.of()),
                    table("cleaned", SchemaEvolution.EVOLVE,
                            CleaningRules.of(null, Map.of("code_num", "CAST(code AS INT)"), List.of()), List.of()),
                    table("ignored", SchemaEvolution.IGNORE, CleaningRules.of(null, Map.of(), List.of()), List.of()),
                    table("parted", SchemaEvolution.EVOLVE, CleaningRules.of(null, Map.of(), List.of()),
                            List.of("bucket(4, id)")))));
            String deadLetterTopic = mirror.jobOptions().deadLetterTopic();
            createTopics(mirror, deadLetterTopic);

            // Each case between two good records of its table, on the topic's one partition: a fixed order.
            Map<String, Map<Integer, Good>> goodRows = new LinkedHashMap<>();
            Map<TableId, TableSchema> known = new HashMap<>();
            int nextId = 1;
            try (KafkaProducer<byte[], byte[]> producer = producer()) {
                for (Case c : cases) {
                    String topic = mirror.jobOptions().topicOf(new TableId(SOURCE_DB, c.table));
                    if (c.goodBefore) {
                        produceGood(producer, topic, c.table, nextId++, goodRows, known);
                    }
                    c.offset = producer.send(new ProducerRecord<>(topic, 0, c.key, c.value)).get().offset();
                    produceGood(producer, topic, c.table, nextId++, goodRows, known);
                }
            }
            mirror.startJob(known, false);

            Map<String, List<ConsumerRecord<byte[], byte[]>>> letters = new HashMap<>();
            Map<String, Map<Object, Record>> lake = new HashMap<>();
            try (KafkaConsumer<byte[], byte[]> consumer = deadLetterConsumer(deadLetterTopic)) {
                try {
                    await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofSeconds(1))
                            .failFast("the job restarted (its failure is in the log)", () -> restarts(mirror) > 0)
                            .until(() -> {
                                collect(consumer, letters);
                                for (String t : goodRows.keySet()) {
                                    lake.put(t, lakeRowsById(mirror, t));
                                }
                                return letters.values().stream().mapToInt(List::size).sum() >= cases.size()
                                        && goodRows.entrySet().stream().allMatch(t ->
                                                lake.get(t.getKey()).keySet().containsAll(t.getValue().keySet()));
                            });
                } catch (ConditionTimeoutException e) {
                    // Not everything arrived: the assertions below name the cases and rows that are missing.
                }
                // A dead letter beyond the expected ones would have been committed with the last of them.
                collect(consumer, letters);
            }

            // Every case and every row checked, all that is wrong reported at once.
            SoftAssertions soft = new SoftAssertions();
            for (Case c : cases) {
                String where = mirror.jobOptions().topicOf(new TableId(SOURCE_DB, c.table)) + "@" + c.offset;
                List<ConsumerRecord<byte[], byte[]>> forCase = letters.getOrDefault(where, List.of());
                soft.assertThat(forCase).as("dead letters of case %s (%s)", c.name, c.description).hasSize(1);
                if (forCase.isEmpty()) {
                    continue;
                }
                ConsumerRecord<byte[], byte[]> letter = forCase.get(0);
                soft.assertThat(header(letter, "changelake.reason-code")).as("code of %s; reason: %s", c.name,
                        header(letter, "changelake.reason")).isEqualTo(c.code);
                soft.assertThat(header(letter, "changelake.reason")).as("reason of %s", c.name).contains(c.reason);
                soft.assertThat(header(letter, "changelake.stage")).as("stage of %s", c.name).isEqualTo(c.stage);
                soft.assertThat(header(letter, "changelake.source.partition")).isEqualTo("0");
                soft.assertThat(header(letter, "changelake.failed-at")).as("failed-at of %s", c.name)
                        .satisfies(t -> Instant.parse(t));
                soft.assertThat(letter.key()).as("key of %s", c.name).isEqualTo(c.key);
                if (c.cut) {
                    soft.assertThat(c.value.length).as("size of %s", c.name).isGreaterThanOrEqualTo(20 << 20);
                    soft.assertThat(header(letter, "changelake.value.original-size")).as("original size of %s", c.name)
                            .isEqualTo(String.valueOf(c.value.length));
                    soft.assertThat(letter.value().length).as("cut %s", c.name).isPositive()
                            .isLessThanOrEqualTo(ChangelogJobOptions.DEFAULT_MAX_DEAD_LETTER_BYTES);
                    soft.assertThat(letter.value()).as("the head of %s", c.name).isEqualTo(Arrays.copyOf(c.value, letter.value().length));
                } else {
                    soft.assertThat(letter.headers().lastHeader("changelake.value.original-size")).as("%s is not cut", c.name).isNull();
                    soft.assertThat(letter.value()).as("value of %s, byte for byte", c.name).isEqualTo(c.value);
                }
            }
            soft.assertThat(letters.values().stream().mapToInt(List::size).sum()).as("dead letters, one per case and no more")
                    .isEqualTo(cases.size());

            for (Map.Entry<String, Map<Integer, Good>> t : goodRows.entrySet()) {
                Map<Object, Record> rows = lake.get(t.getKey());
                soft.assertThat(rows.keySet()).as("rows of lake table %s: the good ones, no poison", t.getKey())
                        .containsExactlyInAnyOrderElementsOf(t.getValue().keySet());
                for (Good g : t.getValue().values()) {
                    Record r = rows.get(g.id);
                    if (r == null) {
                        continue;
                    }
                    g.expected.forEach((column, value) -> soft.assertThat(lakeValue(r.getField(column)))
                            .as("%s.%s of id %d", t.getKey(), column, g.id).isEqualTo(value));
                }
            }

            soft.assertAll();

            assertThat(flink.status(mirror.job())).as("the job runs on").isEqualTo(JobStatus.RUNNING);
            assertThat(restarts(mirror)).as("the job's restarts").isZero();
            // Flink's REST metrics lag up to its fetch interval (10 s) behind the operators.
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofSeconds(2)).untilAsserted(() -> {
                Map<String, Long> counted = new TreeMap<>();
                for (String code : casesByCode.keySet()) {
                    counted.put(code, mirror.metric(code));
                }
                assertThat(counted).as("deadLetters.<code> metrics").isEqualTo(casesByCode);
            });
        }
    }

    // ------------------------------------------------------------------------------------------------ the corpus

    /** One poison record and what the job must say about it. */
    private static final class Case {
        String name;
        String table;
        String description;
        byte[] key;
        byte[] value;
        String code;
        String stage;
        String reason;
        boolean cut;
        boolean goodBefore;
        long offset = -1;
    }

    /** The cases to produce; the ones marked pending (accepted today, or crashing the job) are documentation only. */
    private static List<Case> readCorpus() throws IOException {
        List<Case> cases = new ArrayList<>();
        for (JsonNode n : JSON.readTree(resource("cases.json"))) {
            if (n.has("pending")) {
                continue;
            }
            Case c = new Case();
            c.name = n.get("name").asText();
            c.table = n.get("table").asText();
            c.description = n.get("description").asText();
            c.key = bytes(n.get("key"), c.table);
            c.value = bytes(n.get("value"), c.table);
            c.code = n.get("expect").get("code").asText();
            c.stage = n.get("expect").get("stage").asText();
            c.reason = n.get("expect").get("reason").asText();
            c.cut = n.path("cut").asBoolean(false);
            c.goodBefore = n.path("goodBefore").asBoolean(true);
            cases.add(c);
        }
        return cases;
    }

    /**
     * A key or value as the manifest gives it: null (no bytes), {@code {"file"}} (the file's bytes), {@code {"payload"}}
     * (the table's key schema with this payload), {@code {"generate"}} (built here, for a record too big to keep).
     */
    private static byte[] bytes(JsonNode spec, String table) throws IOException {
        if (spec == null || spec.isNull()) {
            return null;
        }
        if (spec.has("file")) {
            return resource(spec.get("file").asText());
        }
        if (spec.has("payload")) {
            ObjectNode key = JSON.createObjectNode();
            key.set("schema", tableSchemas(table).get("keySchema"));
            key.set("payload", spec.get("payload"));
            return JSON.writeValueAsBytes(key);
        }
        if ("items-row-with-long-name".equals(spec.path("generate").asText())) {
            ObjectNode envelope = goodEnvelope("items", spec.get("id").asInt(), 1, new LinkedHashMap<>());
            ((ObjectNode) envelope.get("payload").get("after")).put("name", "x".repeat(spec.get("nameBytes").asInt()));
            return JSON.writeValueAsBytes(envelope);
        }
        throw new IllegalArgumentException("unknown key or value in the poison corpus: " + spec);
    }

    private static byte[] resource(String path) throws IOException {
        try (InputStream in = PoisonCorpusE2EIT.class.getResourceAsStream(DIR + path)) {
            if (in == null) {
                throw new IOException("no resource " + DIR + path);
            }
            return in.readAllBytes();
        }
    }

    private static final Map<String, JsonNode> TABLE_SCHEMAS = new HashMap<>();

    /** The envelope and key schema of a table of the corpus, as JsonConverter embeds them. */
    private static JsonNode tableSchemas(String table) {
        return TABLE_SCHEMAS.computeIfAbsent(table, t -> {
            try {
                return JSON.readTree(resource("tables/" + t + ".json"));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    // ------------------------------------------------------------------------------------------------ good records

    /** A good record: its id and the values its lake row must hold. */
    private static final class Good {
        final int id;
        final Map<String, Object> expected;

        Good(int id, Map<String, Object> expected) {
            this.id = id;
            this.expected = expected;
        }
    }

    private static void produceGood(KafkaProducer<byte[], byte[]> producer, String topic, String table, int id,
            Map<String, Map<Integer, Good>> goodRows, Map<TableId, TableSchema> known) throws Exception {
        Map<String, Object> expected = new LinkedHashMap<>();
        ObjectNode key = JSON.createObjectNode();
        key.set("schema", tableSchemas(table).get("keySchema"));
        key.putObject("payload").put("id", id);
        byte[] keyBytes = JSON.writeValueAsBytes(key);
        byte[] value = JSON.writeValueAsBytes(goodEnvelope(table, id, id, expected));
        producer.send(new ProducerRecord<>(topic, 0, keyBytes, value)).get();
        goodRows.computeIfAbsent(table, t -> new LinkedHashMap<>()).put(id, new Good(id, expected));
        // The schema the job is started with: the table as its good records describe it.
        known.computeIfAbsent(new TableId(SOURCE_DB, table), t -> {
            try {
                return new DebeziumJsonDecoder().schemaOf(keyBytes, value);
            } catch (Exception e) {
                throw new IllegalStateException("a good record of " + table + " does not decode", e);
            }
        });
    }

    /**
     * A create of row {@code id} in {@code table}, as Debezium writes it for a row with the values of seed {@code n};
     * fills {@code expected} with the values the lake row must hold, as Iceberg's generic reader returns them.
     */
    private static ObjectNode goodEnvelope(String table, int id, int n, Map<String, Object> expected) {
        ObjectNode envelope = JSON.createObjectNode();
        envelope.set("schema", tableSchemas(table).get("envelopeSchema"));
        ObjectNode payload = envelope.putObject("payload");
        payload.putNull("before");
        ObjectNode after = payload.putObject("after");
        after.put("id", id);
        expected.put("id", id);
        switch (table) {
            case "items": {
                after.put("name", "good-" + n);
                expected.put("name", "good-" + n);
                BigDecimal price = BigDecimal.valueOf((n * 3707L) % 99999, 2);
                after.put("price", Base64.getEncoder().encodeToString(price.unscaledValue().toByteArray()));
                expected.put("price", price);
                after.put("qty", n * 3);
                expected.put("qty", n * 3);
                after.put("active", n % 2 == 0);
                expected.put("active", n % 2 == 0);
                after.put("born", 19000 + n);
                expected.put("born", LocalDate.ofEpochDay(19000 + n));
                long millis = 1_700_000_000_000L + n * 1_001L;
                after.put("seen_at", millis);
                expected.put("seen_at", LocalDateTime.ofInstant(Instant.ofEpochMilli(millis), ZoneOffset.UTC));
                Instant updated = Instant.ofEpochSecond(1_700_000_000L + n, 123_456_000L);
                after.put("updated_at", updated.toString());
                expected.put("updated_at", updated.atOffset(ZoneOffset.UTC));
                after.put("weight", n + 0.25);
                expected.put("weight", n + 0.25);
                after.put("big", 10_000_000_000L + n);
                expected.put("big", 10_000_000_000L + n);
                byte[] blob = {(byte) n, 7, 0, (byte) 0xff};
                after.put("blob", Base64.getEncoder().encodeToString(blob));
                expected.put("blob", List.of(blob[0], blob[1], blob[2], blob[3]));
                // BIT(12): Debezium's bytes are little-endian, the lake holds MySQL's two bytes big-endian.
                after.put("flags", Base64.getEncoder().encodeToString(new byte[] {(byte) n, 0x0a}));
                expected.put("flags", List.of((byte) 0x0a, (byte) n));
                if (n % 2 == 1) {
                    byte[] wkb = {1, 1, 0, 0, 0, (byte) n};
                    after.putObject("place").put("wkb", Base64.getEncoder().encodeToString(wkb)).put("srid", 4326);
                    ByteBuffer place = ByteBuffer.allocate(4 + wkb.length).order(ByteOrder.LITTLE_ENDIAN).putInt(4326).put(wkb);
                    expected.put("place", bytesList(place.array()));
                } else {
                    after.putNull("place");
                    expected.put("place", null);
                }
                break;
            }
            case "strict":
                after.put("label", "good-" + n);
                expected.put("label", "good-" + n);
                after.put("n", n);
                expected.put("n", n);
                break;
            case "cleaned":
                after.put("code", String.valueOf(n * 11));
                expected.put("code", String.valueOf(n * 11));
                expected.put("code_num", n * 11);
                break;
            case "ignored":
                after.put("n", n * 2);
                expected.put("n", n * 2);
                break;
            case "parted":
                after.put("region", "r" + (n % 3));
                expected.put("region", "r" + (n % 3));
                break;
            default:
                throw new IllegalArgumentException("no good rows for table " + table);
        }
        ObjectNode source = payload.putObject("source");
        source.put("version", "3.5.0.Final").put("connector", "mariadb").put("name", "changelake")
                .put("ts_ms", 1_700_000_000_000L + n).put("snapshot", "false").put("db", SOURCE_DB).putNull("sequence")
                .put("table", table).put("server_id", 1).put("gtid", "0-1-" + n).put("file", "mariadb-bin.000002")
                .put("pos", 1_000L + 100L * n).put("row", 0).put("thread", 7).putNull("query");
        payload.put("op", "c").put("ts_ms", 1_700_000_000_100L + n).putNull("transaction");
        return envelope;
    }

    private static List<Byte> bytesList(byte[] bytes) {
        List<Byte> list = new ArrayList<>();
        for (byte b : bytes) {
            list.add(b);
        }
        return list;
    }

    /** Lake values in a form equals can compare: byte buffers as byte lists, text as String. */
    private static Object lakeValue(Object v) {
        if (v instanceof ByteBuffer) {
            ByteBuffer b = ((ByteBuffer) v).duplicate();
            byte[] bytes = new byte[b.remaining()];
            b.get(bytes);
            return bytesList(bytes);
        }
        return v instanceof CharSequence ? v.toString() : v;
    }

    // ------------------------------------------------------------------------------------------------ services

    private static TableOptions table(String name, SchemaEvolution evolution, CleaningRules rules, List<String> partitionBy) {
        return new TableOptions(new TableId(SOURCE_DB, name), null, null, null, PartitionTransforms.parse(partitionBy), Map.of(),
                evolution, rules);
    }

    /** The change topics, one partition each (so a case sits between its good records), and the dead-letter topic. */
    private static void createTopics(LocalMirror mirror, String deadLetterTopic) throws Exception {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, stack.kafka().bootstrapServers());
        try (AdminClient admin = AdminClient.create(p)) {
            List<NewTopic> topics = new ArrayList<>();
            for (String t : List.of("items", "strict", "cleaned", "ignored", "parted")) {
                topics.add(new NewTopic(mirror.jobOptions().topicOf(new TableId(SOURCE_DB, t)), 1, (short) 1)
                        .configs(Map.of("max.message.bytes", String.valueOf(TOPIC_MAX_MESSAGE_BYTES))));
            }
            topics.add(new NewTopic(deadLetterTopic, 1, (short) 1));
            admin.createTopics(topics).all().get();
        }
    }

    private static KafkaProducer<byte[], byte[]> producer() {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.kafka().bootstrapServers());
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, TOPIC_MAX_MESSAGE_BYTES);
        p.put(ProducerConfig.BUFFER_MEMORY_CONFIG, 2L * TOPIC_MAX_MESSAGE_BYTES);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        return new KafkaProducer<>(p);
    }

    private static KafkaConsumer<byte[], byte[]> deadLetterConsumer(String topic) {
        Properties c = new Properties();
        c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.kafka().bootstrapServers());
        c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        c.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        c.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(c);
        TopicPartition partition = new TopicPartition(topic, 0);
        consumer.assign(List.of(partition));
        consumer.seekToBeginning(List.of(partition));
        return consumer;
    }

    /** Polls the dead letters once, grouped by where their record came from ({@code topic@offset}). */
    private static void collect(KafkaConsumer<byte[], byte[]> consumer, Map<String, List<ConsumerRecord<byte[], byte[]>>> letters) {
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(300))) {
            letters.computeIfAbsent(header(r, "changelake.source.topic") + "@" + header(r, "changelake.source.offset"),
                    k -> new ArrayList<>()).add(r);
        }
    }

    private static String header(ConsumerRecord<byte[], byte[]> r, String name) {
        Header h = r.headers().lastHeader(name);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    /** The rows of lake table {@code poison.<table>} by id; none while the table does not exist. */
    private static Map<Object, Record> lakeRowsById(LocalMirror mirror, String table) throws Exception {
        return lakeRowsById(mirror, mirror.jobOptions().lakeTableOf(new TableId(SOURCE_DB, table)));
    }

    /** How often the job has restarted, from Flink's REST API as an operator would read it; -1 before it reports. */
    private static long restarts(LocalMirror mirror) throws IOException, InterruptedException {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(
                flink.webUrl() + "/jobs/" + mirror.job().toHexString() + "/metrics?get=numRestarts")).build(),
                HttpResponse.BodyHandlers.ofString());
        JsonNode metrics = r.statusCode() == 200 ? JSON.readTree(r.body()) : JSON.createArrayNode();
        // Not reported yet while the job is being scheduled.
        return metrics.size() == 1 ? metrics.get(0).get("value").asLong() : -1;
    }
}
