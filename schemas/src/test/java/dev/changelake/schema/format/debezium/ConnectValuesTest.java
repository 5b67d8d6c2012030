package dev.changelake.schema.format.debezium;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.changelake.schema.ChangeRecord;
import dev.changelake.schema.DecodeException;
import dev.changelake.schema.Op;
import dev.changelake.schema.TableId;
import dev.changelake.schema.TableSchema;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.HexFormat;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Every value rule of docs/types.md on envelopes captured from Debezium 3.5's MariaDB connector with this project's
 * connector options (TypeRoundTripE2EIT's table {@code shop.all_types}, server time zone +05:30): snapshot reads
 * (JDBC text protocol) and streamed changes (binlog) of the same values.
 */
class ConnectValuesTest {
    static final TableId ALL_TYPES = new TableId("shop", "all_types");
    private final DebeziumJsonDecoder decoder = new DebeziumJsonDecoder();

    private Map<String, Object> after(String key, String value) throws Exception {
        ChangeRecord change = decoder.decode(DebeziumJsonDecoderTest.resource(key), DebeziumJsonDecoderTest.resource(value))
                .orElseThrow();
        assertThat(change.table()).isEqualTo(ALL_TYPES);
        return change.after();
    }

    static long micros(LocalDateTime wallClock) {
        return micros(wallClock.toInstant(ZoneOffset.UTC));
    }

    static long micros(String instant) {
        return micros(Instant.parse(instant));
    }

    static long micros(Instant i) {
        return i.getEpochSecond() * 1_000_000L + i.getNano() / 1000;
    }

    static String hex(Object bytes) {
        return HexFormat.of().formatHex((byte[]) bytes);
    }

    @Test
    void snapshotOfTheMinimaDecodesEveryTypeExactly() throws Exception {
        Map<String, Object> r = after("all-types-key-1.json", "all-types-snapshot-minima.json");

        assertThat(r).containsEntry("c_tinyint1", -128).containsEntry("c_boolean", -128) // integers, not booleans
                .containsEntry("c_tinyint", -128).containsEntry("c_tinyint_u", 0)
                .containsEntry("c_smallint", -32768).containsEntry("c_smallint_u", 0)
                .containsEntry("c_mediumint", -8388608).containsEntry("c_mediumint_u", 0)
                .containsEntry("c_int", Integer.MIN_VALUE).containsEntry("c_int_u", 0L)
                .containsEntry("c_bigint", Long.MIN_VALUE).containsEntry("c_bigint_u", new BigDecimal("0"))
                .containsEntry("c_decimal_10_2", new BigDecimal("-99999999.99"))
                .containsEntry("c_decimal_38_10", new BigDecimal("-" + "9".repeat(28) + "." + "9".repeat(10)))
                .containsEntry("c_decimal_65_30", "-" + "9".repeat(35) + "." + "9".repeat(30))
                .containsEntry("c_float", -3.40282e38f)
                .containsEntry("c_double", -Double.MAX_VALUE)
                .containsEntry("c_bit1", false)
                .containsEntry("c_char", "").containsEntry("c_varchar", "").containsEntry("c_text", "")
                .containsEntry("c_date", (int) LocalDate.of(1, 1, 1).toEpochDay())
                .containsEntry("c_time", -(838L * 3600 + 59 * 60 + 59) * 1_000_000L)
                .containsEntry("c_datetime0", micros(LocalDateTime.of(1, 1, 1, 0, 0)))
                .containsEntry("c_datetime3", micros(LocalDateTime.of(1000, 1, 1, 0, 0)))
                .containsEntry("c_datetime6", micros(LocalDateTime.of(1000, 1, 1, 0, 0)))
                .containsEntry("c_timestamp0", micros("1970-01-01T00:00:01Z")) // written at +05:30 as 05:30:01
                .containsEntry("c_timestamp6", micros("1970-01-01T00:00:01Z"))
                .containsEntry("c_year", 1901)
                .containsEntry("c_enum", "small").containsEntry("c_set", "").containsEntry("c_json", "{}")
                .containsEntry("c_required", "");
        assertThat(hex(r.get("c_bit8"))).isEqualTo("00");
        assertThat(hex(r.get("c_bit64"))).isEqualTo("0000000000000000");
        assertThat(hex(r.get("c_binary"))).isEqualTo("00000000");
        assertThat(hex(r.get("c_varbinary"))).isEmpty();
        // MySQL's geometry bytes: SRID (0, little-endian), then the WKB of POINT(0 0).
        assertThat(hex(r.get("c_geometry"))).isEqualTo("00000000" + "0101000000" + "00".repeat(16));
        // SRID 4326 = 0x10E6, then POINT(-180 -90) as little-endian doubles.
        assertThat(hex(r.get("c_point"))).isEqualTo("e6100000" + "0101000000" + "00000000008066c0" + "00000000008056c0");
    }

    @Test
    void streamedMaximaDecodeExactlyIncludingTheLargestFloatAndUnsignedBigint() throws Exception {
        Map<String, Object> r = after("all-types-key-102.json", "all-types-streamed-maxima.json");

        assertThat(r).containsEntry("c_tinyint1", 127).containsEntry("c_tinyint_u", 255)
                .containsEntry("c_smallint_u", 65535).containsEntry("c_mediumint_u", 16777215)
                .containsEntry("c_int_u", 4294967295L).containsEntry("c_bigint", Long.MAX_VALUE)
                .containsEntry("c_bigint_u", new BigDecimal("18446744073709551615"))
                .containsEntry("c_decimal_65_30", "9".repeat(35) + "." + "9".repeat(30))
                .containsEntry("c_float", Float.MAX_VALUE) // the binlog has the IEEE bytes, JsonConverter their digits
                .containsEntry("c_double", Double.MAX_VALUE)
                .containsEntry("c_bit1", true)
                .containsEntry("c_char", "😀".repeat(10))
                .containsEntry("c_varchar", "🚀".repeat(255))
                .containsEntry("c_date", (int) LocalDate.of(9999, 12, 31).toEpochDay())
                .containsEntry("c_time", (838L * 3600 + 59 * 60 + 59) * 1_000_000L)
                .containsEntry("c_datetime0", micros(LocalDateTime.of(9999, 12, 31, 23, 59, 59)))
                .containsEntry("c_datetime3", micros(LocalDateTime.of(9999, 12, 31, 23, 59, 59, 999_000_000)))
                .containsEntry("c_datetime6", micros(LocalDateTime.of(9999, 12, 31, 23, 59, 59, 999_999_000)))
                .containsEntry("c_timestamp0", micros("2038-01-19T03:14:07Z"))
                .containsEntry("c_timestamp6", micros("2038-01-19T03:14:07.999999Z"))
                .containsEntry("c_year", 2155)
                .containsEntry("c_enum", "€uro").containsEntry("c_set", "a,b,c,ü")
                .containsEntry("c_json", "{\"emoji\": \"😀\", \"n\": [1, 2.5, -0.0, null, true], \"nested\": {\"k\": \"\"}}");
        assertThat((String) r.get("c_text")).startsWith("ünïcødé 🚀 ").hasSize(3000 * "ünïcødé 🚀 ".length());
        assertThat(hex(r.get("c_bit8"))).isEqualTo("ff");
        assertThat(hex(r.get("c_bit64"))).isEqualTo("ff".repeat(8));
        assertThat((byte[]) r.get("c_blob")).hasSize(60_000);
        assertThat(hex(r.get("c_geometry"))).startsWith("110f0000" + "01030000"); // SRID 3857, then a WKB polygon
    }

    @Test
    void snapshotEdgesKeepNegativeZeroBitOrderPaddingAndTheLeapDay() throws Exception {
        Map<String, Object> r = after("all-types-key-4.json", "all-types-snapshot-edges.json");

        assertThat(r).containsEntry("c_tinyint1", 1).containsEntry("c_boolean", 0)
                .containsEntry("c_int_u", 2147483648L)
                .containsEntry("c_bigint_u", new BigDecimal("9223372036854775808"))
                .containsEntry("c_decimal_10_2", new BigDecimal("-0.01"))
                .containsEntry("c_decimal_38_10", new BigDecimal("0.0000000001"))
                .containsEntry("c_decimal_65_30", "-0." + "0".repeat(29) + "1")
                .containsEntry("c_float", -0.0f) // Float.equals tells -0.0 from 0.0
                .containsEntry("c_double", -0.0)
                .containsEntry("c_char", "a") // CHAR drops trailing spaces in MariaDB already
                .containsEntry("c_varchar", "trailing  ")
                .containsEntry("c_text", "") // empty, not NULL
                .containsEntry("c_date", (int) LocalDate.of(2024, 2, 29).toEpochDay())
                .containsEntry("c_time", -1L) // -00:00:00.000001
                .containsEntry("c_datetime3", micros(LocalDateTime.of(2024, 2, 29, 12, 34, 56, 789_000_000)))
                .containsEntry("c_datetime6", micros(LocalDateTime.of(2024, 2, 29, 23, 59, 59, 999_999_000)))
                .containsEntry("c_timestamp0", micros("2024-02-28T23:59:59Z")) // 2024-02-29 05:29:59 at +05:30
                .containsEntry("c_timestamp6", micros("2024-02-29T23:59:59.999999Z"))
                .containsEntry("c_json", "\"😀\"");
        assertThat(hex(r.get("c_bit8"))).isEqualTo("a5"); // b'10100101', most significant byte first
        assertThat(hex(r.get("c_bit64"))).isEqualTo("0102030405060708");
        assertThat(hex(r.get("c_binary"))).isEqualTo("01000000"); // BINARY(4) pads with zero bytes
        assertThat(hex(r.get("c_blob"))).isEqualTo("00ff");
    }

    @Test
    void zeroDatesAreNullOnBothPathsAndTheStreamedZeroYearIsZero() throws Exception {
        Map<String, Object> streamed = after("all-types-key-106.json", "all-types-streamed-zero-dates.json");
        Map<String, Object> snapshot = after("all-types-key-6.json", "all-types-snapshot-zero-dates.json");

        for (Map<String, Object> r : java.util.List.of(streamed, snapshot)) {
            assertThat(r).containsEntry("c_date", null).containsEntry("c_datetime0", null)
                    .containsEntry("c_datetime3", null).containsEntry("c_datetime6", null) // 2024-00-00 too
                    .containsEntry("c_timestamp0", null).containsEntry("c_timestamp6", null) // the binlog sends epoch 0
                    .containsEntry("c_time", 0L);
        }
        assertThat(streamed).containsEntry("c_year", 0); // the binlog's 1900
    }

    @Test
    void zeroTimestampOfANotNullColumnKeepsDebeziumsEpochForTheRequiredLakeColumn() throws Exception {
        ConnectField f = field("{\"type\":\"string\",\"optional\":false,\"name\":\"io.debezium.time.ZonedTimestamp\","
                + "\"version\":1,\"field\":\"t\"}");
        assertThat(ConnectValues.decode(json("\"1970-01-01T00:00:00Z\""), f, ALL_TYPES)).isEqualTo(0L);
    }

    @Test
    void bitsShorterThanTheColumnArePaddedAndLongerOnesRefused() throws Exception {
        ConnectField bit12 = field("{\"type\":\"bytes\",\"optional\":true,\"name\":\"io.debezium.data.Bits\","
                + "\"version\":1,\"parameters\":{\"length\":\"12\"},\"field\":\"b\"}");
        // b'100000000001' = 0x0801, little-endian from Debezium; BitSet.toByteArray drops high zero bytes.
        assertThat(hex(ConnectValues.decode(json("\"AQg=\""), bit12, ALL_TYPES))).isEqualTo("0801");
        assertThat(hex(ConnectValues.decode(json("\"AQ==\""), bit12, ALL_TYPES))).isEqualTo("0001");
        assertThatThrownBy(() -> ConnectValues.decode(json("\"AQgB\""), bit12, ALL_TYPES))
                .isInstanceOf(DecodeException.class)
                .hasMessageContaining("shop.all_types.b");
    }

    @Test
    void schemaOfEveryTypeFollowsTheTypeTable() throws Exception {
        TableSchema schema = decoder.schemaOf(DebeziumJsonDecoderTest.resource("all-types-key-1.json"),
                DebeziumJsonDecoderTest.resource("all-types-snapshot-minima.json"));

        assertThat(schema.columns().stream().map(c -> c.name() + ":" + c.type()).collect(Collectors.joining(" ")))
                .isEqualTo("id:LONG c_tinyint1:INT c_boolean:INT c_tinyint:INT c_tinyint_u:INT c_smallint:INT"
                        + " c_smallint_u:INT c_mediumint:INT c_mediumint_u:INT c_int:INT c_int_u:LONG c_bigint:LONG"
                        + " c_bigint_u:DECIMAL(20,0) c_decimal_10_2:DECIMAL(10,2) c_decimal_38_10:DECIMAL(38,10)"
                        + " c_decimal_65_30:STRING c_float:FLOAT c_double:DOUBLE c_bit1:BOOLEAN c_bit8:BINARY"
                        + " c_bit64:BINARY c_char:STRING c_varchar:STRING c_text:STRING c_binary:BINARY"
                        + " c_varbinary:BINARY c_blob:BINARY c_date:DATE c_time:TIME c_datetime0:TIMESTAMP"
                        + " c_datetime3:TIMESTAMP c_datetime6:TIMESTAMP c_timestamp0:TIMESTAMP_TZ"
                        + " c_timestamp6:TIMESTAMP_TZ c_year:INT c_enum:STRING c_set:STRING c_json:STRING"
                        + " c_geometry:BINARY c_point:BINARY c_required:STRING");
        assertThat(schema.columns().get(schema.columns().size() - 1).nullable()).isFalse();
        assertThat(schema.primaryKey()).containsExactly("id");
    }

    @Test
    void enumWithAFourByteLabelIsRefusedNamingTheColumn() throws Exception {
        // What the envelope looks like when the column is ENUM('small','medium','large','😀').
        String emoji = new String(DebeziumJsonDecoderTest.resource("all-types-snapshot-minima.json"), StandardCharsets.UTF_8)
                .replace("small,medium,large,€uro", "small,medium,large,?");
        assertThatThrownBy(() -> decoder.schemaOf(DebeziumJsonDecoderTest.resource("all-types-key-1.json"),
                emoji.getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(DecodeException.class)
                .hasMessageContaining("shop.all_types.c_enum")
                .hasMessageContaining("4-byte UTF-8");
    }

    @Test
    void snapshotReadsAreOpR() throws Exception {
        ChangeRecord read = decoder.decode(DebeziumJsonDecoderTest.resource("all-types-key-1.json"),
                DebeziumJsonDecoderTest.resource("all-types-snapshot-minima.json")).orElseThrow();
        ChangeRecord created = decoder.decode(DebeziumJsonDecoderTest.resource("all-types-key-102.json"),
                DebeziumJsonDecoderTest.resource("all-types-streamed-maxima.json")).orElseThrow();
        assertThat(read.op()).isEqualTo(Op.READ);
        assertThat(created.op()).isEqualTo(Op.CREATE);
    }

    private static final ObjectMapper MAPPER = new ObjectMapper();

    static JsonNode json(String text) throws Exception {
        return MAPPER.readTree(text);
    }

    static ConnectField field(String schema) throws Exception {
        return ConnectField.parse(json(schema));
    }
}
