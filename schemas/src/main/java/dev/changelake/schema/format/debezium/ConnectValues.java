package dev.changelake.schema.format.debezium;

import com.fasterxml.jackson.databind.JsonNode;
import dev.changelake.schema.DecodeException;
import dev.changelake.schema.TableId;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.OffsetDateTime;
import java.time.temporal.ChronoUnit;
import java.time.Instant;
import java.util.Base64;

/** Column values from JsonConverter's JSON into the representations {@link dev.changelake.schema.ColumnType} documents. */
final class ConnectValues {
    private ConnectValues() {
    }

    static Object decode(JsonNode v, ConnectField f, TableId table) throws DecodeException {
        if (v == null || v.isNull()) {
            return null;
        }
        try {
            if (f.logicalName != null) {
                Object logical = decodeLogical(v, f);
                if (logical != null) {
                    return logical;
                }
            }
            switch (f.type) {
                case "boolean":
                    return v.asBoolean();
                case "int8":
                case "int16":
                case "int32":
                    return v.intValue();
                case "int64":
                    return v.longValue();
                case "float":
                case "float32":
                    return v.isTextual() ? Float.parseFloat(v.asText()) : v.floatValue();
                case "double":
                case "float64":
                    return v.isTextual() ? Double.parseDouble(v.asText()) : v.doubleValue();
                case "string":
                    return v.asText();
                case "bytes":
                    return Base64.getDecoder().decode(v.asText());
                default:
                    throw new DecodeException("column " + table + "." + f.name + " has Connect type '" + f.type
                            + "', which has no lake type");
            }
        } catch (RuntimeException e) {
            throw new DecodeException("column " + table + "." + f.name + " (" + f.type
                    + (f.logicalName == null ? "" : " " + f.logicalName) + "): cannot decode " + v + ": " + e.getMessage(), e);
        }
    }

    /** @return the value, or null when the logical name is not one that changes the representation */
    private static Object decodeLogical(JsonNode v, ConnectField f) {
        switch (f.logicalName) {
            case "org.apache.kafka.connect.data.Decimal":
                int scale = Integer.parseInt(f.parameters.getOrDefault("scale", "0"));
                return new BigDecimal(new BigInteger(Base64.getDecoder().decode(v.asText())), scale);
            case "io.debezium.time.Date":
            case "org.apache.kafka.connect.data.Date":
                return v.intValue();
            case "io.debezium.time.Time":
            case "org.apache.kafka.connect.data.Time":
                return v.longValue() * 1000L;
            case "io.debezium.time.MicroTime":
                return v.longValue();
            case "io.debezium.time.NanoTime":
                return v.longValue() / 1000L;
            case "io.debezium.time.Timestamp":
            case "org.apache.kafka.connect.data.Timestamp":
                return Math.multiplyExact(v.longValue(), 1000L);
            case "io.debezium.time.MicroTimestamp":
                return v.longValue();
            case "io.debezium.time.NanoTimestamp":
                return Math.floorDiv(v.longValue(), 1000L);
            case "io.debezium.time.ZonedTimestamp":
                Instant instant = OffsetDateTime.parse(v.asText()).toInstant();
                return ChronoUnit.MICROS.between(Instant.EPOCH, instant);
            case "io.debezium.data.Bits":
                return Base64.getDecoder().decode(v.asText());
            default:
                return null;
        }
    }
}
