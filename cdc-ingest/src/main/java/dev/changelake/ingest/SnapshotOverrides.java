package dev.changelake.ingest;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Snapshot SELECTs that read FLOAT columns exactly: Debezium's snapshot reads rows with a plain JDBC
 * {@code Statement}, over the text protocol, where MySQL / MariaDB print a FLOAT with 6 significant digits
 * ({@code 3.4028235E38} arrives as {@code 3.40282E38}). For every table with a FLOAT column this renders
 * {@code snapshot.select.statement.overrides.<db>.<table>}: a SELECT of every column in table order, FLOAT columns as
 * {@code CAST(c AS DOUBLE) AS c}. A double holds every float exactly and the text protocol prints it with 17 digits,
 * so the driver's Double is the stored float, and Debezium narrows it to the float32 field without loss.
 * {@code CAST(… AS DOUBLE)} needs MariaDB 10.4 or MySQL 8.0.17.
 *
 * <p>Rendered from the source's information_schema when the capture starts, so it is separate from the pure
 * {@link DebeziumConnectorConfig#render} (MSK Connect's configuration is rendered without database access). Tables
 * created later are never snapshotted, only streamed, and binlog rows carry the exact IEEE value, so a start-time
 * list is enough. After the snapshot Debezium ignores these keys.
 */
public final class SnapshotOverrides {
    private static final Logger LOG = LoggerFactory.getLogger(SnapshotOverrides.class);
    static final String TABLES_KEY = "snapshot.select.statement.overrides";

    private SnapshotOverrides() {
    }

    /**
     * The override entries for every base table with a FLOAT column in {@code databases}; empty when there is none.
     */
    public static Map<String, String> forSource(String jdbcUrl, String user, String password, List<String> databases)
            throws SQLException {
        Map<String, List<Column>> tables = new LinkedHashMap<>();
        String in = String.join(", ", databases.stream().map(d -> "?").collect(Collectors.toList()));
        String sql = "SELECT c.TABLE_SCHEMA, c.TABLE_NAME, c.COLUMN_NAME, c.DATA_TYPE FROM information_schema.COLUMNS c"
                + " JOIN information_schema.TABLES t ON t.TABLE_SCHEMA = c.TABLE_SCHEMA AND t.TABLE_NAME = c.TABLE_NAME"
                + " WHERE t.TABLE_TYPE = 'BASE TABLE' AND c.TABLE_SCHEMA IN (" + in + ")"
                + " ORDER BY c.TABLE_SCHEMA, c.TABLE_NAME, c.ORDINAL_POSITION";
        try (Connection c = DriverManager.getConnection(jdbcUrl, user, password);
             PreparedStatement s = c.prepareStatement(sql)) {
            for (int i = 0; i < databases.size(); i++) {
                s.setString(i + 1, databases.get(i));
            }
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    tables.computeIfAbsent(rs.getString(1) + "." + rs.getString(2), k -> new ArrayList<>())
                            .add(new Column(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4)));
                }
            }
        }
        Map<String, String> config = new LinkedHashMap<>();
        List<String> overridden = new ArrayList<>();
        for (Map.Entry<String, List<Column>> table : tables.entrySet()) {
            List<Column> columns = table.getValue();
            if (columns.stream().noneMatch(Column::isFloat)) {
                continue; // Debezium's own SELECT * is exact
            }
            Column first = columns.get(0);
            // The table list is comma-separated and parsed as <db>.<table>: names with ',' or '.' cannot be named in it.
            if (first.database.matches(".*[,.].*") || first.table.matches(".*[,.].*")) {
                LOG.warn("table `{}`.`{}` has FLOAT columns, but its name cannot be listed in {}: its snapshot reads "
                        + "FLOATs with 6 significant digits (streamed changes are exact)", first.database, first.table,
                        TABLES_KEY);
                continue;
            }
            overridden.add(table.getKey());
            config.put(TABLES_KEY + "." + table.getKey(), select(columns));
        }
        if (!overridden.isEmpty()) {
            config.put(TABLES_KEY, String.join(",", overridden));
            LOG.info("snapshot reads FLOAT columns exactly (CAST AS DOUBLE) in {}", overridden);
        }
        return config;
    }

    /** {@code SELECT `a`, CAST(`f` AS DOUBLE) AS `f`, … FROM `db`.`t`}: every column, in table order. */
    static String select(List<Column> columns) {
        List<String> items = new ArrayList<>();
        for (Column c : columns) {
            // The alias keeps the column's name in the result set: Debezium matches result columns to table columns by name.
            items.add(c.isFloat() ? "CAST(" + quote(c.name) + " AS DOUBLE) AS " + quote(c.name) : quote(c.name));
        }
        Column first = columns.get(0);
        return "SELECT " + String.join(", ", items) + " FROM " + quote(first.database) + "." + quote(first.table);
    }

    static String quote(String identifier) {
        return "`" + identifier.replace("`", "``") + "`";
    }

    static final class Column {
        private final String database;
        private final String table;
        private final String name;
        private final String dataType;

        Column(String database, String table, String name, String dataType) {
            this.database = database;
            this.table = table;
            this.name = name;
            this.dataType = dataType;
        }

        public String database() {
            return database;
        }

        public String table() {
            return table;
        }

        public String name() {
            return name;
        }

        public String dataType() {
            return dataType;
        }

        @Override
        public boolean equals(Object other) {
            if (this == other) {
                return true;
            }
            if (!(other instanceof Column)) {
                return false;
            }
            Column o = (Column) other;
            return java.util.Objects.equals(database, o.database)
                    && java.util.Objects.equals(table, o.table)
                    && java.util.Objects.equals(name, o.name)
                    && java.util.Objects.equals(dataType, o.dataType);
        }

        @Override
        public int hashCode() {
            return java.util.Objects.hash(database, table, name, dataType);
        }

        @Override
        public String toString() {
            return "Column[database=" + database + ", table=" + table + ", name=" + name + ", dataType=" + dataType + "]";
        }

        boolean isFloat() {
            return "float".equalsIgnoreCase(dataType);
        }
    }
}
