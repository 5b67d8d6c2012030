package dev.changelake.schema;

import java.io.Serializable;
import java.util.Objects;

/**
 * A column's type in the lake, independent of the lake format. {@link TypeMapping} derives it from the Debezium
 * schema; each lake format maps it to its own types. Values of each kind travel as:
 * <ul>
 * <li>BOOLEAN Boolean, INT Integer, LONG Long, FLOAT Float, DOUBLE Double, DECIMAL BigDecimal (scale = the column's).
 * <li>STRING String; for a MySQL DECIMAL wider than {@link TypeMapping#MAX_DECIMAL_PRECISION} digits, the exact value
 *     as plain text with all of the column's decimals ({@code BigDecimal.toPlainString()}).
 * <li>BINARY byte[]; for BIT(n) the (n+7)/8 bytes big-endian, as MySQL shows {@code b'…'}; for spatial types MySQL's
 *     own geometry bytes: the SRID as 4 bytes little-endian, then the standard WKB.
 * <li>DATE Integer (days since 1970-01-01, proleptic Gregorian).
 * <li>TIME Long: signed microseconds. A MySQL TIME is a duration (-838:59:59 to 838:59:59), not a time of day, so
 *     lake formats hold it as a 64-bit integer rather than in their time-of-day types.
 * <li>TIMESTAMP Long (micros since epoch, no zone: a DATETIME's wall clock read as UTC).
 * <li>TIMESTAMP_TZ Long (micros since epoch, UTC instant: a MySQL TIMESTAMP).
 * </ul>
 */
public final class ColumnType implements Serializable {
    private static final long serialVersionUID = 1L;

    public enum Kind { BOOLEAN, INT, LONG, FLOAT, DOUBLE, DECIMAL, STRING, BINARY, DATE, TIME, TIMESTAMP, TIMESTAMP_TZ }

    private final Kind kind;
    private final int precision;
    private final int scale;

    private ColumnType(Kind kind, int precision, int scale) {
        this.kind = kind;
        this.precision = precision;
        this.scale = scale;
    }

    public static ColumnType of(Kind kind) {
        if (kind == Kind.DECIMAL) {
            throw new IllegalArgumentException("DECIMAL needs a precision and scale: use ColumnType.decimal(p, s)");
        }
        return new ColumnType(kind, 0, 0);
    }

    public static ColumnType decimal(int precision, int scale) {
        return new ColumnType(Kind.DECIMAL, precision, scale);
    }

    public Kind kind() {
        return kind;
    }

    public int precision() {
        return precision;
    }

    public int scale() {
        return scale;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof ColumnType)) {
            return false;
        }
        ColumnType t = (ColumnType) o;
        return t.kind == kind && t.precision == precision && t.scale == scale;
    }

    @Override
    public int hashCode() {
        return Objects.hash(kind, precision, scale);
    }

    @Override
    public String toString() {
        return kind == Kind.DECIMAL ? "DECIMAL(" + precision + "," + scale + ")" : kind.name();
    }
}
