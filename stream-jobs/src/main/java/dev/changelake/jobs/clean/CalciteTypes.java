package dev.changelake.jobs.clean;

import java.math.BigDecimal;
import java.math.RoundingMode;

import org.apache.calcite.avatica.util.ByteString;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rel.type.RelDataTypeFactory;
import org.apache.calcite.rel.type.RelDataTypeSystem;
import org.apache.calcite.rel.type.RelDataTypeSystemImpl;
import org.apache.calcite.sql.type.SqlTypeName;

import dev.changelake.schema.ColumnType;
import dev.changelake.schema.TypeMapping;

/**
 * Column types and values, both ways between changelake's canonical forms ({@link ColumnType}) and what Calcite's
 * generated code works with. See {@link CleaningRules} for where precision is lost.
 */
final class CalciteTypes {
    /** Calcite's TIMESTAMP holds milliseconds; its default precision would drop them too. */
    private static final int TIMESTAMP_PRECISION = 3;
    private static final long MICROS_PER_MILLI = 1000L;

    /**
     * DECIMAL up to the lake's 38 digits (Calcite's default stops at 19), and CHAR values of different lengths
     * meeting in a CASE or COALESCE become VARCHAR rather than a CHAR padded with spaces.
     */
    static final RelDataTypeSystem TYPE_SYSTEM = new RelDataTypeSystemImpl() {
        @Override
        public int getMaxPrecision(SqlTypeName typeName) {
            return typeName == SqlTypeName.DECIMAL ? TypeMapping.MAX_DECIMAL_PRECISION
                    : super.getMaxPrecision(typeName);
        }

        @Override
        public int getMaxScale(SqlTypeName typeName) {
            return typeName == SqlTypeName.DECIMAL ? TypeMapping.MAX_DECIMAL_PRECISION : super.getMaxScale(typeName);
        }

        // Deprecated in 1.38, yet still what the DECIMAL arithmetic type derivation reads.
        @Override
        @SuppressWarnings("deprecation")
        public int getMaxNumericPrecision() {
            return TypeMapping.MAX_DECIMAL_PRECISION;
        }

        @Override
        @SuppressWarnings("deprecation")
        public int getMaxNumericScale() {
            return TypeMapping.MAX_DECIMAL_PRECISION;
        }

        @Override
        public boolean shouldConvertRaggedUnionTypesToVarying() {
            return true;
        }
    };

    private CalciteTypes() {
    }

    /** The SQL type an expression sees a column as. */
    static RelDataType sqlType(RelDataTypeFactory types, ColumnType type, boolean nullable) {
        RelDataType sql;
        switch (type.kind()) {
            case BOOLEAN:
                sql = types.createSqlType(SqlTypeName.BOOLEAN);
                break;
            case INT:
                sql = types.createSqlType(SqlTypeName.INTEGER);
                break;
            // TIME is a MySQL duration in microseconds, not a time of day: a number is what it is.
            case LONG:
            case TIME:
                sql = types.createSqlType(SqlTypeName.BIGINT);
                break;
            case FLOAT:
                sql = types.createSqlType(SqlTypeName.REAL);
                break;
            case DOUBLE:
                sql = types.createSqlType(SqlTypeName.DOUBLE);
                break;
            case DECIMAL:
                sql = types.createSqlType(SqlTypeName.DECIMAL, type.precision(), type.scale());
                break;
            case STRING:
                sql = types.createSqlType(SqlTypeName.VARCHAR);
                break;
            case BINARY:
                sql = types.createSqlType(SqlTypeName.VARBINARY);
                break;
            case DATE:
                sql = types.createSqlType(SqlTypeName.DATE);
                break;
            case TIMESTAMP:
                sql = types.createSqlType(SqlTypeName.TIMESTAMP, TIMESTAMP_PRECISION);
                break;
            case TIMESTAMP_TZ:
                sql = types.createSqlType(SqlTypeName.TIMESTAMP_WITH_LOCAL_TIME_ZONE, TIMESTAMP_PRECISION);
                break;
            default:
                throw new IllegalStateException("unexpected column kind " + type.kind());
        }
        return types.createTypeWithNullability(sql, nullable);
    }

    /** The lake column type of an expression's result, or null for SQL types the lake has no column for. */
    static ColumnType columnType(RelDataType type) {
        switch (type.getSqlTypeName()) {
            case BOOLEAN:
                return ColumnType.of(ColumnType.Kind.BOOLEAN);
            case TINYINT:
            case SMALLINT:
            case INTEGER:
                return ColumnType.of(ColumnType.Kind.INT);
            case BIGINT:
                return ColumnType.of(ColumnType.Kind.LONG);
            case REAL:
                return ColumnType.of(ColumnType.Kind.FLOAT);
            // SQL's FLOAT is double precision.
            case FLOAT:
            case DOUBLE:
                return ColumnType.of(ColumnType.Kind.DOUBLE);
            case DECIMAL:
                return ColumnType.decimal(Math.min(type.getPrecision(), TypeMapping.MAX_DECIMAL_PRECISION),
                        Math.max(0, type.getScale()));
            case CHAR:
            case VARCHAR:
                return ColumnType.of(ColumnType.Kind.STRING);
            case BINARY:
            case VARBINARY:
                return ColumnType.of(ColumnType.Kind.BINARY);
            case DATE:
                return ColumnType.of(ColumnType.Kind.DATE);
            case TIME:
                return ColumnType.of(ColumnType.Kind.TIME);
            case TIMESTAMP:
                return ColumnType.of(ColumnType.Kind.TIMESTAMP);
            case TIMESTAMP_WITH_LOCAL_TIME_ZONE:
                return ColumnType.of(ColumnType.Kind.TIMESTAMP_TZ);
            default:
                return null;
        }
    }

    /** A canonical value as Calcite's generated code reads it. */
    static Object toCalcite(ColumnType.Kind kind, Object value) {
        if (value == null) {
            return null;
        }
        switch (kind) {
            case BINARY:
                return new ByteString((byte[]) value);
            // floorDiv, not /, so that before 1970 a value still compares on the right side of a whole millisecond.
            case TIMESTAMP:
            case TIMESTAMP_TZ:
                return Math.floorDiv((Long) value, MICROS_PER_MILLI);
            default:
                return value;
        }
    }

    /**
     * A value Calcite's generated code produced, in the canonical form of the rule's column type.
     *
     * @throws ArithmeticException for a DECIMAL with more integer digits than the column's precision leaves room for
     */
    static Object toCanonical(ColumnType type, Object value) {
        if (value == null) {
            return null;
        }
        switch (type.kind()) {
            case BOOLEAN:
            case STRING:
                return value;
            case INT:
            case DATE:
                return ((Number) value).intValue();
            case LONG:
                return ((Number) value).longValue();
            case FLOAT:
                return ((Number) value).floatValue();
            case DOUBLE:
                return ((Number) value).doubleValue();
            case DECIMAL:
                return fit((BigDecimal) value, type);
            case BINARY:
                return ((ByteString) value).getBytes();
            // TIME: Calcite's milliseconds of the day; TIMESTAMP(_TZ): its milliseconds since the epoch.
            case TIME:
            case TIMESTAMP:
            case TIMESTAMP_TZ:
                return ((Number) value).longValue() * MICROS_PER_MILLI;
            default:
                throw new IllegalStateException("unexpected column kind " + type.kind());
        }
    }

    /** The canonical DECIMAL has exactly the column's scale (division results may carry more or fewer digits). */
    private static BigDecimal fit(BigDecimal value, ColumnType type) {
        BigDecimal scaled = value.setScale(type.scale(), RoundingMode.HALF_UP);
        if (scaled.precision() - scaled.scale() > type.precision() - type.scale()) {
            throw new ArithmeticException("the result does not fit " + type);
        }
        return scaled;
    }
}
