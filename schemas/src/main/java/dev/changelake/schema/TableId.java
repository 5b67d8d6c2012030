package dev.changelake.schema;

import java.io.Serializable;
import java.util.Objects;

/** A source table, {@code database.table}. */
public final class TableId implements Serializable, Comparable<TableId> {
    private static final long serialVersionUID = 1L;

    private final String database;
    private final String table;
    /** {@code database.table}, built once: it keys every change on the hot path. */
    private transient String qualified;

    public TableId(String database, String table) {
        this.database = Objects.requireNonNull(database, "database");
        this.table = Objects.requireNonNull(table, "table");
    }

    /** Parses {@code db.table}. */
    public static TableId parse(String qualified) {
        int dot = qualified.indexOf('.');
        if (dot <= 0 || dot == qualified.length() - 1) {
            throw new IllegalArgumentException("table '" + qualified + "' must be written as <database>.<table>");
        }
        return new TableId(qualified.substring(0, dot), qualified.substring(dot + 1));
    }

    public String database() {
        return database;
    }

    public String table() {
        return table;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TableId && ((TableId) o).database.equals(database) && ((TableId) o).table.equals(table);
    }

    @Override
    public int hashCode() {
        return 31 * database.hashCode() + table.hashCode();
    }

    @Override
    public int compareTo(TableId o) {
        return toString().compareTo(o.toString());
    }

    @Override
    public String toString() {
        if (qualified == null) {
            qualified = database + "." + table;
        }
        return qualified;
    }
}
