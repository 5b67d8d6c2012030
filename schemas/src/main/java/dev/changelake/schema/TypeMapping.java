package dev.changelake.schema;

import dev.changelake.schema.ColumnType.Kind;
import java.util.Map;

/**
 * The one table from Debezium's column schemas (Kafka Connect type + logical name) to lake column types.
 * The capture is configured for lossless values ({@code decimal.handling.mode=precise},
 * {@code bigint.unsigned.handling.mode=precise}, {@code time.precision.mode=adaptive_time_microseconds},
 * {@code binary.handling.mode=bytes}); see {@code DebeziumConnectorConfig} in cdc-ingest.
 *
 * <pre>
 * logical name / Connect type                       lake type      value
 * org.apache.kafka.connect.data.Decimal (bytes)     DECIMAL(p,s)   BigDecimal (DECIMAL, BIGINT UNSIGNED)
 * io.debezium.time.Date (int32)                     DATE           days since epoch
 * io.debezium.time.Time (int32 ms)                  TIME           micros of day
 * io.debezium.time.MicroTime (int64)                TIME           micros of day
 * io.debezium.time.Timestamp (int64 ms)             TIMESTAMP      micros (DATETIME(0..3))
 * io.debezium.time.MicroTimestamp (int64)           TIMESTAMP      micros (DATETIME(4..6))
 * io.debezium.time.ZonedTimestamp (string)          TIMESTAMP_TZ   micros, UTC (TIMESTAMP)
 * io.debezium.time.Year (int32)                     INT            year
 * io.debezium.data.Json / Enum / EnumSet (string)   STRING         text
 * io.debezium.data.Bits (bytes)                     BINARY         bytes (BIT(n), n > 1)
 * boolean                                           BOOLEAN        (BIT(1), TINYINT(1))
 * int8 / int16 / int32                              INT
 * int64                                             LONG
 * float / double (float32 / float64)               FLOAT / DOUBLE
 * string                                            STRING
 * bytes                                             BINARY
 * </pre>
 */
public final class TypeMapping {
    static final String DECIMAL = "org.apache.kafka.connect.data.Decimal";
    static final String CONNECT_DATE = "org.apache.kafka.connect.data.Date";
    static final String CONNECT_TIME = "org.apache.kafka.connect.data.Time";
    static final String CONNECT_TIMESTAMP = "org.apache.kafka.connect.data.Timestamp";
    static final String DATE = "io.debezium.time.Date";
    static final String TIME = "io.debezium.time.Time";
    static final String MICRO_TIME = "io.debezium.time.MicroTime";
    static final String NANO_TIME = "io.debezium.time.NanoTime";
    static final String TIMESTAMP = "io.debezium.time.Timestamp";
    static final String MICRO_TIMESTAMP = "io.debezium.time.MicroTimestamp";
    static final String NANO_TIMESTAMP = "io.debezium.time.NanoTimestamp";
    static final String ZONED_TIMESTAMP = "io.debezium.time.ZonedTimestamp";
    static final String YEAR = "io.debezium.time.Year";
    static final String JSON = "io.debezium.data.Json";
    static final String ENUM = "io.debezium.data.Enum";
    static final String ENUM_SET = "io.debezium.data.EnumSet";
    static final String BITS = "io.debezium.data.Bits";

    /** The widest decimal every lake format here can hold (Iceberg, Delta, Parquet). */
    public static final int MAX_DECIMAL_PRECISION = 38;

    private TypeMapping() {
    }

    /**
     * @param connectType the Kafka Connect schema type as JsonConverter names it (int8 … int64, float, double,
     *                    boolean, string, bytes; float32 / float64 as Connect's Schema.Type names them)
     * @param logicalName the schema name Debezium sets for logical types, or null
     * @param parameters  the schema parameters (decimal scale and precision), possibly empty
     * @throws IllegalArgumentException naming the type when it has no lossless lake type
     */
    public static ColumnType toLake(String connectType, String logicalName, Map<String, String> parameters) {
        if (logicalName != null) {
            switch (logicalName) {
                case DECIMAL:
                    int scale = Integer.parseInt(parameters.getOrDefault("scale", "0"));
                    int precision = Integer.parseInt(parameters.getOrDefault("connect.decimal.precision",
                            String.valueOf(MAX_DECIMAL_PRECISION)));
                    if (precision > MAX_DECIMAL_PRECISION) {
                        throw new IllegalArgumentException("DECIMAL(" + precision + "," + scale + ") is wider than the "
                                + MAX_DECIMAL_PRECISION + " digits a lake decimal holds");
                    }
                    return ColumnType.decimal(precision, scale);
                case DATE:
                case CONNECT_DATE:
                    return ColumnType.of(Kind.DATE);
                case TIME:
                case MICRO_TIME:
                case NANO_TIME:
                case CONNECT_TIME:
                    return ColumnType.of(Kind.TIME);
                case TIMESTAMP:
                case MICRO_TIMESTAMP:
                case NANO_TIMESTAMP:
                case CONNECT_TIMESTAMP:
                    return ColumnType.of(Kind.TIMESTAMP);
                case ZONED_TIMESTAMP:
                    return ColumnType.of(Kind.TIMESTAMP_TZ);
                case YEAR:
                    return ColumnType.of(Kind.INT);
                case JSON:
                case ENUM:
                case ENUM_SET:
                    return ColumnType.of(Kind.STRING);
                case BITS:
                    return ColumnType.of(Kind.BINARY);
                default:
                    // Unknown logical names fall through to their physical Connect type.
            }
        }
        switch (connectType) {
            case "boolean":
                return ColumnType.of(Kind.BOOLEAN);
            case "int8":
            case "int16":
            case "int32":
                return ColumnType.of(Kind.INT);
            case "int64":
                return ColumnType.of(Kind.LONG);
            case "float": // JsonConverter's name for Connect's FLOAT32
            case "float32":
                return ColumnType.of(Kind.FLOAT);
            case "double": // JsonConverter's name for Connect's FLOAT64
            case "float64":
                return ColumnType.of(Kind.DOUBLE);
            case "string":
                return ColumnType.of(Kind.STRING);
            case "bytes":
                return ColumnType.of(Kind.BINARY);
            default:
                throw new IllegalArgumentException("Connect type '" + connectType + "'"
                        + (logicalName == null ? "" : " (" + logicalName + ")") + " has no lake type");
        }
    }
}
