package dev.changelake.schema.format.debezium;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.changelake.schema.DecodeException;
import dev.changelake.schema.TableId;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.generic.GenericData;
import org.apache.avro.util.Utf8;
import org.junit.jupiter.api.Test;

/**
 * {@link ConnectValues#decodeAvro} reads Avro values directly; it must give exactly what the JSON detour gives
 * ({@code decode(json(value))}, how the Avro decoder read every value before): the same value of the same class, or
 * the same error.
 */
class AvroDirectValuesTest {
    private static final TableId T = new TableId("shop", "t");

    private static Schema connect(Schema.Type type, String connectName, Map<String, String> parameters) {
        Schema s = Schema.create(type);
        if (connectName != null) {
            s.addProp("connect.name", connectName);
        }
        if (parameters != null) {
            s.addProp("connect.parameters", parameters);
        }
        return s;
    }

    private static Schema narrow(String connectType) {
        Schema s = Schema.create(Schema.Type.INT);
        s.addProp("connect.type", connectType);
        return s;
    }

    private static Schema optional(Schema s) {
        return Schema.createUnion(Schema.create(Schema.Type.NULL), s);
    }

    private static byte[] bytes(int... values) {
        byte[] out = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = (byte) values[i];
        }
        return out;
    }

    private static ByteBuffer buffer(int... bytes) {
        return ByteBuffer.wrap(bytes(bytes));
    }

    /** The bytes at a position inside a larger array, as a reader's buffer may hold them. */
    private static ByteBuffer sliced(int... values) {
        byte[] bytes = bytes(values);
        byte[] big = new byte[bytes.length + 7];
        Arrays.fill(big, (byte) 0x55);
        System.arraycopy(bytes, 0, big, 3, bytes.length);
        return ByteBuffer.wrap(big, 3, bytes.length).slice();
    }

    private static ByteBuffer direct(int... values) {
        byte[] bytes = bytes(values);
        ByteBuffer b = ByteBuffer.allocateDirect(bytes.length);
        b.put(bytes).flip();
        return b;
    }

    private static void assertSame(Schema fieldSchema, Object value) {
        Schema.Field field = new Schema.Field("c", fieldSchema);
        Schema record = Schema.createRecord("r", null, "ns", false, List.of(field));
        ConnectField f = ConnectField.parse(DebeziumAvroEnvelope.connectField(record.getField("c")));
        Object expected;
        Throwable expectedError = null;
        try {
            expected = ConnectValues.decode(DebeziumAvroEnvelope.json(value, fieldSchema), f, T);
        } catch (DecodeException e) {
            expected = null;
            expectedError = e;
        }
        String what = fieldSchema + " / " + value;
        if (expectedError != null) {
            Throwable actual = catchThrowable(() -> ConnectValues.decodeAvro(value, fieldSchema, f, T));
            assertThat(actual).as(what).isInstanceOf(DecodeException.class).hasMessage(expectedError.getMessage());
            return;
        }
        Object actual;
        try {
            actual = ConnectValues.decodeAvro(value, fieldSchema, f, T);
        } catch (DecodeException e) {
            throw new AssertionError(what + ": " + e.getMessage(), e);
        }
        if (expected == null) {
            assertThat(actual).as(what).isNull();
        } else if (expected instanceof byte[]) {
            assertThat(actual).as(what).isInstanceOf(byte[].class);
            assertThat((byte[]) actual).as(what).isEqualTo((byte[]) expected);
        } else {
            assertThat(actual).as(what).isEqualTo(expected).hasSameClassAs(expected);
            if (expected instanceof BigDecimal) {
                assertThat(((BigDecimal) actual).scale()).isEqualTo(((BigDecimal) expected).scale());
            }
        }
    }

    @Test
    void everyConnectTypeAndDebeziumLogicalTypeReadsAsThroughJson() {
        List<Object[]> cases = new ArrayList<>();
        Schema dec = connect(Schema.Type.BYTES, "org.apache.kafka.connect.data.Decimal",
                Map.of("scale", "2", "connect.decimal.precision", "12"));
        Schema wideDec = connect(Schema.Type.BYTES, "org.apache.kafka.connect.data.Decimal",
                Map.of("scale", "4", "connect.decimal.precision", "65"));
        Schema noPrecisionDec = connect(Schema.Type.BYTES, "org.apache.kafka.connect.data.Decimal", Map.of("scale", "1"));
        Schema badScaleDec = connect(Schema.Type.BYTES, "org.apache.kafka.connect.data.Decimal",
                Map.of("scale", "x", "connect.decimal.precision", "12"));
        for (Schema s : List.of(dec, wideDec, noPrecisionDec, badScaleDec, optional(dec))) {
            for (Object v : List.of(buffer((byte) 0x30, (byte) 0x39), buffer((byte) 0xff, 0x00, 0x01), sliced((byte) 0x80, 1),
                    direct((byte) 0x7f, (byte) 0xff, (byte) 0xff), buffer(), buffer((byte) 0))) {
                cases.add(new Object[] {s, v});
            }
        }
        // a decimal with Avro's own logical type (no Connect metadata), and one read by a reader with the conversion on
        Schema avroDecimal = LogicalTypes.decimal(10, 3).addToSchema(Schema.create(Schema.Type.BYTES));
        cases.add(new Object[] {avroDecimal, buffer((byte) 0x12, (byte) 0x34)});
        cases.add(new Object[] {avroDecimal, new BigDecimal("4.660")});
        Schema fixedDecimal = LogicalTypes.decimal(6, 3).addToSchema(Schema.createFixed("f", null, "ns", 3));
        cases.add(new Object[] {fixedDecimal, new GenericData.Fixed(fixedDecimal, new byte[] {0, 1, 2})});

        for (String name : List.of("io.debezium.time.Date", "org.apache.kafka.connect.data.Date", "io.debezium.time.Year")) {
            for (Object v : List.of(19_000, 1900, -1, 0)) {
                cases.add(new Object[] {connect(Schema.Type.INT, name, null), v});
            }
            cases.add(new Object[] {connect(Schema.Type.LONG, name, null), 3_000_000_000L});
            cases.add(new Object[] {connect(Schema.Type.LONG, name, null), 12L});
            cases.add(new Object[] {connect(Schema.Type.STRING, name, null), new Utf8("12")});
        }
        for (String name : List.of("io.debezium.time.Time", "org.apache.kafka.connect.data.Time",
                "io.debezium.time.Timestamp", "org.apache.kafka.connect.data.Timestamp", "io.debezium.time.MicroTime",
                "io.debezium.time.MicroTimestamp", "io.debezium.time.NanoTime", "io.debezium.time.NanoTimestamp")) {
            for (Object v : List.of(1_700_000_000_123L, -1_999L, 0L, Long.MAX_VALUE, Long.MIN_VALUE)) {
                cases.add(new Object[] {connect(Schema.Type.LONG, name, null), v});
                cases.add(new Object[] {optional(connect(Schema.Type.LONG, name, null)), v});
            }
            cases.add(new Object[] {connect(Schema.Type.INT, name, null), 86_399_000});
            cases.add(new Object[] {connect(Schema.Type.DOUBLE, name, null), 1.5d});
        }
        Schema zoned = connect(Schema.Type.STRING, "io.debezium.time.ZonedTimestamp", null);
        for (Schema s : List.of(zoned, optional(zoned))) {
            for (String t : List.of("2024-01-01T10:00:00Z", "2024-01-01T10:00:00.5Z", "2024-01-01T10:00:00.500000Z",
                    "2024-01-01T10:00:00.123456+05:30", "1970-01-01T00:00:00Z", "1970-01-01T05:30:00+05:30",
                    "1970-01-01T00:00:00.000001Z", "2024-01-01t10:00Z", "2023-02-29T10:00:00Z", "not a time")) {
                cases.add(new Object[] {s, new Utf8(t)});
                cases.add(new Object[] {s, t});
            }
        }
        Schema bits = connect(Schema.Type.BYTES, "io.debezium.data.Bits", Map.of("length", "10"));
        for (Object v : List.of(buffer((byte) 0x01, (byte) 0x02), buffer((byte) 0xff), sliced((byte) 3, 1),
                buffer((byte) 1, (byte) 2, (byte) 3), buffer((byte) 1, (byte) 2, (byte) 0))) {
            cases.add(new Object[] {bits, v});
        }
        cases.add(new Object[] {connect(Schema.Type.BYTES, "io.debezium.data.Bits", null), buffer((byte) 5, (byte) 6)});
        cases.add(new Object[] {connect(Schema.Type.BOOLEAN, "io.debezium.data.Bits", null), true});

        Schema geometry = SchemaBuilder.record("Geometry").namespace("io.debezium.data.geometry").fields()
                .name("wkb").type().bytesType().noDefault()
                .name("srid").type().optional().intType().endRecord();
        geometry.addProp("connect.name", "io.debezium.data.geometry.Geometry");
        GenericData.Record g = new GenericData.Record(geometry);
        g.put("wkb", buffer((byte) 1, (byte) 1, 0, 0, 0));
        g.put("srid", 4326);
        cases.add(new Object[] {geometry, g});
        GenericData.Record noSrid = new GenericData.Record(geometry);
        noSrid.put("wkb", buffer((byte) 1));
        cases.add(new Object[] {geometry, noSrid});

        for (Object v : List.of(true, false)) {
            cases.add(new Object[] {Schema.create(Schema.Type.BOOLEAN), v});
        }
        for (String t : List.of("int8", "int16")) {
            cases.add(new Object[] {narrow(t), -128});
            cases.add(new Object[] {optional(narrow(t)), 32767});
        }
        for (Object v : List.of(Integer.MIN_VALUE, 0, Integer.MAX_VALUE)) {
            cases.add(new Object[] {Schema.create(Schema.Type.INT), v});
        }
        for (Object v : List.of(Long.MIN_VALUE, 0L, 4_294_967_295L)) {
            cases.add(new Object[] {Schema.create(Schema.Type.LONG), v});
            cases.add(new Object[] {optional(Schema.create(Schema.Type.LONG)), v});
        }
        for (Object v : List.of(1.5f, -0.0f, Float.NaN, Float.POSITIVE_INFINITY, Float.MIN_VALUE, 3.4e38f)) {
            cases.add(new Object[] {Schema.create(Schema.Type.FLOAT), v});
        }
        for (Object v : List.of(2.25d, -0.0d, Double.NaN, Double.NEGATIVE_INFINITY, 1e-310, 0.1d)) {
            cases.add(new Object[] {Schema.create(Schema.Type.DOUBLE), v});
            cases.add(new Object[] {optional(Schema.create(Schema.Type.DOUBLE)), v});
        }
        for (Object v : List.of(new Utf8("naïve 🙂"), "plain", new Utf8(""))) {
            cases.add(new Object[] {Schema.create(Schema.Type.STRING), v});
            cases.add(new Object[] {connect(Schema.Type.STRING, "io.debezium.data.Json", null), v});
            cases.add(new Object[] {connect(Schema.Type.STRING, "io.debezium.data.Enum", Map.of("allowed", "a,b")), v});
        }
        Schema avroEnum = Schema.createEnum("E", null, "ns", List.of("NEW", "PAID"));
        cases.add(new Object[] {avroEnum, new GenericData.EnumSymbol(avroEnum, "PAID")});
        for (Object v : List.of(buffer((byte) 1, (byte) 2), sliced((byte) 9, (byte) 8, (byte) 7), direct((byte) 4), buffer())) {
            cases.add(new Object[] {Schema.create(Schema.Type.BYTES), v});
        }
        Schema fixed = Schema.createFixed("F", null, "ns", 2);
        cases.add(new Object[] {fixed, new GenericData.Fixed(fixed, new byte[] {5, 6})});
        cases.add(new Object[] {Schema.createArray(Schema.create(Schema.Type.INT)), List.of(1, 2)});
        cases.add(new Object[] {Schema.create(Schema.Type.STRING), null});
        cases.add(new Object[] {optional(Schema.create(Schema.Type.STRING)), null});

        for (Object[] c : cases) {
            assertSame((Schema) c[0], c[1]);
        }
    }

    @Test
    void aByteBufferValueIsCopiedNotShared() throws Exception {
        byte[] backing = "abc".getBytes(StandardCharsets.US_ASCII);
        Schema s = Schema.create(Schema.Type.BYTES);
        Schema record = Schema.createRecord("r", null, "ns", false, List.of(new Schema.Field("c", s)));
        ConnectField f = ConnectField.parse(DebeziumAvroEnvelope.connectField(record.getField("c")));
        ByteBuffer b = ByteBuffer.wrap(backing);

        byte[] read = (byte[]) ConnectValues.decodeAvro(b, s, f, T);
        backing[0] = 'z';

        assertThat(new String(read, StandardCharsets.US_ASCII)).isEqualTo("abc");
        assertThat(b.position()).isZero();
    }
}
