package dev.changelake.lake.verify;

import dev.changelake.schema.TableId;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.data.IcebergGenerics;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.types.Types;

/**
 * Compares each MySQL table with its lake table by primary key and normalized column values, and reports the keys
 * that are missing, extra or different, naming the differing columns. The lake table's schema decides which columns
 * are compared and how each is normalized.
 */
public final class MirrorVerifier {
    private final String jdbcUrl;
    private final String user;
    private final String password;
    private final Catalog catalog;

    public MirrorVerifier(String jdbcUrl, String user, String password, Catalog catalog) {
        this.jdbcUrl = jdbcUrl;
        this.user = user;
        this.password = password;
        this.catalog = catalog;
    }

    /** Compares every source table with its lake table. */
    public VerifyReport verify(Map<TableId, TableIdentifier> tables) throws SQLException {
        List<TableDiff> diffs = new ArrayList<>();
        try (Connection db = DriverManager.getConnection(jdbcUrl, user, password)) {
            try (Statement s = db.createStatement()) {
                s.execute("SET time_zone = '+00:00'"); // TIMESTAMP columns read as UTC, as the lake holds them
            }
            for (Map.Entry<TableId, TableIdentifier> e : new TreeMap<>(tables).entrySet()) {
                diffs.add(verifyTable(db, e.getKey(), catalog.loadTable(e.getValue())));
            }
        }
        return new VerifyReport(diffs);
    }

    private TableDiff verifyTable(Connection db, TableId source, Table lake) throws SQLException {
        TableDiff diff = new TableDiff(source);
        Schema schema = lake.schema();
        List<Types.NestedField> columns = schema.columns();
        List<String> keyColumns = new ArrayList<>();
        Set<Integer> keyIds = schema.identifierFieldIds();
        for (Types.NestedField f : columns) {
            if (keyIds.contains(f.fieldId())) {
                keyColumns.add(f.name());
            }
        }
        Map<String, String[]> lakeRows = readLake(lake, columns, keyColumns, diff);
        String select = "SELECT " + String.join(", ", columns.stream()
                .map(c -> ValueNormalizer.selectExpression(quote(c.name()), c.type())).toArray(String[]::new))
                + " FROM " + quote(source.database()) + "." + quote(source.table());
        try (Statement s = db.createStatement(ResultSet.TYPE_FORWARD_ONLY, ResultSet.CONCUR_READ_ONLY)) {
            s.setFetchSize(1000);
            try (ResultSet rs = s.executeQuery(select)) {
                while (rs.next()) {
                    diff.countSource();
                    String[] row = new String[columns.size()];
                    for (int i = 0; i < columns.size(); i++) {
                        row[i] = ValueNormalizer.fromJdbc(rs, i + 1, columns.get(i).type());
                    }
                    String key = key(row, columns, keyColumns);
                    String[] lakeRow = lakeRows.remove(key);
                    if (lakeRow == null) {
                        diff.differ("key " + key + ": missing in lake");
                    } else {
                        List<String> differing = new ArrayList<>();
                        for (int i = 0; i < columns.size(); i++) {
                            if (!row[i].equals(lakeRow[i])) {
                                differing.add(columns.get(i).name() + " source=" + row[i] + " lake=" + lakeRow[i]);
                            }
                        }
                        if (!differing.isEmpty()) {
                            diff.differ("key " + key + ": " + String.join(", ", differing));
                        }
                    }
                }
            }
        }
        for (String extra : lakeRows.keySet()) {
            diff.differ("key " + extra + ": in lake but not in source");
        }
        return diff;
    }

    private static Map<String, String[]> readLake(Table lake, List<Types.NestedField> columns, List<String> keyColumns,
            TableDiff diff) {
        lake.refresh();
        Map<String, String[]> rows = new HashMap<>();
        try (CloseableIterable<Record> records = IcebergGenerics.read(lake).build()) {
            for (Record r : records) {
                diff.countLake();
                String[] row = new String[columns.size()];
                for (int i = 0; i < columns.size(); i++) {
                    row[i] = ValueNormalizer.normalize(columns.get(i).type(), r.getField(columns.get(i).name()));
                }
                String key = key(row, columns, keyColumns);
                if (rows.put(key, row) != null) {
                    diff.differ("key " + key + ": duplicated in lake");
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("reading lake table " + lake.name(), e);
        }
        return rows;
    }

    private static String key(String[] row, List<Types.NestedField> columns, List<String> keyColumns) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < columns.size(); i++) {
            if (keyColumns.contains(columns.get(i).name())) {
                sb.append(sb.length() == 0 ? "" : ",").append(columns.get(i).name()).append('=').append(row[i]);
            }
        }
        return sb.toString();
    }

    private static String quote(String identifier) {
        return "`" + identifier.replace("`", "``") + "`";
    }
}
