package dev.changelake.schema.format.debezium;

import dev.changelake.schema.TableId;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Reads the source's {@code information_schema} and gives each table's columns as the Connect fields the Debezium
 * MySQL/MariaDB connector embeds for them under changelake's capture options ({@code decimal.handling.mode=precise},
 * {@code bigint.unsigned.handling.mode=precise}, {@code time.precision.mode=adaptive_time_microseconds},
 * {@code binary.handling.mode=bytes}). Records captured without embedded schemas say nothing of a value's type (a
 * DATETIME's milliseconds or microseconds, a decimal's scale), so the job asks the database, as Flink CDC does.
 */
public final class InformationSchemaFields {
    private static final String DEBEZIUM = "io.debezium.";

    private InformationSchemaFields() {
    }

    /** Every table of {@code databases}, plus {@code tables}, that exists now. */
    public static Map<TableId, SourceTableFields> read(Connection db, Collection<String> databases, Collection<TableId> tables)
            throws SQLException {
        Map<TableId, List<ConnectField>> columns = new TreeMap<>();
        Map<TableId, List<String>> keys = new TreeMap<>();
        String sql = "SELECT c.TABLE_SCHEMA, c.TABLE_NAME, c.COLUMN_NAME, c.DATA_TYPE, c.COLUMN_TYPE, c.NUMERIC_PRECISION, "
                + "c.NUMERIC_SCALE, c.DATETIME_PRECISION, c.IS_NULLABLE, k.ORDINAL_POSITION AS KEY_POSITION "
                + "FROM information_schema.COLUMNS c LEFT JOIN information_schema.KEY_COLUMN_USAGE k "
                + "ON k.TABLE_SCHEMA = c.TABLE_SCHEMA AND k.TABLE_NAME = c.TABLE_NAME AND k.COLUMN_NAME = c.COLUMN_NAME "
                + "AND k.CONSTRAINT_NAME = 'PRIMARY' "
                + "WHERE c.TABLE_SCHEMA = ? ORDER BY c.TABLE_NAME, c.ORDINAL_POSITION";
        List<String> schemas = new ArrayList<>(databases);
        tables.stream().map(TableId::database).filter(d -> !schemas.contains(d)).forEach(schemas::add);
        Map<TableId, Map<Integer, String>> keyPositions = new TreeMap<>();
        try (PreparedStatement s = db.prepareStatement(sql)) {
            for (String schema : schemas) {
                s.setString(1, schema);
                try (ResultSet rs = s.executeQuery()) {
                    while (rs.next()) {
                        TableId table = new TableId(rs.getString("TABLE_SCHEMA"), rs.getString("TABLE_NAME"));
                        if (!databases.contains(table.database()) && !tables.contains(table)) {
                            continue;
                        }
                        String name = rs.getString("COLUMN_NAME");
                        columns.computeIfAbsent(table, t -> new ArrayList<>()).add(field(table, name,
                                rs.getString("DATA_TYPE").toLowerCase(Locale.ROOT), rs.getString("COLUMN_TYPE").toLowerCase(Locale.ROOT),
                                rs.getLong("NUMERIC_PRECISION"), rs.getLong("NUMERIC_SCALE"), rs.getLong("DATETIME_PRECISION"),
                                "YES".equals(rs.getString("IS_NULLABLE")), rs.getString("COLUMN_TYPE")));
                        int keyPosition = rs.getInt("KEY_POSITION");
                        if (!rs.wasNull()) {
                            keyPositions.computeIfAbsent(table, t -> new TreeMap<>()).put(keyPosition, name);
                        }
                    }
                }
            }
        }
        keyPositions.forEach((t, byPosition) -> keys.put(t, new ArrayList<>(byPosition.values())));
        Map<TableId, SourceTableFields> result = new LinkedHashMap<>();
        columns.forEach((t, cols) -> result.put(t, new SourceTableFields(cols, keys.getOrDefault(t, List.of()))));
        return result;
    }

    /** One column as Debezium's field. {@code rawColumnType} keeps the case of ENUM/SET labels. */
    static ConnectField field(TableId table, String name, String dataType, String columnType, long precision, long scale,
            long datetimePrecision, boolean nullable, String rawColumnType) {
        boolean unsigned = columnType.contains("unsigned");
        switch (dataType) {
            case "bit":
                return precision == 1 ? plain(name, "boolean", nullable)
                        : ConnectField.of(name, "bytes", DEBEZIUM + "data.Bits", Map.of("length", String.valueOf(precision)), nullable);
            case "tinyint":
                return plain(name, "int16", nullable);
            case "smallint":
                return plain(name, unsigned ? "int32" : "int16", nullable);
            case "mediumint":
                return plain(name, "int32", nullable);
            case "int":
            case "integer":
                return plain(name, unsigned ? "int64" : "int32", nullable);
            case "bigint":
                return unsigned ? decimal(name, 20, 0, nullable) : plain(name, "int64", nullable);
            case "decimal":
            case "numeric":
                return decimal(name, precision, scale, nullable);
            case "float":
                return plain(name, "float", nullable);
            case "double":
            case "real":
                return plain(name, "double", nullable);
            case "char":
            case "varchar":
            case "tinytext":
            case "text":
            case "mediumtext":
            case "longtext":
                return plain(name, "string", nullable);
            case "json":
                return ConnectField.of(name, "string", DEBEZIUM + "data.Json", Map.of(), nullable);
            case "enum":
                return ConnectField.of(name, "string", DEBEZIUM + "data.Enum", Map.of("allowed", labels(rawColumnType)), nullable);
            case "set":
                return ConnectField.of(name, "string", DEBEZIUM + "data.EnumSet", Map.of("allowed", labels(rawColumnType)), nullable);
            case "binary":
            case "varbinary":
            case "tinyblob":
            case "blob":
            case "mediumblob":
            case "longblob":
                return plain(name, "bytes", nullable);
            case "date":
                return ConnectField.of(name, "int32", DEBEZIUM + "time.Date", Map.of(), nullable);
            case "time":
                return ConnectField.of(name, "int64", DEBEZIUM + "time.MicroTime", Map.of(), nullable);
            case "datetime":
                return ConnectField.of(name, "int64", DEBEZIUM + (datetimePrecision <= 3 ? "time.Timestamp" : "time.MicroTimestamp"),
                        Map.of(), nullable);
            case "timestamp":
                return ConnectField.of(name, "string", DEBEZIUM + "time.ZonedTimestamp", Map.of(), nullable);
            case "year":
                return ConnectField.of(name, "int32", DEBEZIUM + "time.Year", Map.of(), nullable);
            case "point":
                return ConnectField.of(name, "struct", DEBEZIUM + "data.geometry.Point", Map.of(), nullable);
            case "geometry":
            case "linestring":
            case "polygon":
            case "multipoint":
            case "multilinestring":
            case "multipolygon":
            case "geometrycollection":
                return ConnectField.of(name, "struct", DEBEZIUM + "data.geometry.Geometry", Map.of(), nullable);
            default:
                throw new IllegalArgumentException("column " + table + "." + name + " has type " + columnType
                        + ", which changelake cannot decode without embedded schemas; capture with schemas.enable=true");
        }
    }

    private static ConnectField plain(String name, String type, boolean nullable) {
        return ConnectField.of(name, type, null, Map.of(), nullable);
    }

    private static ConnectField decimal(String name, long precision, long scale, boolean nullable) {
        return ConnectField.of(name, "bytes", "org.apache.kafka.connect.data.Decimal",
                Map.of("scale", String.valueOf(scale), "connect.decimal.precision", String.valueOf(precision)), nullable);
    }

    /** {@code enum('a','b''c')} → {@code a,b'c}, as Debezium's "allowed" parameter lists them. */
    static String labels(String columnType) {
        String inner = columnType.substring(columnType.indexOf('(') + 1, columnType.lastIndexOf(')'));
        List<String> labels = new ArrayList<>();
        StringBuilder label = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < inner.length(); i++) {
            char ch = inner.charAt(i);
            if (ch == '\'' && quoted && i + 1 < inner.length() && inner.charAt(i + 1) == '\'') {
                label.append('\'');
                i++;
            } else if (ch == '\'') {
                quoted = !quoted;
            } else if (ch == ',' && !quoted) {
                labels.add(label.toString());
                label.setLength(0);
            } else if (quoted) {
                label.append(ch);
            }
        }
        labels.add(label.toString());
        return String.join(",", labels);
    }
}
