package dev.changelake.lake.verify;

import dev.changelake.schema.ColumnType;
import dev.changelake.schema.TableSchema;
import java.math.BigDecimal;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Reads MySQL rows over JDBC as the canonical values the pipeline decodes from Debezium (see {@link ColumnType}), by
 * the source schema's column types: what a {@link RowTransform} takes. The JDBC pitfalls are those
 * {@link ValueNormalizer} handles: FLOAT selected as DOUBLE, TIME and dates read as text (signed durations, zero
 * dates as NULL), wide decimals as plain text. The session time zone must be UTC, so TIMESTAMP columns read as UTC.
 */
final class CanonicalRowReader {
    private final List<TableSchema.Column> columns;

    CanonicalRowReader(TableSchema schema) {
        this.columns = schema.columns();
    }

    /** The SELECT list: every column of the schema, in its order. */
    String selectList() {
        return columns.stream().map(c -> {
            String q = MirrorVerifier.quote(c.name());
            // JDBC's text protocol prints a FLOAT with 6 significant digits; the widened double is exact.
            return c.type().kind() == ColumnType.Kind.FLOAT ? "CAST(" + q + " AS DOUBLE)" : q;
        }).collect(Collectors.joining(", "));
    }

    /** The row at the cursor (selected with {@link #selectList()}), column name to canonical value. */
    Map<String, Object> read(ResultSet rs) throws SQLException {
        Map<String, Object> row = new LinkedHashMap<>();
        for (int i = 0; i < columns.size(); i++) {
            row.put(columns.get(i).name(), value(rs, i + 1, columns.get(i).type()));
        }
        return row;
    }

    static Object value(ResultSet rs, int i, ColumnType type) throws SQLException {
        Object v;
        switch (type.kind()) {
            case BOOLEAN: v = rs.getBoolean(i); break;
            case INT: v = rs.getInt(i); break;
            case LONG: v = rs.getLong(i); break;
            case FLOAT: v = (float) rs.getDouble(i); break;
            case DOUBLE: v = rs.getDouble(i); break;
            case DECIMAL: v = rs.getBigDecimal(i); break;
            case STRING:
                // A DECIMAL too wide for a lake decimal travels as its exact text, with all the column's decimals.
                int jdbcType = rs.getMetaData().getColumnType(i);
                if (jdbcType == Types.DECIMAL || jdbcType == Types.NUMERIC) {
                    BigDecimal d = rs.getBigDecimal(i);
                    v = d == null ? null : d.toPlainString();
                } else {
                    v = rs.getString(i);
                }
                break;
            case BINARY: v = rs.getBytes(i); break;
            case DATE:
                LocalDate date = ValueNormalizer.date(rs.getString(i));
                v = date == null ? null : Math.toIntExact(date.toEpochDay());
                break;
            case TIME: v = ValueNormalizer.timeMicros(rs.getString(i)); break;
            case TIMESTAMP: // a DATETIME's wall clock, read as UTC
            case TIMESTAMP_TZ: // a TIMESTAMP's instant, printed in the session's zone, UTC
                v = micros(ValueNormalizer.dateTime(rs.getString(i)));
                break;
            default: throw new IllegalArgumentException("no canonical reading for " + type);
        }
        return rs.wasNull() ? null : v;
    }

    private static Long micros(LocalDateTime t) {
        return t == null ? null : t.toEpochSecond(ZoneOffset.UTC) * 1_000_000L + t.getNano() / 1_000;
    }
}
