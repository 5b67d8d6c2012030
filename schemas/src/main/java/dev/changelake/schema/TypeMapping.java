package dev.changelake.schema;

import dev.changelake.schema.ColumnType.Kind;
import java.util.Map;

/**
 * The one table from Debezium's column schemas (Kafka Connect type + logical name) to lake column types; the value
 * each travels as is documented on {@link ColumnType}, the whole table with MySQL types, Iceberg types and every rule
 * in {@code docs/types.md} (keep the two the same). The capture is configured for lossless values
 * ({@code decimal.handling.mode=precise}, {@code bigint.unsigned.handling.mode=precise},
 * {@code time.precision.mode=adaptive_time_microseconds}, {@code binary.handling.mode=bytes},
 * {@code enable.time.adjuster=false}, {@code database.yearIsDateType=false},
 * {@code event.converting.failure.handling.mode=fail}); see {@code DebeziumConnectorConfig} in cdc-ingest.
 *
 * <pre>
 * MySQL type                   Connect type / logical name                lake type        value
 * TINYINT(1), BOOLEAN          int16                                      INT              the integer (-128..127, not a boolean)
 * TINYINT [UNSIGNED], SMALLINT int16                                      INT
 * SMALLINT UNSIGNED, INT,      int32                                      INT
 *   MEDIUMINT [UNSIGNED]
 * INT UNSIGNED, BIGINT         int64                                      LONG
 * BIGINT UNSIGNED              bytes Decimal (precision 20, scale 0)      DECIMAL(20,0)    BigDecimal
 * DECIMAL(p,s), p &lt;= 38        bytes Decimal                              DECIMAL(p,s)     BigDecimal
 * DECIMAL(p,s), p &gt; 38         bytes Decimal                              STRING           exact plain text, s decimals
 * FLOAT                        float (float32)                            FLOAT            exact (snapshot reads CAST(… AS DOUBLE))
 * DOUBLE                       double (float64)                           DOUBLE
 * BIT(1)                       boolean                                    BOOLEAN
 * BIT(n), n &gt; 1                bytes io.debezium.data.Bits                BINARY           (n+7)/8 bytes, big-endian
 * CHAR, VARCHAR, TEXT          string                                     STRING
 * BINARY, VARBINARY, BLOB      bytes                                      BINARY
 * DATE                         int32 io.debezium.time.Date                DATE             days since epoch
 * TIME(0..6)                   int64 io.debezium.time.MicroTime           TIME             signed micros (a duration)
 * DATETIME(0..3)               int64 io.debezium.time.Timestamp (ms)      TIMESTAMP        micros, wall clock as UTC
 * DATETIME(4..6)               int64 io.debezium.time.MicroTimestamp      TIMESTAMP        micros, wall clock as UTC
 * TIMESTAMP(0..6)              string io.debezium.time.ZonedTimestamp     TIMESTAMP_TZ     micros, UTC instant
 * YEAR                         int32 io.debezium.time.Year                INT              the year; 0000 is 0 (the capture's
 *                                                                                           YearConverter; 1900 from a capture without it → 0)
 * ENUM, SET                    string io.debezium.data.Enum / EnumSet     STRING           the label(s), comma-separated
 *   with a 4-byte UTF-8 label  refused: the server reports the label as '?', so streamed values would be '?'
 * JSON (MariaDB: LONGTEXT)     string [io.debezium.data.Json]             STRING           the JSON text
 * GEOMETRY, POINT, …           struct io.debezium.data.geometry.Geometry  BINARY           4-byte LE SRID + WKB
 *                              / …geometry.Point
 * zero dates (0000-00-00 …)    null; TIMESTAMP: epoch 0                   —                NULL (declared loss; NOT NULL columns
 *                                                                                           get Debezium's 1970-01-01 instead)
 * other structs, arrays, maps  refused: IllegalArgumentException naming the type
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
    static final String GEOMETRY = "io.debezium.data.geometry.Geometry";
    static final String POINT = "io.debezium.data.geometry.Point";

    /** The widest decimal every lake format here can hold (Iceberg, Delta, Parquet). */
    public static final int MAX_DECIMAL_PRECISION = 38;

    private TypeMapping() {
    }

    /**
     * @param connectType the Kafka Connect schema type as JsonConverter names it (int8 … int64, float, double,
     *                    boolean, string, bytes, struct; float32 / float64 as Connect's Schema.Type names them)
     * @param logicalName the schema name Debezium sets for logical types, or null
     * @param parameters  the schema parameters (decimal scale and precision), possibly empty
     * @throws IllegalArgumentException naming the type when it has no lossless lake type
     */
    public static ColumnType toLake(String connectType, String logicalName, Map<String, String> parameters) {
        if (logicalName != null) {
            switch (logicalName) {
                case DECIMAL:
                    // Wider than a lake decimal (MySQL allows 65 digits), or of unknown width: the exact text.
                    if (!decimalFitsLake(parameters)) {
                        return ColumnType.of(Kind.STRING);
                    }
                    return ColumnType.decimal(decimalPrecision(parameters), decimalScale(parameters));
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
                case ENUM:
                case ENUM_SET:
                    String allowed = parameters.getOrDefault("allowed", "");
                    if (allowed.indexOf('?') >= 0) {
                        throw new IllegalArgumentException(unrepresentableLabel(logicalName, allowed));
                    }
                    return ColumnType.of(Kind.STRING);
                case JSON:
                    return ColumnType.of(Kind.STRING);
                case BITS:
                case GEOMETRY:
                case POINT:
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

    /**
     * The binlog carries an ENUM/SET value as the index of its label, and Debezium names it from the column's
     * definition as the server reports it. MariaDB and MySQL report table definitions in utf8mb3, where a 4-byte
     * UTF-8 character (an emoji) becomes '?': every streamed change would then carry '?' in place of the label.
     */
    private static String unrepresentableLabel(String logicalName, String allowed) {
        return (ENUM.equals(logicalName) ? "ENUM" : "SET") + "('" + allowed.replace(",", "','") + "') has a label with"
                + " '?', which is how the server reports a 4-byte UTF-8 character (an emoji) in a column definition:"
                + " streamed changes would carry '?' instead of the label. Use labels without 4-byte characters"
                + " (or without '?'), or a VARCHAR column";
    }

    /**
     * True when a Connect Decimal with these parameters fits a lake decimal; false for DECIMAL(p,s) with p above
     * {@link #MAX_DECIMAL_PRECISION}, and when the precision is not given (its width is then unknown).
     */
    public static boolean decimalFitsLake(Map<String, String> parameters) {
        String precision = parameters.get("connect.decimal.precision");
        return precision != null && decimalPrecision(parameters) <= MAX_DECIMAL_PRECISION;
    }

    static int decimalPrecision(Map<String, String> parameters) {
        int precision = Integer.parseInt(parameters.get("connect.decimal.precision"));
        if (precision < 1) {
            throw new IllegalArgumentException("decimal precision " + precision + " is below 1");
        }
        return precision;
    }

    /** The scale of a Connect Decimal (0 when absent, as Connect defines it). */
    public static int decimalScale(Map<String, String> parameters) {
        int scale = Integer.parseInt(parameters.getOrDefault("scale", "0"));
        if (scale < 0) {
            throw new IllegalArgumentException("decimal scale " + scale + " is below 0");
        }
        return scale;
    }
}
