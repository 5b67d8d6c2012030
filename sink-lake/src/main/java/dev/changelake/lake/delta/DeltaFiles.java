package dev.changelake.lake.delta;

import io.delta.kernel.DataWriteContext;
import io.delta.kernel.Operation;
import io.delta.kernel.Scan;
import io.delta.kernel.Snapshot;
import io.delta.kernel.Transaction;
import io.delta.kernel.data.ColumnarBatch;
import io.delta.kernel.data.FilteredColumnarBatch;
import io.delta.kernel.data.MapValue;
import io.delta.kernel.data.Row;
import io.delta.kernel.engine.Engine;
import io.delta.kernel.engine.FileReadResult;
import io.delta.kernel.expressions.Column;
import io.delta.kernel.expressions.Literal;
import io.delta.kernel.types.BinaryType;
import io.delta.kernel.types.BooleanType;
import io.delta.kernel.types.DataType;
import io.delta.kernel.types.DateType;
import io.delta.kernel.types.DecimalType;
import io.delta.kernel.types.DoubleType;
import io.delta.kernel.types.FloatType;
import io.delta.kernel.types.IntegerType;
import io.delta.kernel.types.LongType;
import io.delta.kernel.types.StringType;
import io.delta.kernel.types.StructField;
import io.delta.kernel.types.StructType;
import io.delta.kernel.types.TimestampNTZType;
import io.delta.kernel.types.TimestampType;
import io.delta.kernel.utils.CloseableIterator;
import io.delta.kernel.utils.DataFileStatus;
import io.delta.kernel.utils.FileStatus;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Data files of a Delta table through Kernel's public API: writing rows as Parquet (with the statistics Kernel asks
 * for) into AddFile actions to commit, and reading files back, committed or not yet. Rows are canonical value maps
 * (column name to the Java type {@code ColumnType} names), as {@code ChangeRecord.after()} holds them.
 * <p>
 * Column mapping by name is handled here ({@link DeltaLayout}); deletion vectors are not: the tables this sink
 * creates have none, and Kernel cannot write them.
 */
public final class DeltaFiles {
    private DeltaFiles() {
    }

    /** As {@link #write(Engine, Snapshot, List)} on the table's latest version. */
    public static List<Row> write(Engine engine, String tablePath, List<Map<String, Object>> rows) {
        return write(engine, DeltaTables.snapshot(engine, tablePath), rows);
    }

    /**
     * Writes {@code rows} as Parquet files under the table (one or more per partition, each partition's rows in
     * primary-key order so files hold narrow key ranges, rolling at Kernel's target file size) and returns the
     * AddFile action rows ({@code SingleAction} rows with {@code add} set) for {@link DeltaCommitter#commit}. Nothing
     * is visible until committed. Rows missing a nullable column write null there; a row missing a NOT NULL column
     * is refused before anything is written. Keys that are not columns are ignored.
     */
    public static List<Row> write(Engine engine, Snapshot snapshot, List<Map<String, Object>> rows) {
        if (rows.isEmpty()) {
            return List.of();
        }
        DeltaLayout layout = DeltaLayout.of(snapshot);
        // A transaction that is never committed: it only supplies the state the write functions need.
        Transaction txn = snapshot.buildUpdateTableTransaction(DeltaTables.ENGINE_INFO, Operation.WRITE).build(engine);
        Row txnState = txn.getTransactionState(engine);
        StructType schema = layout.schema;

        Map<List<Object>, List<Map<String, Object>>> byPartition = new LinkedHashMap<>();
        for (Map<String, Object> row : rows) {
            for (StructField f : schema.fields()) {
                // Kernel does not check nullability; a null in a required Parquet column would break the file.
                if (!f.isNullable() && row.get(f.getName()) == null) {
                    throw new IllegalArgumentException("column '" + f.getName() + "' of " + snapshot.getPath()
                            + " is NOT NULL but a row has no value for it: " + row.keySet());
                }
            }
            byPartition.computeIfAbsent(keyOf(row, layout.partitionColumns), k -> new ArrayList<>()).add(row);
        }
        List<Row> actions = new ArrayList<>();
        for (List<Map<String, Object>> part : byPartition.values()) {
            if (!layout.primaryKey.isEmpty()) {
                part.sort(KEY_ORDER.apply(layout.primaryKey));
            }
            Map<String, Literal> partitionValues = new HashMap<>();
            for (String p : layout.partitionColumns) {
                partitionValues.put(p, literal(schema.get(p).getDataType(), part.get(0).get(p)));
            }
            try {
                DataWriteContext context = Transaction.getWriteContext(engine, txnState, partitionValues);
                CloseableIterator<DataFileStatus> written = engine.getParquetHandler().writeParquetFiles(
                        context.getTargetDirectory(), iterator(List.of(physical(layout, part))),
                        statisticsColumns(layout, context));
                try (CloseableIterator<Row> add = Transaction.generateAppendActions(engine, txnState, written, context)) {
                    add.forEachRemaining(actions::add);
                }
            } catch (IOException e) {
                throw new UncheckedIOException("writing Parquet to " + snapshot.getPath(), e);
            }
        }
        return actions;
    }

    /**
     * The rows as the data files hold them: partition columns dropped, the rest under physical names. This is what
     * {@code Transaction.transformLogicalData} does, except that Kernel 4.4 refuses it for column-mapped tables.
     */
    private static FilteredColumnarBatch physical(DeltaLayout layout, List<Map<String, Object>> rows) {
        ColumnarBatch batch = new RowBatch(layout.schema, rows);
        for (int i = layout.schema.length() - 1; i >= 0; i--) {
            if (layout.partitionColumns.contains(layout.schema.at(i).getName())) {
                batch = batch.withDeletedColumnAt(i);
            }
        }
        return new FilteredColumnarBatch(batch.withNewSchema(layout.physicalSchema), Optional.empty());
    }

    /** Kernel's statistics columns that are in the data files (it names partition columns too when mapped). */
    private static List<Column> statisticsColumns(DeltaLayout layout, DataWriteContext context) {
        List<Column> columns = new ArrayList<>();
        for (Column c : context.getStatisticsColumns()) {
            if (layout.physicalSchema.indexOf(c.getNames()[0]) >= 0) {
                columns.add(c);
            }
        }
        return columns;
    }

    /** The table's live data files in its latest version. */
    public static List<LiveFile> liveFiles(Engine engine, String tablePath) {
        return liveFiles(engine, DeltaTables.snapshot(engine, tablePath));
    }

    /** The live data files of {@code snapshot}. */
    public static List<LiveFile> liveFiles(Engine engine, Snapshot snapshot) {
        DeltaLayout layout = DeltaLayout.of(snapshot);
        Scan scan = snapshot.getScanBuilder().build();
        List<LiveFile> files = new ArrayList<>();
        try (CloseableIterator<FilteredColumnarBatch> batches = scan.getScanFiles(engine, true)) {
            while (batches.hasNext()) {
                try (CloseableIterator<Row> scanFiles = batches.next().getRows()) {
                    while (scanFiles.hasNext()) {
                        Row scanFile = scanFiles.next();
                        String root = scanFile.getString(scanFile.getSchema().indexOf("tableRoot"));
                        Row add = scanFile.getStruct(scanFile.getSchema().indexOf("add"));
                        if (!add.isNullAt(add.getSchema().indexOf("deletionVector"))) {
                            throw new IllegalStateException("Delta table " + snapshot.getPath() + " has deletion "
                                    + "vectors (written by another engine); this sink cannot rewrite such files");
                        }
                        files.add(new LiveFile(layout, root, add));
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("listing the files of " + snapshot.getPath(), e);
        }
        return files;
    }

    /** The files that AddFile action rows (as {@link #write} returns) add, for reading before they are committed. */
    static List<LiveFile> addedFiles(Snapshot snapshot, List<Row> addActions) {
        DeltaLayout layout = DeltaLayout.of(snapshot);
        String root = snapshot.getPath();
        List<LiveFile> files = new ArrayList<>();
        for (Row action : addActions) {
            files.add(new LiveFile(layout, root, action.getStruct(action.getSchema().indexOf("add"))));
        }
        return files;
    }

    /**
     * The rows of {@code snapshot} whose {@code column} is in [low, high) (an open end where null; every row when
     * {@code column} is null), reading only files whose statistics allow such rows when the column is a numeric
     * key column. For comparing a table chunk by chunk.
     */
    public static List<Map<String, Object>> readRange(Engine engine, Snapshot snapshot, String column, Object low,
            Object high) {
        List<Map<String, Object>> rows = new ArrayList<>();
        for (LiveFile f : liveFiles(engine, snapshot)) {
            if (column != null && !f.mayHoldRange(column, low, high)) {
                continue;
            }
            for (Map<String, Object> r : f.read(engine)) {
                if (column == null || inRange(r.get(column), low, high)) {
                    rows.add(r);
                }
            }
        }
        return rows;
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static boolean inRange(Object v, Object low, Object high) {
        if (v == null) {
            return low == null && high == null;
        }
        Comparable c = (Comparable) widened(v);
        return (low == null || c.compareTo(widened(low)) >= 0) && (high == null || c.compareTo(widened(high)) < 0);
    }

    /** INT and BIGINT values as long, so a column and its chunk bounds compare whatever their Java types. */
    private static Object widened(Object v) {
        return v instanceof Integer ? Long.valueOf((Integer) v) : v;
    }

    /** Every live row of the table's latest version, in no particular order. */
    public static List<Map<String, Object>> readAll(Engine engine, String tablePath) {
        List<Map<String, Object>> rows = new ArrayList<>();
        for (LiveFile f : liveFiles(engine, tablePath)) {
            rows.addAll(f.read(engine));
        }
        return rows;
    }

    /**
     * One data file: its {@code add} struct (from the log, or from an AddFile action not committed yet) and how to
     * read it. Reading is done here rather than through {@code Scan.transformPhysicalData}, so a file not yet in the
     * log reads the same way as a committed one.
     */
    public static final class LiveFile {
        private final DeltaLayout layout;
        private final String tableRoot;
        private final Row add;
        private KeyRange keyRange;

        LiveFile(DeltaLayout layout, String tableRoot, Row add) {
            this.layout = layout;
            this.tableRoot = tableRoot;
            this.add = add;
        }

        /** The {@code add} struct of the file's AddFile action, as in the log. */
        public Row addFile() {
            return add;
        }

        /** The file's path as the log holds it (relative to the table for files Kernel wrote). */
        public String path() {
            return add.getString(add.getSchema().indexOf("path"));
        }

        /** The file's path, absolute. */
        public String absolutePath() {
            return absolute(tableRoot, path());
        }

        public long size() {
            return add.getLong(add.getSchema().indexOf("size"));
        }

        /** The file's statistics JSON ({@code numRecords}, {@code minValues}, {@code maxValues}, {@code nullCount}). */
        public Optional<String> statsJson() {
            int i = add.getSchema().indexOf("stats");
            return i < 0 || add.isNullAt(i) ? Optional.empty() : Optional.of(add.getString(i));
        }

        /** Partition values by column name, as the log holds them: strings, null for a null value. */
        public Map<String, String> partitionValues() {
            MapValue m = add.getMap(add.getSchema().indexOf("partitionValues"));
            Map<String, String> byPhysical = new HashMap<>();
            for (int i = 0; i < m.getSize(); i++) {
                byPhysical.put(m.getKeys().getString(i), m.getValues().isNullAt(i) ? null : m.getValues().getString(i));
            }
            Map<String, String> values = new LinkedHashMap<>();
            for (String p : layout.partitionColumns) {
                values.put(p, byPhysical.get(layout.physicalName(p)));
            }
            return Collections.unmodifiableMap(values);
        }

        /** Partition values in canonical values, in partition-column order. */
        List<Object> partitionKey() {
            List<Object> key = new ArrayList<>();
            Map<String, String> values = partitionValues();
            for (String p : layout.partitionColumns) {
                key.add(partitionKeyValue(PartitionValues.parse(layout.schema.get(p).getDataType(), values.get(p))));
            }
            return key;
        }

        /** The range of the layout's range key column from the file's statistics. */
        KeyRange keyRange() {
            if (keyRange == null) {
                String column = layout.rangeKeyIndex < 0 ? null : layout.primaryKey.get(layout.rangeKeyIndex);
                keyRange = column == null ? KeyRange.UNKNOWN : KeyRange.fromStats(statsJson().orElse(null),
                        layout.physicalName(column), layout.schema.get(column).getDataType());
            }
            return keyRange;
        }

        /** Whether the file may hold rows whose {@code column} is in [low, high), by its statistics. */
        boolean mayHoldRange(String column, Object low, Object high) {
            String physical = layout.physicalNameOrNull(column);
            if (physical == null || layout.partitionColumns.contains(column)) {
                return true;
            }
            KeyRange range = KeyRange.fromStats(statsJson().orElse(null), physical,
                    layout.schema.get(column).getDataType());
            return range.mayOverlap(low, high);
        }

        /** The file's rows in canonical values, partition columns filled in. */
        public List<Map<String, Object>> read(Engine engine) {
            FileStatus status = FileStatus.of(absolutePath(), size(),
                    add.getLong(add.getSchema().indexOf("modificationTime")));
            Map<String, String> partitions = partitionValues();
            Map<String, Object> partitionValues = new HashMap<>();
            for (String p : layout.partitionColumns) {
                partitionValues.put(p, PartitionValues.parse(layout.schema.get(p).getDataType(), partitions.get(p)));
            }
            List<Map<String, Object>> rows = new ArrayList<>();
            try (CloseableIterator<ColumnarBatch> data = engine.getParquetHandler()
                    .readParquetFiles(iterator(List.of(status)), layout.physicalSchema, Optional.empty())
                    .map(FileReadResult::getData)) {
                while (data.hasNext()) {
                    try (CloseableIterator<Row> it = data.next().getRows()) {
                        while (it.hasNext()) {
                            rows.add(canonical(it.next(), layout, partitionValues));
                        }
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException("reading " + status.getPath(), e);
            }
            return rows;
        }
    }

    /** The values of {@code columns} in {@code row}, comparable by equals (byte arrays wrapped). */
    static List<Object> keyOf(Map<String, Object> row, List<String> columns) {
        List<Object> key = new ArrayList<>(columns.size());
        for (String c : columns) {
            key.add(partitionKeyValue(row.get(c)));
        }
        return key;
    }

    /** Orders rows by their key columns; the columns' values are canonical, so Comparable, bytes aside. */
    @SuppressWarnings({"unchecked", "rawtypes"})
    private static final java.util.function.Function<List<String>, java.util.Comparator<Map<String, Object>>> KEY_ORDER =
            pk -> (a, b) -> {
                for (String c : pk) {
                    Object x = a.get(c);
                    Object y = b.get(c);
                    int cmp = x instanceof byte[] ? java.util.Arrays.compareUnsigned((byte[]) x, (byte[]) y)
                            : ((Comparable) x).compareTo(y);
                    if (cmp != 0) {
                        return cmp;
                    }
                }
                return 0;
            };

    static String absolute(String tableRoot, String path) {
        try {
            URI root = new URI(tableRoot.endsWith("/") ? tableRoot : tableRoot + "/");
            // The log holds URL-encoded paths; Hadoop's Path(URI) decodes them as Kernel's own reader does.
            return new org.apache.hadoop.fs.Path(root.resolve(new URI(path))).toString();
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("data file path '" + path + "' is not a URI", e);
        }
    }

    private static Object partitionKeyValue(Object v) {
        return v instanceof byte[] ? java.nio.ByteBuffer.wrap((byte[]) v) : v; // arrays compare by identity
    }

    static Literal literal(DataType type, Object v) {
        if (v == null) {
            return Literal.ofNull(type);
        }
        if (type instanceof BooleanType) {
            return Literal.ofBoolean((Boolean) v);
        } else if (type instanceof IntegerType) {
            return Literal.ofInt((Integer) v);
        } else if (type instanceof LongType) {
            return Literal.ofLong((Long) v);
        } else if (type instanceof FloatType) {
            return Literal.ofFloat((Float) v);
        } else if (type instanceof DoubleType) {
            return Literal.ofDouble((Double) v);
        } else if (type instanceof DecimalType) {
            DecimalType d = (DecimalType) type;
            return Literal.ofDecimal((BigDecimal) v, d.getPrecision(), d.getScale());
        } else if (type instanceof StringType) {
            return Literal.ofString((String) v);
        } else if (type instanceof BinaryType) {
            return Literal.ofBinary((byte[]) v);
        } else if (type instanceof DateType) {
            return Literal.ofDate((Integer) v);
        } else if (type instanceof TimestampType) {
            return Literal.ofTimestamp((Long) v);
        } else if (type instanceof TimestampNTZType) {
            return Literal.ofTimestampNtz((Long) v);
        }
        throw new IllegalArgumentException("no Delta literal for type " + type);
    }

    /** A data file's row (physical names) as canonical values by column name, partition values added. */
    static Map<String, Object> canonical(Row row, DeltaLayout layout, Map<String, Object> partitionValues) {
        Map<String, Object> values = new LinkedHashMap<>();
        for (int i = 0; i < layout.schema.length(); i++) {
            StructField f = layout.schema.at(i);
            if (partitionValues.containsKey(f.getName())) {
                values.put(f.getName(), partitionValues.get(f.getName()));
                continue;
            }
            // A column added after the file was written is not in it: null, as for any reader.
            int at = row.getSchema().indexOf(layout.physicalName(f.getName()));
            values.put(f.getName(), at < 0 || row.isNullAt(at) ? null : value(row, at, f.getDataType()));
        }
        return values;
    }

    private static Object value(Row row, int i, DataType type) {
        if (type instanceof BooleanType) {
            return row.getBoolean(i);
        } else if (type instanceof IntegerType || type instanceof DateType) {
            return row.getInt(i);
        } else if (type instanceof LongType || type instanceof TimestampType || type instanceof TimestampNTZType) {
            return row.getLong(i);
        } else if (type instanceof FloatType) {
            return row.getFloat(i);
        } else if (type instanceof DoubleType) {
            return row.getDouble(i);
        } else if (type instanceof DecimalType) {
            return row.getDecimal(i);
        } else if (type instanceof StringType) {
            return row.getString(i);
        } else if (type instanceof BinaryType) {
            return row.getBinary(i);
        }
        throw new IllegalArgumentException("no canonical value for Delta type " + type);
    }

    static <T> CloseableIterator<T> iterator(List<T> items) {
        Iterator<T> it = items.iterator();
        return new CloseableIterator<T>() {
            @Override
            public boolean hasNext() {
                return it.hasNext();
            }

            @Override
            public T next() {
                return it.next();
            }

            @Override
            public void close() {
            }
        };
    }
}
