package dev.changelake.lake.verify;

import dev.changelake.schema.TableId;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
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
import org.apache.iceberg.expressions.Expression;
import org.apache.iceberg.expressions.Expressions;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.types.Types;

/**
 * Compares each MySQL table with its lake table by primary key and normalized column values, and reports the keys
 * that are missing, extra or different, naming the differing columns. The lake table's schema decides which columns
 * are compared and how each is normalized.
 *
 * <p>Tables larger than memory are compared in key ranges: the first primary-key column, when it is a number, cuts
 * the table into chunks of about {@code chunkRows} source rows (read in index order), and each chunk is read from
 * both sides with a range filter. Other key types (strings sort by collation in MySQL, by code point in the lake)
 * are compared in one piece, so memory then grows with the lake table.
 *
 * <p>A table mirrored through cleaning rules is verified with its {@link RowTransform}: the MySQL rows are read as
 * canonical values, reshaped by it, and compared with the lake; rows it filters out must be absent from the lake.
 * Rules never rewrite key columns, so chunks of the source key stay valid.
 */
public final class MirrorVerifier {
    /** Source rows per chunk by default: a chunk's lake rows are held in memory. */
    public static final int DEFAULT_CHUNK_ROWS = 100_000;

    private final String jdbcUrl;
    private final String user;
    private final String password;
    private final Catalog catalog;
    private final int chunkRows;
    private io.delta.kernel.engine.Engine deltaEngine;

    public MirrorVerifier(String jdbcUrl, String user, String password, Catalog catalog) {
        this(jdbcUrl, user, password, catalog, DEFAULT_CHUNK_ROWS);
    }

    public MirrorVerifier(String jdbcUrl, String user, String password, Catalog catalog, int chunkRows) {
        if (chunkRows < 1) {
            throw new IllegalArgumentException("chunk rows must be at least 1, was " + chunkRows);
        }
        this.jdbcUrl = jdbcUrl;
        this.user = user;
        this.password = password;
        this.catalog = catalog;
        this.chunkRows = chunkRows;
    }

    /** Compares every source table with its lake table. */
    public VerifyReport verify(Map<TableId, TableIdentifier> tables) throws SQLException {
        return verify(tables, Map.of());
    }

    /**
     * Compares every source table with its lake table, through the table's transform where it has one (a mirror
     * with cleaning rules); tables without one are compared column for column.
     */
    public VerifyReport verify(Map<TableId, TableIdentifier> tables, Map<TableId, RowTransform> transforms)
            throws SQLException {
        List<Target> targets = new ArrayList<>();
        new TreeMap<>(tables).forEach((source, lake) -> targets.add(Target.iceberg(source, lake)));
        return verifyTargets(targets, transforms);
    }

    /** A source table and one lake table mirroring it: Iceberg (in the catalog) or Delta (at a path). */
    public static final class Target {
        final TableId source;
        final TableIdentifier iceberg;
        final String deltaPath;

        private Target(TableId source, TableIdentifier iceberg, String deltaPath) {
            this.source = source;
            this.iceberg = iceberg;
            this.deltaPath = deltaPath;
        }

        public static Target iceberg(TableId source, TableIdentifier table) {
            return new Target(source, table, null);
        }

        public static Target delta(TableId source, String path) {
            return new Target(source, null, path);
        }
    }

    /**
     * Compares each target's source table with its lake table; Delta targets need the engine given by
     * {@link #withDelta}.
     */
    public VerifyReport verifyTargets(List<Target> targets, Map<TableId, RowTransform> transforms) throws SQLException {
        List<TableDiff> diffs = new ArrayList<>();
        try (Connection db = DriverManager.getConnection(jdbcUrl, user, password)) {
            try (Statement s = db.createStatement()) {
                s.execute("SET time_zone = '+00:00'"); // TIMESTAMP columns read as UTC, as the lake holds them
            }
            for (Target t : targets) {
                LakeView lake;
                if (t.iceberg != null) {
                    lake = new IcebergView(catalog.loadTable(t.iceberg));
                } else {
                    if (deltaEngine == null) {
                        throw new IllegalStateException("Delta table " + t.deltaPath + ": the verifier has no Delta engine");
                    }
                    if (dev.changelake.lake.delta.DeltaTables.latest(deltaEngine, t.deltaPath).isEmpty()) {
                        TableDiff missing = new TableDiff(t.source, "delta");
                        missing.differ("no Delta table at " + t.deltaPath + " (the sink creates it at its first "
                                + "checkpoint with a change of the table)");
                        diffs.add(missing);
                        continue;
                    }
                    lake = new DeltaView(deltaEngine, t.source, t.deltaPath);
                }
                diffs.add(verifyTable(db, t.source, lake, transforms.get(t.source)));
            }
        }
        return new VerifyReport(diffs);
    }

    /** This verifier, reading Delta targets through {@code engine}. */
    public MirrorVerifier withDelta(io.delta.kernel.engine.Engine engine) {
        this.deltaEngine = engine;
        return this;
    }

    private TableDiff verifyTable(Connection db, TableId source, LakeView lake, RowTransform transform) throws SQLException {
        TableDiff diff = new TableDiff(source, lake.label());
        Schema schema = lake.schema();
        if (schema.identifierFieldIds().isEmpty()) {
            diff.notCompared("append-only changelog table (the source has no primary key)");
            return diff;
        }
        List<Types.NestedField> columns = schema.columns();
        Set<Integer> keyIds = schema.identifierFieldIds();
        int[] keyColumns = java.util.stream.IntStream.range(0, columns.size())
                .filter(i -> keyIds.contains(columns.get(i).fieldId())).toArray();
        SourceReader reader = transform == null ? SourceReader.direct(columns)
                : SourceReader.transformed(source, transform, columns, keyColumns);
        Types.NestedField chunkColumn = chunkColumn(db, source, schema);
        List<Object> bounds = chunkColumn == null ? List.of() : boundaries(db, source, chunkColumn);
        Object low = null;
        for (int i = 0; i <= bounds.size(); i++) {
            Object high = i < bounds.size() ? bounds.get(i) : null;
            compareChunk(db, source, lake, reader, keyColumns, chunkColumn, low, high, diff);
            low = high;
        }
        return diff;
    }

    /** Compares the rows whose chunk column is in [low, high) (an open end where null). */
    private void compareChunk(Connection db, TableId source, LakeView lake, SourceReader reader, int[] keyColumns,
            Types.NestedField chunkColumn, Object low, Object high, TableDiff diff) throws SQLException {
        diff.countChunk();
        List<Types.NestedField> columns = reader.columns;
        StringBuilder where = new StringBuilder();
        if (low != null) {
            where.append(" WHERE ").append(quote(chunkColumn.name())).append(" >= ?");
        }
        if (high != null) {
            where.append(low == null ? " WHERE " : " AND ").append(quote(chunkColumn.name())).append(" < ?");
        }
        Map<String, String[]> lakeRows = readLake(lake, chunkColumn, low, high, columns, keyColumns, diff);
        String select = "SELECT " + reader.selectList() + " FROM " + quote(source.database()) + "."
                + quote(source.table()) + where;
        try (PreparedStatement s = db.prepareStatement(select, ResultSet.TYPE_FORWARD_ONLY, ResultSet.CONCUR_READ_ONLY)) {
            int p = 1;
            if (low != null) {
                s.setObject(p++, low);
            }
            if (high != null) {
                s.setObject(p, high);
            }
            s.setFetchSize(1000);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    SourceReader.Row read = reader.read(rs);
                    String[] row = read.values();
                    String key = key(row, columns, keyColumns);
                    String[] lakeRow = lakeRows.remove(key);
                    if (read.filtered()) {
                        diff.countFiltered();
                        if (lakeRow != null) {
                            diff.differ("key " + key + ": in lake but filtered out by the transform");
                        }
                        continue;
                    }
                    diff.countSource();
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
    }

    /** The leading primary-key column when it is a number (MySQL and the lake then agree on its order), else null. */
    private static Types.NestedField chunkColumn(Connection db, TableId source, Schema schema) throws SQLException {
        String leading = null;
        try (ResultSet pk = db.getMetaData().getPrimaryKeys(source.database(), null, source.table())) {
            while (pk.next()) {
                if (pk.getInt("KEY_SEQ") == 1) {
                    leading = pk.getString("COLUMN_NAME");
                }
            }
        }
        Types.NestedField f = leading == null ? null : schema.findField(leading);
        if (f == null || !schema.identifierFieldIds().contains(f.fieldId())) {
            return null;
        }
        switch (f.type().typeId()) {
            case INTEGER:
            case LONG:
            case DECIMAL:
                return f;
            default:
                return null;
        }
    }

    /** Every {@code chunkRows}-th value of the chunk column in index order, as the lake's literal type. */
    private List<Object> boundaries(Connection db, TableId source, Types.NestedField column) throws SQLException {
        List<Object> bounds = new ArrayList<>();
        String sql = "SELECT " + quote(column.name()) + " FROM " + quote(source.database()) + "." + quote(source.table())
                + " ORDER BY " + quote(column.name());
        try (Statement s = db.createStatement(ResultSet.TYPE_FORWARD_ONLY, ResultSet.CONCUR_READ_ONLY)) {
            s.setFetchSize(10_000);
            try (ResultSet rs = s.executeQuery(sql)) {
                long n = 0;
                while (rs.next()) {
                    if (++n % chunkRows == 0) {
                        Object value = literal(rs, column);
                        if (bounds.isEmpty() || !bounds.get(bounds.size() - 1).equals(value)) {
                            bounds.add(value);
                        }
                    }
                }
            }
        }
        return bounds;
    }

    private static Object literal(ResultSet rs, Types.NestedField column) throws SQLException {
        switch (column.type().typeId()) {
            case INTEGER:
                return rs.getInt(1);
            case LONG:
                return rs.getLong(1);
            default:
                return rs.getBigDecimal(1).setScale(((Types.DecimalType) column.type()).scale());
        }
    }

    private static Map<String, String[]> readLake(LakeView lake, Types.NestedField chunkColumn, Object low, Object high,
            List<Types.NestedField> columns, int[] keyColumns, TableDiff diff) {
        Map<String, String[]> rows = new HashMap<>();
        lake.scan(columns, chunkColumn, low, high, row -> {
            diff.countLake();
            String key = key(row, columns, keyColumns);
            if (rows.put(key, row) != null) {
                diff.differ("key " + key + ": duplicated in lake");
            }
        });
        return rows;
    }

    /** A lake table as the comparison reads it: its schema, and its rows normalized, by chunk. */
    private interface LakeView {
        /** null for Iceberg (the default format), else the format, shown beside the table's name. */
        String label();

        /** The columns to compare, the primary key as identifier fields. */
        Schema schema();

        /** Rows whose chunk column is in [low, high) (an open end where null; all rows without a chunk column). */
        void scan(List<Types.NestedField> columns, Types.NestedField chunkColumn, Object low, Object high,
                java.util.function.Consumer<String[]> out);
    }

    private static final class IcebergView implements LakeView {
        private final Table table;

        IcebergView(Table table) {
            this.table = table;
            table.refresh();
        }

        @Override
        public String label() {
            return null;
        }

        @Override
        public Schema schema() {
            return table.schema();
        }

        @Override
        public void scan(List<Types.NestedField> columns, Types.NestedField chunkColumn, Object low, Object high,
                java.util.function.Consumer<String[]> out) {
            Expression range = Expressions.alwaysTrue();
            if (low != null) {
                range = Expressions.and(range, Expressions.greaterThanOrEqual(chunkColumn.name(), low));
            }
            if (high != null) {
                range = Expressions.and(range, Expressions.lessThan(chunkColumn.name(), high));
            }
            try (CloseableIterable<Record> records = IcebergGenerics.read(table).where(range).build()) {
                for (Record r : records) {
                    String[] row = new String[columns.size()];
                    for (int i = 0; i < columns.size(); i++) {
                        row[i] = ValueNormalizer.normalize(columns.get(i).type(), r.getField(columns.get(i).name()));
                    }
                    out.accept(row);
                }
            } catch (IOException e) {
                throw new UncheckedIOException("reading lake table " + table.name(), e);
            }
        }
    }

    /** A Delta table: its schema with the key the sink recorded, its rows in canonical values. */
    private static final class DeltaView implements LakeView {
        private final io.delta.kernel.engine.Engine engine;
        private final String path;
        private final io.delta.kernel.Snapshot snapshot;
        private final Schema schema;

        DeltaView(io.delta.kernel.engine.Engine engine, TableId source, String path) {
            this.engine = engine;
            this.path = path;
            this.snapshot = dev.changelake.lake.delta.DeltaTables.snapshot(engine, path);
            this.schema = dev.changelake.lake.iceberg.IcebergSchemas.toIceberg(
                    dev.changelake.lake.delta.DeltaTables.tableSchema(snapshot, source));
        }

        @Override
        public String label() {
            return "delta";
        }

        @Override
        public Schema schema() {
            return schema;
        }

        @Override
        public void scan(List<Types.NestedField> columns, Types.NestedField chunkColumn, Object low, Object high,
                java.util.function.Consumer<String[]> out) {
            for (Map<String, Object> r : dev.changelake.lake.delta.DeltaFiles.readRange(engine, snapshot,
                    chunkColumn == null ? null : chunkColumn.name(), low, high)) {
                String[] row = new String[columns.size()];
                for (int i = 0; i < columns.size(); i++) {
                    row[i] = ValueNormalizer.canonical(columns.get(i).type(), r.get(columns.get(i).name()));
                }
                out.accept(row);
            }
        }
    }

    /** {@code id=1,tenant=a}: the key columns' normalized values, by their positions in the row. */
    private static String key(String[] row, List<Types.NestedField> columns, int[] keyPositions) {
        StringBuilder sb = new StringBuilder();
        for (int i : keyPositions) {
            sb.append(sb.length() == 0 ? "" : ",").append(columns.get(i).name()).append('=').append(row[i]);
        }
        return sb.toString();
    }

    static String quote(String identifier) {
        return "`" + identifier.replace("`", "``") + "`";
    }
}
