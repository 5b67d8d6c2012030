package dev.changelake.schema.format.debezium;

import com.fasterxml.jackson.databind.JsonNode;
import dev.changelake.schema.DecodeException;
import dev.changelake.schema.TableId;
import dev.changelake.schema.TypeMapping;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Instant;
import java.util.Base64;

/**
 * Column values from JsonConverter's JSON into the representations {@link dev.changelake.schema.ColumnType}
 * documents, for the lake type {@link TypeMapping} gives the same field.
 */
final class ConnectValues {
    /** What {@link #decodeLogical} returns for a value that is NULL in the lake (null there means "not logical"). */
    private static final Object ABSENT = new Object();

    private ConnectValues() {
    }

    static Object decode(JsonNode v, ConnectField f, TableId table) throws DecodeException {
        if (v == null || v.isNull()) {
            return null;
        }
        try {
            if (f.logicalName != null) {
                Object logical = decodeLogical(v, f);
                if (logical == ABSENT) {
                    return null;
                }
                if (logical != null) {
                    return logical;
                }
            }
            switch (f.type) {
                case "boolean":
                    if (!v.isBoolean()) {
                        throw new IllegalArgumentException("not true or false");
                    }
                    return v.booleanValue();
                case "int8":
                case "int16":
                case "int32":
                    return int32(v);
                case "int64":
                    return int64(v);
                case "float":
                case "float32":
                    // JsonConverter writes Float.toString's digits; rounding them to float gives the float back.
                    // Non-finite values come as the text NaN, Infinity, -Infinity.
                    return v.isTextual() ? Float.parseFloat(v.asText()) : number(v).floatValue();
                case "double":
                case "float64":
                    return v.isTextual() ? Double.parseDouble(v.asText()) : number(v).doubleValue();
                case "string":
                    return text(v);
                case "bytes":
                    return Base64.getDecoder().decode(text(v));
                default:
                    throw new DecodeException("column " + table + "." + f.name + " has Connect type '" + f.type
                            + "', which has no lake type");
            }
        } catch (RuntimeException e) {
            throw new DecodeException("column " + table + "." + f.name + " (" + f.type
                    + (f.logicalName == null ? "" : " " + f.logicalName) + "): cannot decode " + v + ": " + e.getMessage(), e);
        }
    }

    /**
     * @return the value, {@link #ABSENT} for a value the lake holds as NULL, or null when the logical name is not one
     *         that changes the representation
     */
    private static Object decodeLogical(JsonNode v, ConnectField f) {
        switch (f.logicalName) {
            case "org.apache.kafka.connect.data.Decimal":
                // JsonConverter's default decimal.format=BASE64: the two's-complement unscaled value, big-endian.
                BigDecimal d = new BigDecimal(new BigInteger(Base64.getDecoder().decode(text(v))),
                        TypeMapping.decimalScale(f.parameters));
                return TypeMapping.decimalFitsLake(f.parameters) ? d : d.toPlainString();
            case "io.debezium.time.Date":
            case "org.apache.kafka.connect.data.Date":
                return int32(v);
            case "io.debezium.time.Time":
            case "org.apache.kafka.connect.data.Time":
                return Math.multiplyExact(int64(v), 1000L);
            case "io.debezium.time.MicroTime":
                return int64(v);
            case "io.debezium.time.NanoTime":
                return int64(v) / 1000L; // MySQL TIME has at most microseconds: nothing to round
            case "io.debezium.time.Timestamp":
            case "org.apache.kafka.connect.data.Timestamp":
                return Math.multiplyExact(int64(v), 1000L);
            case "io.debezium.time.MicroTimestamp":
                return int64(v);
            case "io.debezium.time.NanoTimestamp":
                return Math.floorDiv(int64(v), 1000L);
            case "io.debezium.time.ZonedTimestamp":
                return zonedTimestamp(text(v), f);
            case "io.debezium.time.Year":
                // The binlog stores YEAR as year - 1900, and Debezium reads MySQL's zero year 0000 as 1900, which
                // is not a YEAR value (they run 1901-2155, and 0000). Our capture's YearConverter sends 0 itself;
                // this keeps records from a capture without it (older topics, another Connect setup) right.
                return int32(v) == 1900 ? 0 : int32(v);
            case "io.debezium.data.Bits":
                return bits(Base64.getDecoder().decode(text(v)), f);
            case "io.debezium.data.geometry.Geometry":
            case "io.debezium.data.geometry.Point":
                return geometry(v);
            default:
                return null;
        }
    }

    /** A ZonedTimestamp's text as micros since the epoch, or {@link #ABSENT}. */
    private static Object zonedTimestamp(String text, ConnectField f) {
        long fast = ZonedTimestamps.fastMicros(text);
        if (fast != ZonedTimestamps.NOT_FAST) {
            return fast;
        }
        Instant instant = ZonedTimestamps.parseInstant(text);
        if (instant.equals(Instant.EPOCH) && f.optional) {
            // MySQL's zero TIMESTAMP (0000-00-00 00:00:00): the binlog holds it as epoch second 0, which no
            // real TIMESTAMP can be (they start at 1970-01-01 00:00:01 UTC). Zero dates become NULL.
            return ABSENT;
        }
        // Not ChronoUnit.MICROS.between: it counts in nanos and overflows 292 years from the epoch.
        return Math.addExact(Math.multiplyExact(instant.getEpochSecond(), 1_000_000L), instant.getNano() / 1000);
    }

    /**
     * An Avro value (as {@code GenericData} reads it: Integer, Long, Float, Double, Boolean, {@code Utf8} / String,
     * enum symbol, ByteBuffer, GenericFixed) of the given Avro schema into the same value {@link #decode} gives for
     * the JSON JsonConverter writes for it ({@link DebeziumAvroEnvelope#json}), without building that JSON. The
     * common (type, value) pairs are read directly, mirroring {@link #decode} case by case; any other pair, and any
     * value the direct reading fails on, goes through the JSON path itself, so unusual values and every error come
     * out exactly as before.
     */
    static Object decodeAvro(Object v, org.apache.avro.Schema schema, ConnectField f, TableId table)
            throws DecodeException {
        if (v == null) {
            return null;
        }
        try {
            Object direct = direct(v, f);
            if (direct != NOT_DIRECT) {
                return direct == ABSENT ? null : direct;
            }
        } catch (RuntimeException e) {
            // the JSON path below fails too, with the message it always gave
        }
        return decode(DebeziumAvroEnvelope.json(v, schema), f, table);
    }

    /** What {@link #direct} returns for a (type, value) pair it leaves to the JSON path. */
    private static final Object NOT_DIRECT = new Object();

    private static Object direct(Object v, ConnectField f) {
        if (f.logicalName != null) {
            switch (f.logicalName) {
                case "org.apache.kafka.connect.data.Decimal":
                    if (!(v instanceof ByteBuffer)) {
                        return NOT_DIRECT;
                    }
                    BigDecimal d = new BigDecimal(unscaled((ByteBuffer) v), TypeMapping.decimalScale(f.parameters));
                    return TypeMapping.decimalFitsLake(f.parameters) ? d : d.toPlainString();
                case "io.debezium.time.Date":
                case "org.apache.kafka.connect.data.Date":
                    return v instanceof Integer ? v : NOT_DIRECT;
                case "io.debezium.time.Time":
                case "org.apache.kafka.connect.data.Time":
                case "io.debezium.time.Timestamp":
                case "org.apache.kafka.connect.data.Timestamp":
                    return isIntegral(v) ? (Object) Math.multiplyExact(((Number) v).longValue(), 1000L) : NOT_DIRECT;
                case "io.debezium.time.MicroTime":
                case "io.debezium.time.MicroTimestamp":
                    return isIntegral(v) ? (Object) ((Number) v).longValue() : NOT_DIRECT;
                case "io.debezium.time.NanoTime":
                    return isIntegral(v) ? (Object) (((Number) v).longValue() / 1000L) : NOT_DIRECT;
                case "io.debezium.time.NanoTimestamp":
                    return isIntegral(v) ? (Object) Math.floorDiv(((Number) v).longValue(), 1000L) : NOT_DIRECT;
                case "io.debezium.time.ZonedTimestamp":
                    return v instanceof CharSequence ? zonedTimestamp(v.toString(), f) : NOT_DIRECT;
                case "io.debezium.time.Year":
                    return v instanceof Integer ? (Object) ((Integer) v == 1900 ? 0 : (Integer) v) : NOT_DIRECT;
                case "io.debezium.data.Bits":
                    return v instanceof ByteBuffer ? bits(bytes((ByteBuffer) v), f) : NOT_DIRECT;
                case "io.debezium.data.geometry.Geometry":
                case "io.debezium.data.geometry.Point":
                    return NOT_DIRECT;
                default:
                    break; // a name that does not change the representation: by the Connect type
            }
        }
        switch (f.type) {
            case "boolean":
                return v instanceof Boolean ? v : NOT_DIRECT;
            case "int8":
            case "int16":
            case "int32":
                return v instanceof Integer ? v : NOT_DIRECT;
            case "int64":
                return v instanceof Long ? v : NOT_DIRECT;
            case "float":
            case "float32":
                return v instanceof Float ? v : NOT_DIRECT;
            case "double":
            case "float64":
                return v instanceof Double ? v : NOT_DIRECT;
            case "string":
                return v instanceof CharSequence || v instanceof org.apache.avro.generic.GenericEnumSymbol
                        ? v.toString() : NOT_DIRECT;
            case "bytes":
                return v instanceof ByteBuffer ? bytes((ByteBuffer) v) : NOT_DIRECT;
            default:
                return NOT_DIRECT;
        }
    }

    private static boolean isIntegral(Object v) {
        return v instanceof Long || v instanceof Integer;
    }

    /** The buffer's remaining bytes, copied (the value must not share Avro's buffer). */
    private static byte[] bytes(ByteBuffer b) {
        byte[] out = new byte[b.remaining()];
        b.duplicate().get(out);
        return out;
    }

    /** The two's-complement big-endian integer in the buffer's remaining bytes, read in place when it has an array. */
    private static BigInteger unscaled(ByteBuffer b) {
        if (b.hasArray()) {
            return new BigInteger(b.array(), b.arrayOffset() + b.position(), b.remaining());
        }
        return new BigInteger(bytes(b));
    }

    // Strict readers: Jackson's intValue()/asText() turn a wrong JSON kind into 0 or "", which would be a wrong value
    // in the lake rather than a dead letter.
    private static int int32(JsonNode v) {
        if (!v.isIntegralNumber() || !v.canConvertToInt()) {
            throw new IllegalArgumentException("not a 32-bit integer");
        }
        return v.intValue();
    }

    private static long int64(JsonNode v) {
        if (!v.isIntegralNumber() || !v.canConvertToLong()) {
            throw new IllegalArgumentException("not a 64-bit integer");
        }
        return v.longValue();
    }

    private static JsonNode number(JsonNode v) {
        if (!v.isNumber()) {
            throw new IllegalArgumentException("not a number");
        }
        return v;
    }

    private static String text(JsonNode v) {
        if (!v.isTextual()) {
            throw new IllegalArgumentException("not a JSON string");
        }
        return v.textValue();
    }

    /**
     * Debezium's Bits are little-endian (byte 0 holds bits 0-7, as {@code BitSet.toByteArray}), and may be shorter
     * than the column; the lake holds MySQL's order and width, (n+7)/8 bytes big-endian, as {@code b'…'} and JDBC's
     * {@code getBytes} show them.
     */
    static byte[] bits(byte[] littleEndian, ConnectField f) {
        String length = f.parameters.get("length");
        int width = length == null ? littleEndian.length : (Integer.parseInt(length) + 7) / 8;
        byte[] bigEndian = new byte[width];
        for (int i = 0; i < littleEndian.length; i++) {
            if (i < width) {
                bigEndian[width - 1 - i] = littleEndian[i];
            } else if (littleEndian[i] != 0) {
                throw new IllegalArgumentException("BIT value has " + littleEndian.length + " bytes, more than the "
                        + length + " bits of the column");
            }
        }
        return bigEndian;
    }

    /**
     * Debezium splits MySQL's geometry value into {@code {"wkb", "srid"}} (a Point adds x and y); the lake keeps
     * MySQL's own bytes, lossless: the SRID as 4 bytes little-endian, then the WKB.
     */
    static byte[] geometry(JsonNode v) {
        JsonNode wkbNode = v.get("wkb");
        if (wkbNode == null || wkbNode.isNull()) {
            throw new IllegalArgumentException("geometry value has no 'wkb'");
        }
        byte[] wkb = Base64.getDecoder().decode(wkbNode.asText());
        JsonNode srid = v.get("srid");
        return ByteBuffer.allocate(4 + wkb.length).order(ByteOrder.LITTLE_ENDIAN)
                .putInt(srid == null || srid.isNull() ? 0 : srid.intValue())
                .put(wkb)
                .array();
    }
}
