package dev.changelake.lake.verify;

import dev.changelake.schema.TableId;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.iceberg.types.Types;

/**
 * The source side of a comparison: what to SELECT from the MySQL table, and each JDBC row as the lake table's
 * columns in {@link ValueNormalizer}'s text forms.
 */
abstract class SourceReader {
    /** One source row as the lake's columns; when {@code filtered} (not in the lake), only the key columns are set. */
    static final class Row {
        private final String[] values;
        private final boolean filtered;

        Row(String[] values, boolean filtered) {
            this.values = values;
            this.filtered = filtered;
        }

        public String[] values() {
            return values;
        }

        public boolean filtered() {
            return filtered;
        }

        @Override
        public boolean equals(Object other) {
            if (this == other) {
                return true;
            }
            if (!(other instanceof Row)) {
                return false;
            }
            Row o = (Row) other;
            return java.util.Objects.equals(values, o.values)
                    && filtered == o.filtered;
        }

        @Override
        public int hashCode() {
            return java.util.Objects.hash(values, filtered);
        }

        @Override
        public String toString() {
            return "Row[values=" + values + ", filtered=" + filtered + "]";
        }
    }

    final List<Types.NestedField> columns;

    private SourceReader(List<Types.NestedField> columns) {
        this.columns = columns;
    }

    abstract String selectList();

    abstract Row read(ResultSet rs) throws SQLException;

    /** Each lake column from the MySQL column of the same name: a mirror without cleaning rules. */
    static SourceReader direct(List<Types.NestedField> lakeColumns) {
        return new SourceReader(lakeColumns) {
            @Override
            String selectList() {
                return columns.stream().map(c -> ValueNormalizer.selectExpression(MirrorVerifier.quote(c.name()), c.type()))
                        .collect(Collectors.joining(", "));
            }

            @Override
            Row read(ResultSet rs) throws SQLException {
                String[] row = new String[columns.size()];
                for (int i = 0; i < columns.size(); i++) {
                    row[i] = ValueNormalizer.fromJdbc(rs, i + 1, columns.get(i).type());
                }
                return new Row(row, false);
            }
        };
    }

    /** The transform's source columns as canonical values, reshaped by it into the lake's columns. */
    static SourceReader transformed(TableId table, RowTransform transform, List<Types.NestedField> lakeColumns,
            int[] keyColumns) {
        CanonicalRowReader reader = new CanonicalRowReader(transform.sourceSchema());
        return new SourceReader(lakeColumns) {
            @Override
            String selectList() {
                return reader.selectList();
            }

            @Override
            Row read(ResultSet rs) throws SQLException {
                Map<String, Object> source = reader.read(rs);
                Map<String, Object> lake;
                try {
                    lake = transform.apply(source);
                } catch (RuntimeException e) {
                    // Only the key: the rules may exist to keep other columns out of the lake, and out of logs.
                    throw new IllegalStateException("the transform of " + table + " failed on the row with key "
                            + transform.sourceSchema().primaryKey().stream().map(k -> k + "=" + source.get(k))
                                    .collect(Collectors.joining(",")) + ": " + e.getMessage(), e);
                }
                String[] row = new String[columns.size()];
                if (lake == null) {
                    // Rules do not rewrite keys, so the source's key names the lake row that must not exist.
                    for (int k : keyColumns) {
                        row[k] = normalize(k, source);
                    }
                    return new Row(row, true);
                }
                for (int i = 0; i < columns.size(); i++) {
                    row[i] = normalize(i, lake);
                }
                return new Row(row, false);
            }

            private String normalize(int i, Map<String, Object> row) {
                Types.NestedField c = columns.get(i);
                try {
                    return ValueNormalizer.canonical(c.type(), row.get(c.name()));
                } catch (IllegalArgumentException e) {
                    throw new IllegalStateException(table + " column " + c.name() + " after the transform: " + e.getMessage(), e);
                }
            }
        };
    }
}
