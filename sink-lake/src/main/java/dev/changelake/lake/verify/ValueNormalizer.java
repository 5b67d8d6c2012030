package dev.changelake.lake.verify;

import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.temporal.ChronoField;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.iceberg.types.Type;
import org.apache.iceberg.types.Types.DecimalType;

/**
 * One text form per value, so a MySQL column read over JDBC and the same column read from the lake compare equal
 * exactly when they hold the same value under the rules of docs/types.md. The lake column's type decides how both
 * sides are read; where one lake type holds several MySQL types (LONG: BIGINT or TIME; STRING: text or a wide
 * DECIMAL) the JDBC column type picks the reading.
 */
final class ValueNormalizer {
    static final String NULL = "NULL";

    /** MySQL's TIME text: sign, hours (up to 838), minutes, seconds, up to 6 decimals. */
    private static final Pattern TIME = Pattern.compile("(-)?(\\d+):(\\d{2}):(\\d{2})(?:\\.(\\d{1,6}))?");
    /** DATE / DATETIME / TIMESTAMP text, which MySQL writes with a space between date and time. */
    private static final DateTimeFormatter DATE_TIME = new DateTimeFormatterBuilder()
            .append(DateTimeFormatter.ISO_LOCAL_DATE).appendLiteral(' ').appendPattern("HH:mm:ss")
            .optionalStart().appendFraction(ChronoField.NANO_OF_SECOND, 0, 6, true).optionalEnd()
            .toFormatter();

    private ValueNormalizer() {
    }

    /**
     * The SELECT expression that reads column {@code quotedName} for a lake column of {@code type}. A FLOAT is read
     * as a DOUBLE because JDBC's text protocol prints a FLOAT with 6 significant digits; the widened double is exact.
     */
    static String selectExpression(String quotedName, Type type) {
        return type.typeId() == Type.TypeID.FLOAT ? "CAST(" + quotedName + " AS DOUBLE)" : quotedName;
    }

    /**
     * Reads column {@code i} of the JDBC row (selected with {@link #selectExpression}) as the lake type expects it.
     * The session time zone must be UTC, so TIMESTAMP columns read as the UTC instants the lake holds.
     */
    static String fromJdbc(ResultSet rs, int i, Type type) throws SQLException {
        int jdbcType = rs.getMetaData().getColumnType(i);
        Object v;
        switch (type.typeId()) {
            case BOOLEAN: v = rs.getBoolean(i); break;
            case INTEGER: v = rs.getInt(i); break;
            case LONG:
                // A MySQL TIME is held as its signed microseconds (a duration, not a time of day).
                v = jdbcType == Types.TIME ? timeMicros(rs.getString(i)) : (Object) rs.getLong(i);
                break;
            case FLOAT: v = (float) rs.getDouble(i); break; // exact: the double is the widened float
            case DOUBLE: v = rs.getDouble(i); break;
            case DECIMAL: v = rs.getBigDecimal(i); break;
            case STRING:
                // A DECIMAL too wide for a lake decimal is held as its exact text, with all the column's decimals.
                v = jdbcType == Types.DECIMAL || jdbcType == Types.NUMERIC ? plain(rs.getBigDecimal(i)) : rs.getString(i);
                break;
            case BINARY:
            case FIXED: v = rs.getBytes(i); break;
            // Dates as text: zero dates (0000-00-00, 2024-00-15) are no date at all, and the lake holds them as NULL.
            case DATE: v = date(rs.getString(i)); break;
            case TIMESTAMP: v = dateTime(rs.getString(i)); break;
            default: v = rs.getString(i);
        }
        return rs.wasNull() || v == null ? NULL : normalize(type, v);
    }

    /** Normalizes a value as Iceberg's generic reader returns it, or as read by {@link #fromJdbc}. */
    static String normalize(Type type, Object v) {
        if (v == null) {
            return NULL;
        }
        switch (type.typeId()) {
            case DECIMAL:
                return ((BigDecimal) v).setScale(((DecimalType) type).scale()).toPlainString();
            case BINARY:
            case FIXED:
                if (v instanceof ByteBuffer) {
                    ByteBuffer b = ((ByteBuffer) v).duplicate();
                    byte[] bytes = new byte[b.remaining()];
                    b.get(bytes);
                    v = bytes;
                }
                return hex((byte[]) v);
            case TIMESTAMP:
                if (v instanceof OffsetDateTime) {
                    return ((OffsetDateTime) v).withOffsetSameInstant(ZoneOffset.UTC).toLocalDateTime().toString();
                }
                return v.toString();
            default:
                return v.toString(); // Float/Double keep -0.0 apart from 0.0
        }
    }

    /**
     * Normalizes a canonical value (see {@code ColumnType}: what a {@link RowTransform} returns) for a lake column of
     * {@code type}, to the same text as the lake's value. A decimal with more decimals than the column is shown as it
     * is, so it differs from any lake value; a value of another class than the lake type's canonical one is refused.
     */
    static String canonical(Type type, Object v) {
        if (v == null) {
            return NULL;
        }
        Class<?> expected = canonicalClass(type);
        if (!expected.isInstance(v)) {
            throw new IllegalArgumentException(v.getClass().getSimpleName() + " " + v + " is not a canonical "
                    + type + " value (" + expected.getSimpleName() + ")");
        }
        switch (type.typeId()) {
            case DATE:
                return LocalDate.ofEpochDay((Integer) v).toString();
            case TIMESTAMP: // micros, a wall clock or an instant, as the UTC wall clock the lake side normalizes to
                long micros = (Long) v;
                return LocalDateTime.ofEpochSecond(Math.floorDiv(micros, 1_000_000L),
                        (int) Math.floorMod(micros, 1_000_000L) * 1_000, ZoneOffset.UTC).toString();
            case DECIMAL:
                BigDecimal d = (BigDecimal) v;
                return d.stripTrailingZeros().scale() > ((DecimalType) type).scale() ? d.toPlainString() : normalize(type, d);
            default:
                return normalize(type, v);
        }
    }

    /** The class of a canonical value held by a lake column of {@code type}; TIME micros sit in a LONG column. */
    private static Class<?> canonicalClass(Type type) {
        switch (type.typeId()) {
            case BOOLEAN: return Boolean.class;
            case INTEGER:
            case DATE: return Integer.class;
            case LONG:
            case TIMESTAMP: return Long.class;
            case FLOAT: return Float.class;
            case DOUBLE: return Double.class;
            case DECIMAL: return BigDecimal.class;
            case STRING: return String.class;
            case BINARY:
            case FIXED: return byte[].class;
            default: return Object.class;
        }
    }

    private static String plain(BigDecimal d) {
        return d == null ? null : d.toPlainString();
    }

    /** MySQL TIME text ({@code -838:59:59.000000} … {@code 838:59:59.000000}) as signed microseconds. */
    static Long timeMicros(String text) {
        if (text == null) {
            return null;
        }
        Matcher m = TIME.matcher(text);
        if (!m.matches()) {
            throw new IllegalArgumentException("not a MySQL TIME: '" + text + "'");
        }
        String fraction = m.group(5) == null ? "" : m.group(5);
        long micros = ((Long.parseLong(m.group(2)) * 60 + Long.parseLong(m.group(3))) * 60 + Long.parseLong(m.group(4)))
                * 1_000_000L + (fraction.isEmpty() ? 0 : Long.parseLong((fraction + "00000").substring(0, 6)));
        return m.group(1) != null ? -micros : micros;
    }

    static LocalDate date(String text) {
        return text == null || isZeroDate(text) ? null : LocalDate.parse(text);
    }

    static LocalDateTime dateTime(String text) {
        return text == null || isZeroDate(text) ? null : LocalDateTime.parse(text, DATE_TIME);
    }

    /** A date with a zero month or day ({@code 0000-00-00}, {@code 2024-00-15}), which no calendar has. */
    static boolean isZeroDate(String text) {
        return text.length() >= 10 && (text.startsWith("00", 5) || text.startsWith("00", 8));
    }

    private static final char[] HEX_DIGITS = "0123456789abcdef".toCharArray();

    /** Lowercase hex of {@code bytes}, two digits a byte (as Java 17's HexFormat.of().formatHex). */
    private static String hex(byte[] bytes) {
        char[] out = new char[bytes.length * 2];
        for (int i = 0; i < bytes.length; i++) {
            out[2 * i] = HEX_DIGITS[(bytes[i] >> 4) & 0xf];
            out[2 * i + 1] = HEX_DIGITS[bytes[i] & 0xf];
        }
        return new String(out);
    }
}
