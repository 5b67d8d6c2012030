package dev.changelake.lake.verify;

import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.HexFormat;
import org.apache.iceberg.types.Type;
import org.apache.iceberg.types.Types;

/**
 * One text form per value, so a MySQL column read over JDBC and the same column read from the lake compare equal
 * exactly when they hold the same value. The lake column's type decides how both sides are read.
 */
final class ValueNormalizer {
    static final String NULL = "NULL";

    private ValueNormalizer() {
    }

    /** Reads column {@code i} of the JDBC row as the lake type expects it (session time zone must be UTC). */
    static String fromJdbc(ResultSet rs, int i, Type type) throws SQLException {
        Object v;
        switch (type.typeId()) {
            case BOOLEAN: v = rs.getBoolean(i); break;
            case INTEGER: v = rs.getInt(i); break;
            case LONG: v = rs.getLong(i); break;
            case FLOAT: v = rs.getFloat(i); break;
            case DOUBLE: v = rs.getDouble(i); break;
            case DECIMAL: v = rs.getBigDecimal(i); break;
            case STRING: v = rs.getString(i); break;
            case BINARY: v = rs.getBytes(i); break;
            case DATE: v = rs.getObject(i, LocalDate.class); break;
            case TIME: v = rs.getObject(i, LocalTime.class); break;
            // TIMESTAMP columns arrive in the session time zone, which the verifier sets to UTC.
            case TIMESTAMP: v = rs.getObject(i, LocalDateTime.class); break;
            default: v = rs.getString(i);
        }
        return rs.wasNull() ? NULL : normalize(type, v);
    }

    /** Normalizes a value as Iceberg's generic reader returns it, or as read by {@link #fromJdbc}. */
    static String normalize(Type type, Object v) {
        if (v == null) {
            return NULL;
        }
        switch (type.typeId()) {
            case DECIMAL:
                return ((BigDecimal) v).setScale(((Types.DecimalType) type).scale()).toPlainString();
            case BINARY:
            case FIXED:
                if (v instanceof ByteBuffer) {
                    ByteBuffer b = ((ByteBuffer) v).duplicate();
                    byte[] bytes = new byte[b.remaining()];
                    b.get(bytes);
                    v = bytes;
                }
                return HexFormat.of().formatHex((byte[]) v);
            case TIMESTAMP:
                if (v instanceof OffsetDateTime) {
                    return ((OffsetDateTime) v).withOffsetSameInstant(ZoneOffset.UTC).toLocalDateTime().toString();
                }
                return v.toString();
            default:
                return v.toString();
        }
    }
}
