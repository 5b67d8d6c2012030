package dev.changelake.jobs.types;

import static org.assertj.core.api.Assertions.assertThat;

import dev.changelake.schema.ChangeRecord;
import dev.changelake.schema.ColumnType;
import dev.changelake.schema.Op;
import dev.changelake.schema.SourcePosition;
import dev.changelake.schema.TableId;
import dev.changelake.schema.TableSchema;
import java.math.BigDecimal;
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
}
