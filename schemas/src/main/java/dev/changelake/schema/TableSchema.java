package dev.changelake.schema;

import java.io.Serializable;
import java.util.List;
import java.util.Objects;

/** The columns of a source table in their source order, and its primary key (empty for a table without one). */
public final class TableSchema implements Serializable {
    private static final long serialVersionUID = 1L;

    /** One column. {@code nullable} is false for primary-key columns and NOT NULL columns. */
    public static final class Column implements Serializable {
        private static final long serialVersionUID = 1L;
        private final String name;
        private final ColumnType type;
        private final boolean nullable;

        public Column(String name, ColumnType type, boolean nullable) {
            this.name = Objects.requireNonNull(name);
            this.type = Objects.requireNonNull(type);
            this.nullable = nullable;
        }

        public String name() {
            return name;
        }

        public ColumnType type() {
            return type;
        }

        public boolean nullable() {
            return nullable;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Column && ((Column) o).name.equals(name) && ((Column) o).type.equals(type)
                    && ((Column) o).nullable == nullable;
        }

        @Override
        public int hashCode() {
            return Objects.hash(name, type, nullable);
        }

        @Override
        public String toString() {
            return name + " " + type + (nullable ? "" : " NOT NULL");
        }
    }

    private final TableId table;
    private final List<Column> columns;
    private final List<String> primaryKey;

    public TableSchema(TableId table, List<Column> columns, List<String> primaryKey) {
        this.table = table;
        // Plain lists, read through unmodifiable views: Kryo rebuilds a collection by adding to a new one.
        this.columns = new java.util.ArrayList<>(columns);
        this.primaryKey = new java.util.ArrayList<>(primaryKey);
    }

    public TableId table() {
        return table;
    }

    public List<Column> columns() {
        return java.util.Collections.unmodifiableList(columns);
    }

    public List<String> primaryKey() {
        return java.util.Collections.unmodifiableList(primaryKey);
    }

    /** False for a table whose changes Debezium sends without a key: it cannot be upserted, only appended. */
    public boolean hasPrimaryKey() {
        return !primaryKey.isEmpty();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TableSchema && ((TableSchema) o).table.equals(table)
                && ((TableSchema) o).columns.equals(columns) && ((TableSchema) o).primaryKey.equals(primaryKey);
    }

    @Override
    public int hashCode() {
        return Objects.hash(table, columns, primaryKey);
    }

    @Override
    public String toString() {
        return table + columns.toString() + " PRIMARY KEY " + primaryKey;
    }
}
