package dev.changelake.schema.format.debezium;

import dev.changelake.ingest.avro.SingleObjectAvroConverter;
import dev.changelake.schema.ChangeRecord;
import io.debezium.data.Bits;
import io.debezium.data.Envelope;
import io.debezium.data.Json;
import io.debezium.data.geometry.Geometry;
import io.debezium.data.geometry.Point;
import io.debezium.schema.SchemaNameAdjuster;
import io.debezium.time.Date;
import io.debezium.time.MicroTime;
import io.debezium.time.MicroTimestamp;
import io.debezium.time.Timestamp;
import io.debezium.time.Year;
import io.debezium.time.ZonedTimestamp;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.BitSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.connect.data.Decimal;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.json.JsonConverter;

/**
 * Debezium change records of one table with a column of every type the capture produces (lossless value modes), built
 * with Debezium's own envelope and logical schemas, and written the two ways a Connect worker writes them:
 * JsonConverter with schemas, and changelake's single-object Avro converter with a schema store. For Avro, column
 * names are adjusted as Debezium does with {@code field.name.adjustment.mode=avro_unicode} (the capture's setting).
 */
final class DebeziumChanges {
    static final String TOPIC = "changelake.shop.all_types";

    static final Schema KEY = SchemaBuilder.struct().name("changelake.shop.all_types.Key")
            .field("id", Schema.INT64_SCHEMA).build();

    static final Schema SOURCE = SchemaBuilder.struct().name("io.debezium.connector.mariadb.Source")
            .field("version", Schema.STRING_SCHEMA)
            .field("connector", Schema.STRING_SCHEMA)
            .field("name", Schema.STRING_SCHEMA)
            .field("ts_ms", Schema.INT64_SCHEMA)
            .field("snapshot", io.debezium.data.Enum.builder(List.of("true", "first", "first_in_data_collection",
                    "last_in_data_collection", "last", "false", "incremental")).defaultValue("false").optional().build())
            .field("db", Schema.STRING_SCHEMA)
            .field("sequence", Schema.OPTIONAL_STRING_SCHEMA)
            .field("ts_us", Schema.OPTIONAL_INT64_SCHEMA)
            .field("ts_ns", Schema.OPTIONAL_INT64_SCHEMA)
            .field("table", Schema.OPTIONAL_STRING_SCHEMA)
            .field("server_id", Schema.INT64_SCHEMA)
            .field("gtid", Schema.OPTIONAL_STRING_SCHEMA)
            .field("file", Schema.STRING_SCHEMA)
            .field("pos", Schema.INT64_SCHEMA)
            .field("row", Schema.INT32_SCHEMA)
            .field("thread", Schema.OPTIONAL_INT64_SCHEMA)
            .field("query", Schema.OPTIONAL_STRING_SCHEMA)
            .build();

    final Schema row;
    final Envelope envelope;
    /** The row, key and envelope as Debezium builds them for the Avro capture: column names escaped. */
    private final Schema avroRow;
    private final Schema avroKey;
    private final Envelope avroEnvelope;
    private final JsonConverter jsonKeys = new JsonConverter();
    private final JsonConverter jsonValues = new JsonConverter();
    private final SingleObjectAvroConverter avroKeys = new SingleObjectAvroConverter();
    private final SingleObjectAvroConverter avroValues = new SingleObjectAvroConverter();

    /** @param amountScale the scale of the {@code amount} DECIMAL(12, s): an ALTER TABLE changes it */
    DebeziumChanges(Path schemaStore, int amountScale) {
        row = SchemaBuilder.struct().name("changelake.shop.all_types.Value")
                .field("id", Schema.INT64_SCHEMA)
                .field("tiny1", Schema.INT16_SCHEMA)                                    // TINYINT(1)
                .field("small_u", Schema.OPTIONAL_INT32_SCHEMA)                         // SMALLINT UNSIGNED
                .field("int_u", Schema.OPTIONAL_INT64_SCHEMA)                           // INT UNSIGNED
                .field("big_u", decimal(20, 0).optional().build())                     // BIGINT UNSIGNED
                .field("amount", decimal(12, amountScale).build())                     // DECIMAL(12,s) NOT NULL
                .field("wide", decimal(65, 30).optional().build())                     // DECIMAL(65,30)
                .field("f", Schema.OPTIONAL_FLOAT32_SCHEMA)
                .field("d", Schema.OPTIONAL_FLOAT64_SCHEMA)
                .field("bit1", Schema.OPTIONAL_BOOLEAN_SCHEMA)                          // BIT(1)
                .field("bits", Bits.builder(12).optional().build())                    // BIT(12)
                .field("txt", Schema.OPTIONAL_STRING_SCHEMA)
                .field("empty", Schema.OPTIONAL_STRING_SCHEMA)
                .field("bin", Schema.OPTIONAL_BYTES_SCHEMA)
                .field("day", Date.builder().optional().build())
                .field("dur", MicroTime.builder().optional().build())                  // TIME(6)
                .field("dt3", Timestamp.builder().optional().build())                  // DATETIME(3)
                .field("dt6", MicroTimestamp.builder().optional().build())             // DATETIME(6)
                .field("ts", ZonedTimestamp.builder().optional().build())              // TIMESTAMP(6)
                .field("yr", Year.builder().optional().build())
                .field("en", io.debezium.data.Enum.builder(List.of("NEW", "PAID")).optional().build())
                .field("st", io.debezium.data.EnumSet.builder(List.of("a", "b", "c")).optional().build())
                .field("js", Json.builder().optional().build())
                .field("geo", Geometry.builder().optional().build())
                .field("pt", Point.builder().optional().build())
                .field("nothing", Schema.OPTIONAL_STRING_SCHEMA)
                .field("order-id", Schema.OPTIONAL_INT32_SCHEMA)                       // names Avro refuses
                .field("1st", Schema.OPTIONAL_STRING_SCHEMA)
                .optional() // Debezium's row schemas are optional: 'before' and 'after' may be absent
                .build();
        envelope = Envelope.defineSchema().withName("changelake.shop.all_types.Envelope")
                .withRecord(row).withSource(SOURCE).build();
        avroRow = adjusted(row);
        avroKey = adjusted(KEY);
        avroEnvelope = Envelope.defineSchema().withName("changelake.shop.all_types.Envelope")
                .withRecord(avroRow).withSource(SOURCE).build();
        jsonKeys.configure(Map.of("schemas.enable", "true"), true);
        jsonValues.configure(Map.of("schemas.enable", "true"), false);
        Map<String, String> avro = Map.of(SingleObjectAvroConverter.SCHEMA_STORE_URI, schemaStore.toUri().toString());
        avroKeys.configure(avro, true);
        avroValues.configure(avro, false);
    }

    /** The struct schema with its field names as Debezium's avro_unicode field-name adjustment writes them. */
    private static Schema adjusted(Schema struct) {
        SchemaBuilder b = SchemaBuilder.struct().name(struct.name());
        if (struct.isOptional()) {
            b.optional();
        }
        struct.fields().forEach(f -> b.field(SchemaNameAdjuster.AVRO_UNICODE_FIELD_NAMER.adjust(f.name()), f.schema()));
        return b.build();
    }

    private static Struct adjusted(Struct struct, Schema to) {
        if (struct == null) {
            return null;
        }
        Struct out = new Struct(to);
        struct.schema().fields().forEach(f ->
                out.put(SchemaNameAdjuster.AVRO_UNICODE_FIELD_NAMER.adjust(f.name()), struct.get(f)));
        return out;
    }

    /** The envelope as the Avro capture builds it: the same change, rows with adjusted column names. */
    private Struct avroEnvelope(Struct value) {
        Struct out = new Struct(avroEnvelope.schema());
        for (org.apache.kafka.connect.data.Field f : value.schema().fields()) {
            Object v = value.get(f);
            out.put(f.name(), f.name().equals("before") || f.name().equals("after") ? adjusted((Struct) v, avroRow) : v);
        }
        return out;
    }

    private static SchemaBuilder decimal(int precision, int scale) {
        // What Debezium's decimal.handling.mode=precise writes: Connect's Decimal with the column's width.
        return Decimal.builder(scale).parameter("connect.decimal.precision", String.valueOf(precision));
    }

    Struct key(long id) {
        return new Struct(KEY).put("id", id);
    }

    /** A row full of edge values. */
    Struct row(long id, String amount) {
        BitSet bits = new BitSet();
        bits.set(0);
        bits.set(11);
        return new Struct(row)
                .put("id", id)
                .put("tiny1", (short) -128)
                .put("small_u", 65535)
                .put("int_u", 4294967295L)
                .put("big_u", new BigDecimal("18446744073709551615"))
                .put("amount", new BigDecimal(amount))
                .put("wide", new BigDecimal("-12345678901234567890123456789012345.123456789012345678901234567890"))
                .put("f", -0.0f)
                .put("d", 1.7976931348623157E308)
                .put("bit1", true)
                .put("bits", Bits.fromBitSet(row.field("bits").schema(), bits))
                .put("txt", "ünïcødé 𝄞 🚀")
                .put("empty", "")
                .put("bin", new byte[] {0, -1, 127, -128})
                .put("day", 19782)                                   // 2024-02-29
                .put("dur", -3_020_399_000_000L)                     // -838:59:59
                .put("dt3", 1_709_210_096_123L)
                .put("dt6", 253_402_300_799_999_999L)                // 9999-12-31 23:59:59.999999
                .put("ts", "2024-02-29T12:34:56.123456Z")
                .put("yr", 2155)
                .put("en", "PAID")
                .put("st", "a,c")
                .put("js", "{\"k\": [1, 2.5, null]}")
                .put("geo", Geometry.createValue(row.field("geo").schema(),
                        HexFormat.of().parseHex("0101000000000000000000f03f0000000000000040"), 4326))
                .put("pt", Point.createValue(row.field("pt").schema(), 1.0, 2.0))
                .put("nothing", null)
                .put("order-id", 7)
                .put("1st", "first");
    }

    static Struct source(boolean snapshot, String file, long pos, int rowIndex, String gtid) {
        return new Struct(SOURCE).put("version", "3.5.0.Final").put("connector", "mariadb").put("name", "changelake")
                .put("ts_ms", 1_700_000_001_000L).put("snapshot", snapshot ? "true" : "false").put("db", "shop")
                .put("table", "all_types").put("server_id", 1L).put("gtid", gtid).put("file", file).put("pos", pos)
                .put("row", rowIndex);
    }

    Struct read(Struct after) {
        return envelope.read(after, source(true, "binlog.000003", 100, 0, null), Instant.ofEpochMilli(1_700_000_002_000L));
    }

    Struct update(Struct before, Struct after) {
        return envelope.update(before, after, source(false, "binlog.000003", 4567, 2, "0-1-17"),
                Instant.ofEpochMilli(1_700_000_002_000L));
    }

    Struct delete(Struct before) {
        return envelope.delete(before, source(false, "binlog.000004", 15, 0, "0-1-18"), Instant.ofEpochMilli(1_700_000_003_000L));
    }

    Struct truncate() {
        return envelope.truncate(source(false, "binlog.000004", 99, 0, "0-1-19"), Instant.ofEpochMilli(1_700_000_004_000L));
    }

    /** Key and value as JsonConverter with schemas writes them. */
    byte[][] json(Struct key, Struct value) {
        return new byte[][] {
            key == null ? null : jsonKeys.fromConnectData(TOPIC, KEY, key),
            jsonValues.fromConnectData(TOPIC, envelope.schema(), value)};
    }

    /** Key and value as SingleObjectAvroConverter writes them (after Debezium's Avro name adjustment), schemas into the store. */
    byte[][] avro(Struct key, Struct value) {
        return new byte[][] {
            key == null ? null : avroKeys.fromConnectData(TOPIC, avroKey, adjusted(key, avroKey)),
            avroValues.fromConnectData(TOPIC, avroEnvelope.schema(), avroEnvelope(value))};
    }

    /**
     * A change as comparable text: every field, each value with its Java type (Long and Integer differ), byte arrays
     * as hex. ChangeRecord itself has no equals (its values may be arrays).
     */
    static String comparable(ChangeRecord c) {
        return c.table() + " " + c.op() + " key=" + typed(c.key()) + " before=" + typed(c.before())
                + " after=" + typed(c.after()) + " at " + c.position() + " snapshot=" + c.position().snapshot()
                + " gtid=" + c.position().gtid() + " ts=" + c.sourceTimestampMillis();
    }

    private static String typed(Map<String, Object> row) {
        if (row == null) {
            return "null";
        }
        Map<String, String> out = new TreeMap<>();
        row.forEach((k, v) -> out.put(k, v == null ? "NULL" : v.getClass().getSimpleName() + ":"
                + (v instanceof byte[] ? HexFormat.of().formatHex((byte[]) v) : v.toString())));
        return out.toString() + " order=" + row.keySet();
    }

    static String utf8(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }
}
