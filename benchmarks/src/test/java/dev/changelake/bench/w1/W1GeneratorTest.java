package dev.changelake.bench.w1;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.changelake.schema.ChangeDecoder;
import dev.changelake.schema.ChangeDecoders;
import dev.changelake.schema.ChangeRecord;
import dev.changelake.schema.Encoding;
import dev.changelake.schema.Op;
import dev.changelake.schema.format.debezium.DebeziumJsonDecoder;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The smoke run of W1 in ./mvnw verify: a small generation, every record decoded by the job's decoders. */
class W1GeneratorTest {
    private static final W1Config SMALL = W1Config.builder().rows(500).events(1_000).seed(42).build();

    @TempDir
    Path schemaStore;

    @Test
    void thousandEventsDecodeWithTheJobsJsonDecoderInTheW1Mix() throws Exception {
        W1Generator generator = new W1Generator(SMALL);
        DebeziumJsonEncoder encoder = new DebeziumJsonEncoder(SMALL);
        ChangeDecoder decoder = new DebeziumJsonDecoder();
        Map<Op, Integer> ops = new EnumMap<>(Op.class);
        int tombstones = 0;
        for (Iterator<W1Records.Record> it = new W1Records(generator.changes(), encoder); it.hasNext();) {
            W1Records.Record r = it.next();
            Optional<ChangeRecord> decoded = decoder.decode(r.key, r.value);
            if (r.isTombstone()) {
                assertThat(decoded).isEmpty();
                tombstones++;
                continue;
            }
            ChangeRecord c = decoded.orElseThrow();
            assertThat(c.op()).isEqualTo(r.event.op);
            assertThat(c.key()).containsExactly(Map.entry("id", r.event.id));
            assertThat(c.table().toString()).isEqualTo("shop.orders");
            assertThat(c.position().snapshot()).isFalse();
            ops.merge(c.op(), 1, Integer::sum);
        }
        assertThat(ops.values().stream().mapToInt(Integer::intValue).sum()).isEqualTo(1_000);
        assertThat(ops.get(Op.CREATE) / 1000.0).isCloseTo(0.20, within(0.04));
        assertThat(ops.get(Op.UPDATE) / 1000.0).isCloseTo(0.70, within(0.04));
        assertThat(ops.get(Op.DELETE) / 1000.0).isCloseTo(0.10, within(0.04));
        assertThat(tombstones).isEqualTo(ops.get(Op.DELETE));
        assertThat(generator.inserts()).isEqualTo(ops.get(Op.CREATE).longValue());
        assertThat(generator.rowCount()).isEqualTo(500 + generator.inserts() - generator.deletes());
    }

    @Test
    void snapshotRowsDecodeToTheGeneratorsValues() throws Exception {
        W1Generator generator = new W1Generator(SMALL);
        DebeziumJsonEncoder encoder = new DebeziumJsonEncoder(SMALL);
        ChangeDecoder decoder = new DebeziumJsonDecoder();
        int n = 0;
        for (Iterator<W1Event> it = generator.snapshot(); it.hasNext(); n++) {
            W1Event e = it.next();
            ChangeRecord c = decoder.decode(encoder.key(e), encoder.value(e)).orElseThrow();
            assertThat(c.op()).isEqualTo(Op.READ);
            assertThat(c.position().snapshot()).isTrue();
            W1Row r = e.after;
            Map<String, Object> after = c.after();
            assertThat(after.keySet()).containsExactlyElementsOf(W1Table.COLUMNS);
            assertThat(after.get("id")).isEqualTo(r.id);
            assertThat(after.get("amount")).isEqualTo(new BigDecimal(r.amount().toPlainString()));
            assertThat(after.get("created_at")).isEqualTo(r.createdAtMicros);
            assertThat(after.get("updated_at")).isEqualTo(r.updatedAtMicros);
            assertThat(after.get("flags")).isEqualTo(new byte[] {(byte) r.flags});
            assertThat(after.get("qty")).isEqualTo(r.qty);
            assertThat(after.get("weight")).isEqualTo(r.weight);
            assertThat(after.get("is_gift")).isEqualTo(r.isGift);
            assertThat(after.get("note")).isEqualTo(r.note);
            assertThat(after.get("attrs")).isEqualTo(r.attrs);
        }
        assertThat(n).isEqualTo(500);
    }

    @Test
    void changesFollowEachKeysStateAndUpdatesAreZipfSkewed() {
        W1Generator generator = new W1Generator(W1Config.builder().rows(2_000).events(20_000).seed(7).build());
        Map<Long, W1Row> table = new HashMap<>();
        generator.snapshot().forEachRemaining(e -> table.put(e.id, e.after));
        Map<Long, Integer> updatesPerKey = new HashMap<>();
        generator.changes().forEachRemaining(e -> {
            switch (e.op) {
                case CREATE:
                    assertThat(table).doesNotContainKey(e.id);
                    table.put(e.id, e.after);
                    break;
                case UPDATE:
                    assertThat(e.before).isEqualTo(table.get(e.id));
                    assertThat(e.after.version).isEqualTo(e.before.version + 1);
                    assertThat(e.after.updatedAtMicros).isGreaterThan(e.before.updatedAtMicros);
                    table.put(e.id, e.after);
                    updatesPerKey.merge(e.id, 1, Integer::sum);
                    break;
                case DELETE:
                    assertThat(e.before).isEqualTo(table.remove(e.id));
                    break;
                default:
                    throw new AssertionError(e);
            }
        });
        Map<Long, W1Row> expected = new HashMap<>();
        generator.expectedRows().forEachRemaining(r -> expected.put(r.id, r));
        assertThat(expected).isEqualTo(table);
        // Zipf s=1.1 over ~2,000 keys: the hottest key takes ~13 % of the updates, uniform would give 0.05 %.
        int updates = updatesPerKey.values().stream().mapToInt(Integer::intValue).sum();
        int hottest = updatesPerKey.values().stream().mapToInt(Integer::intValue).max().orElseThrow();
        assertThat(hottest / (double) updates).isBetween(0.05, 0.30);
    }

    @Test
    void sameSeedSameBytesOtherSeedOtherBytes() throws Exception {
        assertThat(digest(SMALL)).isEqualTo(digest(SMALL))
                .isNotEqualTo(digest(SMALL.toBuilder().seed(43).build()));
    }

    @Test
    void avroRecordsDecodeToTheSameChangesAsJson() throws Exception {
        W1Generator generator = new W1Generator(SMALL);
        DebeziumJsonEncoder json = new DebeziumJsonEncoder(SMALL);
        DebeziumAvroEncoder avro = new DebeziumAvroEncoder(SMALL, schemaStore);
        ChangeDecoder jsonDecoder = ChangeDecoders.forEncoding(Encoding.JSON, null);
        ChangeDecoder avroDecoder = ChangeDecoders.forEncoding(Encoding.AVRO, schemaStore.toUri());
        Iterator<W1Event> snapshot = generator.snapshot();
        for (int i = 0; i < 50; i++) {
            W1Event e = snapshot.next();
            assertSameChange(jsonDecoder.decode(json.key(e), json.value(e)).orElseThrow(),
                    avroDecoder.decode(avro.key(e), avro.value(e)).orElseThrow());
        }
        for (Iterator<W1Event> it = generator.changes(); it.hasNext();) {
            W1Event e = it.next();
            assertSameChange(jsonDecoder.decode(json.key(e), json.value(e)).orElseThrow(),
                    avroDecoder.decode(avro.key(e), avro.value(e)).orElseThrow());
        }
    }

    @Test
    void zonedTimestampsAsDebeziumWritesThemFromSnapshotAndBinlog() {
        long t = java.time.Instant.parse("2025-01-01T10:00:00.500000Z").toEpochMilli() * 1000;
        assertThat(DebeziumJsonEncoder.zonedTimestamp(t, true)).isEqualTo("2025-01-01T10:00:00.5Z");
        assertThat(DebeziumJsonEncoder.zonedTimestamp(t, false)).isEqualTo("2025-01-01T10:00:00.500000Z");
        assertThat(DebeziumJsonEncoder.zonedTimestamp(t - 500_000, true)).isEqualTo("2025-01-01T10:00:00Z");
        assertThat(DebeziumJsonEncoder.zonedTimestamp(t - 500_000, false)).isEqualTo("2025-01-01T10:00:00.000000Z");
        assertThat(DebeziumJsonEncoder.zonedTimestamp(t + 123_456 - 500_000, true)).isEqualTo("2025-01-01T10:00:00.123456Z");
        assertThat(W1Schema.avroFieldName("customer_id")).isEqualTo("customer_u005fid");
    }

    private static void assertSameChange(ChangeRecord json, ChangeRecord avro) {
        assertThat(ChangeRecords.withoutPosition(avro)).isEqualTo(ChangeRecords.withoutPosition(json));
        assertThat(avro.position()).isEqualTo(json.position());
        assertThat(avro.sourceTimestampMillis()).isEqualTo(json.sourceTimestampMillis());
    }

    private static String digest(W1Config config) throws Exception {
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        W1Generator generator = new W1Generator(config);
        DebeziumJsonEncoder encoder = new DebeziumJsonEncoder(config);
        for (Iterator<W1Records.Record> it = new W1Records(generator.snapshot(), encoder); it.hasNext();) {
            W1Records.Record r = it.next();
            sha.update(r.key);
            sha.update(r.value);
        }
        for (Iterator<W1Records.Record> it = new W1Records(generator.changes(), encoder); it.hasNext();) {
            W1Records.Record r = it.next();
            sha.update(r.key);
            sha.update(r.value == null ? new byte[0] : r.value);
        }
        return HexFormat.of().formatHex(sha.digest());
    }
}
