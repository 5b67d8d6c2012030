package dev.changelake.jobs.types;

import static org.assertj.core.api.Assertions.assertThat;

import dev.changelake.schema.ChangeRecord;
import dev.changelake.schema.ColumnType;
import dev.changelake.schema.Op;
import dev.changelake.schema.SourcePosition;
import dev.changelake.schema.TableId;
import dev.changelake.schema.TableSchema;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSchemaCompatibility;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.junit.jupiter.api.Test;

class ChangeRecordSerializerTest {
    static final TableId T = new TableId("shop", "orders");

    static ChangeRecord everyKind() {
        Map<String, Object> key = new LinkedHashMap<>(Map.of("id", 42L));
        Map<String, Object> after = new LinkedHashMap<>();
        after.put("id", 42L);
        after.put("flag", true);
        after.put("qty", 7);
        after.put("ratio", 1.5f);
        after.put("weight", 2.25d);
        after.put("amount", new BigDecimal("-12345678901234567890.1234"));
        after.put("note", "naïve 🙂 ".repeat(20_000)); // longer than writeUTF's 64 KB
        after.put("bits", new byte[] {1, 2, (byte) 0xff});
        after.put("nothing", null);
        TableSchema schema = new TableSchema(T, List.of(
                new TableSchema.Column("id", ColumnType.of(ColumnType.Kind.LONG), false),
                new TableSchema.Column("amount", ColumnType.decimal(24, 4), true)), List.of("id"));
        return new ChangeRecord(T, Op.UPDATE, key, null, after, new SourcePosition(false, 12, 3456, 2, "uuid:1-5"),
                1_700_000_000_000L, schema);
    }

    private static ChangeRecord roundTrip(TypeSerializer<ChangeRecord> serializer, ChangeRecord r) throws Exception {
        DataOutputSerializer out = new DataOutputSerializer(64);
        serializer.serialize(r, out);
        return serializer.deserialize(new DataInputDeserializer(out.getCopyOfBuffer()));
    }

    @Test
    void everyCanonicalValueKindSurvivesARoundTripWithItsOrderTypeAndSchema() throws Exception {
        ChangeRecord r = everyKind();

        ChangeRecord back = roundTrip(ChangeRecordSerializer.INSTANCE, r);

        assertThat(back.table()).isEqualTo(r.table());
        assertThat(back.op()).isEqualTo(Op.UPDATE);
        assertThat(back.position()).isEqualTo(r.position());
        assertThat(back.position().gtid()).isEqualTo("uuid:1-5");
        assertThat(back.sourceTimestampMillis()).isEqualTo(r.sourceTimestampMillis());
        assertThat(back.schema()).isEqualTo(r.schema());
        assertThat(back.key()).isEqualTo(r.key());
        assertThat(back.before()).isNull();
        assertThat(back.after().keySet()).containsExactlyElementsOf(r.after().keySet());
        r.after().forEach((k, v) -> {
            if (v == null) {
                assertThat(back.after().get(k)).as(k).isNull();
            } else {
                assertThat(back.after().get(k)).as(k).isEqualTo(v).hasSameClassAs(v);
            }
        });
        assertThat(((BigDecimal) back.after().get("amount")).scale()).isEqualTo(4);
    }

    @Test
    void aRecordWithoutSchemaOrRowsAndAnImmutableKeyMapRoundTrips() throws Exception {
        ChangeRecord truncate = new ChangeRecord(T, Op.DELETE, Map.of("id", 1), Map.of("id", 1), null,
                new SourcePosition(true, 0, 0, 0, null), 0);

        ChangeRecord back = roundTrip(ChangeRecordSerializer.INSTANCE, truncate);

        assertThat(back.schema()).isNull();
        assertThat(back.after()).isNull();
        assertThat(back.before()).isEqualTo(Map.of("id", 1));
    }

    @Test
    void itsSnapshotRestoresACompatibleSerializer() throws Exception {
        TypeSerializerSnapshot<ChangeRecord> snapshot = ChangeRecordSerializer.INSTANCE.snapshotConfiguration();
        DataOutputSerializer out = new DataOutputSerializer(64);
        snapshot.writeSnapshot(out);
        TypeSerializerSnapshot<ChangeRecord> read = new ChangeRecordSerializer.Snapshot();
        read.readSnapshot(snapshot.getCurrentVersion(), new DataInputDeserializer(out.getCopyOfBuffer()),
                getClass().getClassLoader());

        TypeSerializerSchemaCompatibility<ChangeRecord> compatibility =
                ChangeRecordSerializer.INSTANCE.snapshotConfiguration().resolveSchemaCompatibility(read);

        assertThat(compatibility.isCompatibleAsIs()).isTrue();
        assertThat(roundTrip(read.restoreSerializer(), everyKind()).after().get("qty")).isEqualTo(7);
    }

    private static byte[] bytes(ChangeRecord r) throws Exception {
        DataOutputSerializer out = new DataOutputSerializer(64);
        ChangeRecordSerializer.INSTANCE.serialize(r, out);
        return out.getCopyOfBuffer();
    }

    private static ChangeRecord read(byte[] bytes) throws Exception {
        DataInputDeserializer in = new DataInputDeserializer(bytes);
        ChangeRecord r = ChangeRecordSerializer.INSTANCE.deserialize(in);
        assertThat(in.available()).as("bytes left").isZero();
        return r;
    }

    /** Equal in everything a ChangeRecord holds, row order and value classes included. */
    private static void assertSameRecord(ChangeRecord back, ChangeRecord r) {
        assertThat(back.table()).isEqualTo(r.table());
        assertThat(back.op()).isEqualTo(r.op());
        assertThat(back.position()).isEqualTo(r.position());
        assertThat(back.position().gtid()).isEqualTo(r.position().gtid());
        assertThat(back.position().snapshot()).isEqualTo(r.position().snapshot());
        assertThat(back.sourceTimestampMillis()).isEqualTo(r.sourceTimestampMillis());
        assertThat(back.schema()).isEqualTo(r.schema());
        if (r.schema() != null) {
            assertThat(back.schema().table()).isEqualTo(r.schema().table());
        }
        assertSameRow(back.key(), r.key());
        assertSameRow(back.before(), r.before());
        assertSameRow(back.after(), r.after());
    }

    private static void assertSameRow(Map<String, Object> back, Map<String, Object> row) {
        if (row == null) {
            assertThat(back).isNull();
            return;
        }
        assertThat(back.keySet()).containsExactlyElementsOf(row.keySet());
        row.forEach((k, v) -> {
            if (v == null) {
                assertThat(back.get(k)).as(k).isNull();
            } else {
                assertThat(back.get(k)).as(k).isEqualTo(v).hasSameClassAs(v);
            }
        });
    }

    private static final TableSchema ORDERS = new TableSchema(T, List.of(
            new TableSchema.Column("id", ColumnType.of(ColumnType.Kind.LONG), false),
            new TableSchema.Column("amount", ColumnType.decimal(12, 2), true),
            new TableSchema.Column("note", ColumnType.of(ColumnType.Kind.STRING), true),
            new TableSchema.Column("at", ColumnType.of(ColumnType.Kind.TIMESTAMP_TZ), false)), List.of("id"));

    private static Map<String, Object> row(Object... namesAndValues) {
        Map<String, Object> row = new LinkedHashMap<>();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            row.put((String) namesAndValues[i], namesAndValues[i + 1]);
        }
        return row;
    }

    private static ChangeRecord change(TableId table, TableSchema schema, Map<String, Object> key, Map<String, Object> before,
            Map<String, Object> after) {
        return new ChangeRecord(table, after == null ? Op.DELETE : Op.UPDATE, key, before, after,
                new SourcePosition(false, 7, 99, 1, null), 5L, schema);
    }

    @Test
    void rowsByTheSchemasNamesAndRowsThatDifferFromItBothRoundTrip() throws Exception {
        Map<String, Object> full = row("id", 1L, "amount", new BigDecimal("3.50"), "note", null, "at", 17L);
        List<ChangeRecord> records = List.of(
                change(T, ORDERS, row("id", 1L), full, full), // by the schema
                change(T, ORDERS, row("id", 1L), row("amount", new BigDecimal("3.50"), "id", 1L, "note", "x", "at", 1L),
                        full), // another order
                change(T, ORDERS, row("id", 1L), row("id", 1L, "amount", null), null), // fewer columns
                change(T, ORDERS, row("id", 1L), null, row("id", 1L, "amount", null, "note", "n", "at", 2L, "new", 3)),
                change(T, ORDERS, row("id", 1L), null, row("id", 1L, "amount", null, "note", "n", "AT", 2L)), // a name
                change(T, ORDERS, row("ID", 1L), null, full), // a key named otherwise
                change(T, ORDERS, new LinkedHashMap<>(), null, full), // no key values
                change(T, ORDERS, row("id", 1L, "note", "k"), null, full)); // a longer key
        for (ChangeRecord r : records) {
            assertSameRecord(read(bytes(r)), r);
        }
    }

    @Test
    void aSchemaOfAnotherTableThanTheRecordsIsKeptApart() throws Exception {
        TableId other = new TableId("shop", "orders_v2");
        ChangeRecord r = change(other, ORDERS, row("id", 1L), null, row("id", 1L, "amount", null, "note", "n", "at", 2L));

        ChangeRecord back = read(bytes(r));

        assertSameRecord(back, r);
        assertThat(back.table()).isEqualTo(other);
        assertThat(back.schema().table()).isEqualTo(T);
    }

    @Test
    void schemasDifferingOnlyInTableTypeNullabilityOrKeyAreNeverConfused() throws Exception {
        List<TableSchema> schemas = new ArrayList<>();
        for (String table : List.of("a", "b")) {
            for (ColumnType type : List.of(ColumnType.of(ColumnType.Kind.LONG), ColumnType.of(ColumnType.Kind.INT),
                    ColumnType.decimal(12, 2), ColumnType.decimal(12, 3), ColumnType.decimal(13, 2))) {
                for (boolean nullable : List.of(true, false)) {
                    for (List<String> pk : List.of(List.of("id"), List.<String>of(), List.of("id", "v"))) {
                        schemas.add(new TableSchema(new TableId("db", table), List.of(
                                new TableSchema.Column("id", ColumnType.of(ColumnType.Kind.LONG), false),
                                new TableSchema.Column("v", type, nullable)), pk));
                    }
                }
            }
        }
        // Far more schemas than a thread's cache holds, in an order that keeps evicting them; written and read in
        // different threads, as a record crosses to another task or is restored in another JVM.
        List<byte[]> written = new ArrayList<>();
        List<ChangeRecord> records = new ArrayList<>();
        for (int round = 0; round < 3; round++) {
            for (int i = 0; i < schemas.size(); i++) {
                TableSchema s = schemas.get((i * 7 + round) % schemas.size());
                ChangeRecord r = change(s.table(), s, row("id", (long) i), null, row("id", (long) i, "v", null));
                records.add(r);
                written.add(bytes(r));
            }
        }
        java.util.concurrent.ExecutorService reader = java.util.concurrent.Executors.newSingleThreadExecutor();
        try {
            for (int i = 0; i < records.size(); i++) {
                byte[] b = written.get(i);
                ChangeRecord back = reader.submit(() -> read(b)).get();
                assertSameRecord(back, records.get(i));
            }
        } finally {
            reader.shutdownNow();
        }
    }

    @Test
    void anEqualSchemaInstanceIsWrittenAsTheSameBytesAndReadAsOneInstance() throws Exception {
        TableSchema copy = new TableSchema(T, ORDERS.columns(), ORDERS.primaryKey());
        Map<String, Object> full = row("id", 1L, "amount", new BigDecimal("3.50"), "note", "n", "at", 17L);

        byte[] a = bytes(change(T, ORDERS, row("id", 1L), null, full));
        byte[] b = bytes(change(T, copy, row("id", 1L), null, full));

        assertThat(b).isEqualTo(a);
        assertThat(read(a).schema()).isSameAs(read(b).schema());
    }

    @Test
    void manyThreadsWriteAndReadAtOnce() throws Exception {
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(4);
        try {
            List<java.util.concurrent.Future<?>> done = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                int thread = t;
                done.add(pool.submit(() -> {
                    for (int i = 0; i < 2_000; i++) {
                        TableSchema s = new TableSchema(new TableId("db", "t" + ((i + thread) % 11)), ORDERS.columns(),
                                ORDERS.primaryKey());
                        ChangeRecord r = change(s.table(), s, row("id", (long) i), null,
                                row("id", (long) i, "amount", null, "note", "t" + thread, "at", (long) i));
                        assertSameRecord(read(bytes(r)), r);
                    }
                    return null;
                }));
            }
            for (java.util.concurrent.Future<?> f : done) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void recordsOfLayout1StillRead() throws Exception {
        ChangeRecord r = everyKind();
        ChangeRecord truncate = new ChangeRecord(T, Op.TRUNCATE, new LinkedHashMap<>(), null, null,
                new SourcePosition(true, 0, 0, 0, null), 0);
        ChangeRecord otherTable = change(new TableId("ünïcode_db", "t"), ORDERS, row("id", 1L), null,
                row("id", 1L, "amount", null, "note", "n", "at", 2L));
        for (ChangeRecord c : List.of(r, truncate, otherTable)) {
            byte[] layout1 = Layout1.bytes(c);
            assertThat(layout1[0]).isZero();

            assertSameRecord(read(layout1), c);

            DataOutputSerializer copied = new DataOutputSerializer(64);
            ChangeRecordSerializer.INSTANCE.copy(new DataInputDeserializer(layout1), copied);
            assertThat(copied.getCopyOfBuffer()[0]).isEqualTo(ChangeRecordSerializer.LAYOUT_2);
            assertSameRecord(read(copied.getCopyOfBuffer()), c);
        }
    }

    @Test
    void layout2IsSmallerForRowsWrittenByTheirSchema() throws Exception {
        Map<String, Object> full = row("id", 1L, "amount", new BigDecimal("3.50"), "note", "n", "at", 17L);
        ChangeRecord r = change(T, ORDERS, row("id", 1L), full, full);

        assertThat(bytes(r).length).isLessThan(Layout1.bytes(r).length * 2 / 3); // 174 against 273 bytes
    }

    /** The layout before this one, as ChangeRecordSerializer wrote it, to prove it still reads. */
    static final class Layout1 {
        static byte[] bytes(ChangeRecord r) throws Exception {
            DataOutputSerializer out = new DataOutputSerializer(64);
            out.writeUTF(r.table().database());
            out.writeUTF(r.table().table());
            out.writeByte(r.op().ordinal());
            SourcePosition p = r.position();
            out.writeBoolean(p.snapshot());
            out.writeLong(p.fileSequence());
            out.writeLong(p.position());
            out.writeInt(p.rowIndex());
            out.writeBoolean(p.gtid() != null);
            if (p.gtid() != null) {
                out.writeUTF(p.gtid());
            }
            out.writeLong(r.sourceTimestampMillis());
            TableSchema s = r.schema();
            out.writeBoolean(s != null);
            if (s != null) {
                out.writeUTF(s.table().database());
                out.writeUTF(s.table().table());
                out.writeInt(s.columns().size());
                for (TableSchema.Column c : s.columns()) {
                    out.writeUTF(c.name());
                    out.writeByte(c.type().kind().ordinal());
                    out.writeInt(c.type().precision());
                    out.writeInt(c.type().scale());
                    out.writeBoolean(c.nullable());
                }
                out.writeInt(s.primaryKey().size());
                for (String k : s.primaryKey()) {
                    out.writeUTF(k);
                }
            }
            for (Map<String, Object> row : java.util.Arrays.asList(r.key(), r.before(), r.after())) {
                if (row == null) {
                    out.writeInt(-1);
                    continue;
                }
                out.writeInt(row.size());
                for (Map.Entry<String, Object> e : row.entrySet()) {
                    out.writeUTF(e.getKey());
                    Object v = e.getValue();
                    if (v == null) {
                        out.writeByte(0);
                    } else if (v instanceof Boolean) {
                        out.writeByte(1);
                        out.writeBoolean((Boolean) v);
                    } else if (v instanceof Integer) {
                        out.writeByte(2);
                        out.writeInt((Integer) v);
                    } else if (v instanceof Long) {
                        out.writeByte(3);
                        out.writeLong((Long) v);
                    } else if (v instanceof Float) {
                        out.writeByte(4);
                        out.writeFloat((Float) v);
                    } else if (v instanceof Double) {
                        out.writeByte(5);
                        out.writeDouble((Double) v);
                    } else if (v instanceof BigDecimal) {
                        out.writeByte(6);
                        out.writeInt(((BigDecimal) v).scale());
                        byte[] unscaled = ((BigDecimal) v).unscaledValue().toByteArray();
                        out.writeInt(unscaled.length);
                        out.write(unscaled);
                    } else if (v instanceof String) {
                        out.writeByte(7);
                        byte[] utf8 = ((String) v).getBytes(java.nio.charset.StandardCharsets.UTF_8);
                        out.writeInt(utf8.length);
                        out.write(utf8);
                    } else {
                        out.writeByte(8);
                        out.writeInt(((byte[]) v).length);
                        out.write((byte[]) v);
                    }
                }
            }
            return out.getCopyOfBuffer();
        }
    }
}
