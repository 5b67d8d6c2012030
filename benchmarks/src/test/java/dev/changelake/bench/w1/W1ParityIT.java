package dev.changelake.bench.w1;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.changelake.fixtures.KafkaServices;
import dev.changelake.fixtures.MariaDbServer;
import dev.changelake.ingest.CaptureOptions;
import dev.changelake.ingest.CaptureRunner;
import dev.changelake.schema.ChangeDecoder;
import dev.changelake.schema.ChangeDecoders;
import dev.changelake.schema.ChangeRecord;
import dev.changelake.schema.Encoding;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.message.BinaryMessageDecoder;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The W1 generator's records are what real Debezium writes for the same rows (BENCHMARKS.md: "a test shows the
 * generator's output has the same schema and field encodings as real Debezium output"). The generator's initial rows
 * go into MariaDB, the real capture (Debezium 3.5 MariaDB connector on a Connect worker, changelake's connector
 * configuration) snapshots them, then the generator's first change events are made through JDBC and streamed. Two
 * captures run side by side, one per encoding: JSON (JsonConverter with schemas) and Avro (single-object converter
 * with a schema store). Every real record is compared with the generator's for the same change: key bytes, the
 * schema entire, the envelope's fields and every column's encoded value, and what the job's decoders make of both.
 * Source positions and timestamps are the only values allowed to differ (their fields and types may not).
 */
class W1ParityIT {
    private static final Logger LOG = LoggerFactory.getLogger(W1ParityIT.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int ROWS = 100;
    private static final int CHANGES = 40;
    /** Source values that differ between any two captures: where and when the change was. */
    private static final List<String> SOURCE_POSITION_FIELDS =
            List.of("ts_ms", "ts_us", "ts_ns", "server_id", "gtid", "file", "pos", "row", "thread", "query", "sequence");

    @TempDir
    Path work;

    @Test
    void generatedRecordsMatchRealDebeziumOutputForTheSameRows() throws Exception {
        long started = System.nanoTime();
        W1Config jsonConfig = W1Config.builder().rows(ROWS).events(CHANGES).seed(2025).topicPrefix("w1json").build();
        W1Config avroConfig = jsonConfig.toBuilder().topicPrefix("w1avro").build();
        Path realStore = Files.createDirectories(work.resolve("real-schemas"));
        Path generatedStore = work.resolve("generated-schemas");

        try (MariaDbServer db = MariaDbServer.start(work.resolve("db"));
             KafkaServices kafka = KafkaServices.start(work.resolve("kafka"))) {
            db.createDatabaseAndUser("shop", "cdc", "cdc-pw");
            W1Generator generator = new W1Generator(jsonConfig);
            List<W1Event> snapshot = new ArrayList<>();
            generator.snapshot().forEachRemaining(snapshot::add);
            List<W1Event> changes = new ArrayList<>();
            generator.changes().forEachRemaining(changes::add);
            try (Connection c = DriverManager.getConnection(db.jdbcUrl("shop"), db.rootUser(), db.rootPassword())) {
                W1Table.create(c, "shop", "orders");
                for (W1Event e : snapshot) {
                    W1Table.apply(c, "shop", "orders", e);
                }
            }
            for (CaptureOptions.Builder capture : List.of(
                    capture(db, kafka, jsonConfig, 5401),
                    capture(db, kafka, avroConfig, 5402).encoding(Encoding.AVRO).avroSchemaStore(realStore.toUri()))) {
                new CaptureRunner(kafka.connectUrl(), capture.build()).start(Duration.ofMinutes(2));
            }
            await().atMost(Duration.ofMinutes(2)).until(() -> read(kafka, jsonConfig.topic(), ROWS).size() == ROWS
                    && read(kafka, avroConfig.topic(), ROWS).size() == ROWS);
            try (Connection c = DriverManager.getConnection(db.jdbcUrl("shop"), db.rootUser(), db.rootPassword())) {
                for (W1Event e : changes) {
                    W1Table.apply(c, "shop", "orders", e); // autocommit: one binlog transaction per change
                }
            }
            long deletes = changes.stream().filter(W1Event::followedByTombstone).count();
            int expected = (int) (ROWS + CHANGES + deletes);
            List<ConsumerRecord<byte[], byte[]>> realJson = awaitRecords(kafka, jsonConfig.topic(), expected);
            List<ConsumerRecord<byte[], byte[]>> realAvro = awaitRecords(kafka, avroConfig.topic(), expected);
            LOG.info("captured {} JSON and {} Avro records of {} rows and {} changes ({} deletes)", realJson.size(),
                    realAvro.size(), ROWS, CHANGES, deletes);

            List<W1Records.Record> generatedJson = records(snapshot, changes, new DebeziumJsonEncoder(jsonConfig));
            DebeziumAvroEncoder avroEncoder = new DebeziumAvroEncoder(avroConfig, generatedStore);
            List<W1Records.Record> generatedAvro = records(snapshot, changes, avroEncoder);

            compareJson(byKey(realJson, W1ParityIT::jsonKeyId, W1ParityIT::jsonOp), byKeyGenerated(generatedJson));

            // The writer schemas: the same files (names are fingerprints) with equal schemas, Connect metadata included.
            assertThat(fileNames(generatedStore)).isEqualTo(fileNames(realStore));
            for (String name : fileNames(realStore)) {
                assertThat(parse(generatedStore.resolve(name))).as(name).isEqualTo(parse(realStore.resolve(name)));
            }
            BinaryMessageDecoder<GenericRecord> avroValues =
                    new BinaryMessageDecoder<>(GenericData.get(), avroEncoder.valueSchema());
            compareAvro(byKey(realAvro, W1ParityIT::avroKeyId, v -> avroValues.decode(v).get("op").toString()),
                    byKeyGenerated(generatedAvro), realStore, generatedStore, avroValues);
        }
        LOG.info("W1 parity: {} rows and {} changes compared in {} s", ROWS, CHANGES,
                Duration.ofNanos(System.nanoTime() - started).toSeconds());
    }

    private static void compareJson(Map<Long, List<Rec>> real, Map<Long, List<Rec>> generated) throws Exception {
        assertThat(generated.keySet()).isEqualTo(real.keySet());
        ChangeDecoder realDecoder = ChangeDecoders.forEncoding(Encoding.JSON, null);
        ChangeDecoder generatedDecoder = ChangeDecoders.forEncoding(Encoding.JSON, null);
        int compared = 0;
        for (Long id : real.keySet()) {
            List<Rec> r = real.get(id);
            List<Rec> g = generated.get(id);
            assertThat(g.stream().map(Rec::describe)).as("changes of id %d", id)
                    .containsExactlyElementsOf(r.stream().map(Rec::describe).toList());
            for (int i = 0; i < r.size(); i++) {
                Rec real1 = r.get(i);
                Rec gen1 = g.get(i);
                assertThat(utf8(gen1.key)).as("key of id %d", id).isEqualTo(utf8(real1.key)); // byte for byte
                if (real1.value == null) {
                    assertThat(gen1.value).as("tombstone of id %d", id).isNull();
                    continue;
                }
                JsonNode rv = JSON.readTree(real1.value);
                JsonNode gv = JSON.readTree(gen1.value);
                String what = "id " + id + " record " + i + ": real payload " + rv.get("payload") + "\n generated payload "
                        + gv.get("payload");
                assertThat(fieldNames(gv)).as(what).isEqualTo(fieldNames(rv));
                assertThat(gv.get("schema")).as("schema; " + what).isEqualTo(rv.get("schema"));
                JsonNode rp = rv.get("payload");
                JsonNode gp = gv.get("payload");
                assertThat(fieldNames(gp)).as(what).isEqualTo(fieldNames(rp));
                for (String side : List.of("before", "after")) {
                    assertThat(fieldNames(gp.get(side))).as(side + "; " + what).isEqualTo(fieldNames(rp.get(side)));
                    for (String column : fieldNames(rp.get(side))) {
                        assertThat(gp.get(side).get(column)).as(side + "." + column + "; " + what)
                                .isEqualTo(rp.get(side).get(column));
                    }
                }
                assertThat(gp.get("op")).as(what).isEqualTo(rp.get("op"));
                assertThat(gp.get("transaction")).as(what).isEqualTo(rp.get("transaction"));
                for (String f : List.of("ts_ms", "ts_us", "ts_ns")) {
                    assertThat(gp.get(f).getNodeType()).as(f + "; " + what).isEqualTo(rp.get(f).getNodeType());
                }
                JsonNode rs = rp.get("source");
                JsonNode gs = gp.get("source");
                assertThat(fieldNames(gs)).as(what).isEqualTo(fieldNames(rs));
                for (String f : fieldNames(rs)) {
                    if (SOURCE_POSITION_FIELDS.contains(f)) {
                        assertThat(gs.get(f).getNodeType()).as("source." + f + "; " + what).isEqualTo(rs.get(f).getNodeType());
                    } else {
                        assertThat(gs.get(f)).as("source." + f + "; " + what).isEqualTo(rs.get(f));
                    }
                }
                ChangeRecord rc = realDecoder.decode(real1.key, real1.value).orElseThrow();
                ChangeRecord gc = generatedDecoder.decode(gen1.key, gen1.value).orElseThrow();
                assertThat(ChangeRecords.withoutPosition(gc)).as(what).isEqualTo(ChangeRecords.withoutPosition(rc));
                assertThat(gc.position().snapshot()).isEqualTo(rc.position().snapshot());
                compared++;
            }
        }
        assertThat(compared).isEqualTo(ROWS + CHANGES);
    }

    private static void compareAvro(Map<Long, List<Rec>> real, Map<Long, List<Rec>> generated, Path realStore,
            Path generatedStore, BinaryMessageDecoder<GenericRecord> values) throws Exception {
        assertThat(generated.keySet()).isEqualTo(real.keySet());
        ChangeDecoder realDecoder = ChangeDecoders.forEncoding(Encoding.AVRO, realStore.toUri());
        ChangeDecoder generatedDecoder = ChangeDecoders.forEncoding(Encoding.AVRO, generatedStore.toUri());
        int compared = 0;
        for (Long id : real.keySet()) {
            List<Rec> r = real.get(id);
            List<Rec> g = generated.get(id);
            assertThat(g.stream().map(Rec::describe)).as("changes of id %d", id)
                    .containsExactlyElementsOf(r.stream().map(Rec::describe).toList());
            for (int i = 0; i < r.size(); i++) {
                Rec real1 = r.get(i);
                Rec gen1 = g.get(i);
                assertThat(gen1.key).as("Avro key of id %d", id).isEqualTo(real1.key);
                if (real1.value == null) {
                    assertThat(gen1.value).isNull();
                    continue;
                }
                assertThat(fingerprint(gen1.value)).isEqualTo(fingerprint(real1.value));
                GenericRecord rv = values.decode(real1.value);
                GenericRecord gv = values.decode(gen1.value);
                String what = "id " + id + " record " + i + ": real " + rv + "\n generated " + gv;
                for (String side : List.of("before", "after")) {
                    assertThat(gv.get(side)).as(side + "; " + what).isEqualTo(rv.get(side));
                }
                assertThat(gv.get("op")).as(what).isEqualTo(rv.get("op"));
                assertThat(gv.get("transaction")).as(what).isEqualTo(rv.get("transaction"));
                GenericRecord rs = (GenericRecord) rv.get("source");
                GenericRecord gs = (GenericRecord) gv.get("source");
                for (Schema.Field f : rs.getSchema().getFields()) {
                    Object rf = rs.get(f.name());
                    Object gf = gs.get(f.name());
                    if (SOURCE_POSITION_FIELDS.contains(f.name())) {
                        assertThat(gf == null).as("source." + f.name() + "; " + what).isEqualTo(rf == null);
                    } else {
                        assertThat(gf).as("source." + f.name() + "; " + what).isEqualTo(rf);
                    }
                }
                ChangeRecord rc = realDecoder.decode(real1.key, real1.value).orElseThrow();
                ChangeRecord gc = generatedDecoder.decode(gen1.key, gen1.value).orElseThrow();
                assertThat(ChangeRecords.withoutPosition(gc)).as(what).isEqualTo(ChangeRecords.withoutPosition(rc));
                compared++;
            }
        }
        assertThat(compared).isEqualTo(ROWS + CHANGES);
    }

    private static CaptureOptions.Builder capture(MariaDbServer db, KafkaServices kafka, W1Config config, long serverId) {
        return CaptureOptions.builder().hostname(db.host()).port(db.port()).user("cdc").password("cdc-pw")
                .databases(List.of(config.database)).topicPrefix(config.topicPrefix).serverId(serverId)
                .kafkaBootstrapServers(kafka.bootstrapServers());
    }

    /** One Kafka record's key and value, for either side. */
    private record Rec(byte[] key, byte[] value, String op) {
        String describe() {
            return value == null ? "tombstone" : op;
        }
    }

    private static List<W1Records.Record> records(List<W1Event> snapshot, List<W1Event> changes, EnvelopeEncoder encoder) {
        List<W1Records.Record> out = new ArrayList<>();
        new W1Records(snapshot.iterator(), encoder).forEachRemaining(out::add);
        new W1Records(changes.iterator(), encoder).forEachRemaining(out::add);
        return out;
    }

    private static Map<Long, List<Rec>> byKeyGenerated(List<W1Records.Record> records) {
        Map<Long, List<Rec>> out = new LinkedHashMap<>();
        for (W1Records.Record r : records) {
            out.computeIfAbsent(r.event.id, k -> new ArrayList<>()).add(new Rec(r.key, r.value, r.event.op.code()));
        }
        return out;
    }

    /** Real records per key, in topic order (one key's records are in one partition, in order). */
    private static Map<Long, List<Rec>> byKey(List<ConsumerRecord<byte[], byte[]>> records, BytesTo<Long> keyId,
            BytesTo<String> opOf) throws Exception {
        Map<Long, List<Rec>> out = new LinkedHashMap<>();
        Map<Integer, List<ConsumerRecord<byte[], byte[]>>> partitions = records.stream()
                .collect(Collectors.groupingBy(ConsumerRecord::partition, LinkedHashMap::new, Collectors.toList()));
        for (List<ConsumerRecord<byte[], byte[]>> partition : partitions.values()) {
            partition.sort(java.util.Comparator.comparingLong(ConsumerRecord::offset));
            for (ConsumerRecord<byte[], byte[]> r : partition) {
                out.computeIfAbsent(keyId.of(r.key()), k -> new ArrayList<>()).add(new Rec(r.key(), r.value(), null));
            }
        }
        for (List<Rec> recs : out.values()) {
            for (int i = 0; i < recs.size(); i++) {
                Rec r = recs.get(i);
                recs.set(i, new Rec(r.key, r.value, r.value == null ? null : opOf.of(r.value)));
            }
        }
        return out;
    }

    private interface BytesTo<T> {
        T of(byte[] bytes) throws Exception;
    }

    private static long jsonKeyId(byte[] key) throws Exception {
        return JSON.readTree(key).get("payload").get("id").asLong();
    }

    /** The Avro key {@code {id: long}}: after the 10-byte single-object header, a zig-zag varint. */
    private static long avroKeyId(byte[] key) {
        long raw = 0;
        int shift = 0;
        for (int i = 10; i < key.length; i++) {
            raw |= (long) (key[i] & 0x7F) << shift;
            if ((key[i] & 0x80) == 0) {
                break;
            }
            shift += 7;
        }
        return (raw >>> 1) ^ -(raw & 1);
    }

    private static String jsonOp(byte[] value) throws Exception {
        return JSON.readTree(value).get("payload").get("op").asText();
    }

    private static long fingerprint(byte[] singleObject) {
        return ByteBuffer.wrap(singleObject, 2, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
    }

    private static List<String> fieldNames(JsonNode node) {
        List<String> names = new ArrayList<>();
        if (node != null) {
            node.fieldNames().forEachRemaining(names::add);
        }
        return names;
    }

    private static List<String> fileNames(Path dir) throws Exception {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".avsc")).sorted().toList();
        }
    }

    private static Schema parse(Path file) throws Exception {
        return new Schema.Parser().parse(Files.readString(file));
    }

    private static String utf8(byte[] b) {
        return b == null ? "null" : new String(b, StandardCharsets.UTF_8);
    }

    private static List<ConsumerRecord<byte[], byte[]>> awaitRecords(KafkaServices kafka, String topic, int count) {
        List<List<ConsumerRecord<byte[], byte[]>>> last = new ArrayList<>(List.of(List.of()));
        await().atMost(Duration.ofMinutes(2)).until(() -> {
            last.set(0, read(kafka, topic, count));
            return last.get(0).size() >= count;
        });
        assertThat(last.get(0)).hasSize(count);
        return last.get(0);
    }

    /** Every record of the topic, reading until {@code expected} arrived or the topic has been quiet for 2 s. */
    private static List<ConsumerRecord<byte[], byte[]>> read(KafkaServices kafka, String topic, int expected) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        p.put(ConsumerConfig.GROUP_ID_CONFIG, "parity-" + UUID.randomUUID());
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(p)) {
            if (!consumer.listTopics().containsKey(topic)) {
                return out;
            }
            consumer.subscribe(List.of(topic));
            long quietSince = System.nanoTime();
            while (out.size() < expected && System.nanoTime() - quietSince < 2_000_000_000L) {
                int before = out.size();
                consumer.poll(Duration.ofMillis(200)).forEach(out::add);
                if (out.size() > before) {
                    quietSince = System.nanoTime();
                }
            }
        }
        return out;
    }

}
