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
 * for) into AddFile actions to commit, and reading the live files back. Rows are canonical value maps (column name
 * to the Java type {@code ColumnType} names), as {@code ChangeRecord.after()} holds them.
 * <p>
 * Reading assumes no column mapping (physical = logical names) and no deletion vectors: the tables this sink
 * creates have neither; a table with column mapping is refused.
 */
public final class DeltaFiles {
    private DeltaFiles() {
    }

    /**
     * Writes {@code rows} as Parquet files under the table (one or more per partition) and returns the AddFile action
     * rows ({@code SingleAction} rows with {@code add} set) for {@link DeltaCommitter#commit}. Nothing is visible until
     * committed. Rows missing a nullable column write null there; a row missing a NOT NULL column is refused before
     * anything is written. Keys that are not columns are ignored.
     */
    public static List<Row> write(Engine engine, String tablePath, List<Map<String, Object>> rows) {
        if (rows.isEmpty()) {
            return List.of();
        }
        Snapshot snapshot = DeltaTables.snapshot(engine, tablePath);
        refuseColumnMapping(snapshot);
        // A transaction that is never committed: it only supplies the state the write functions need.
        Transaction txn = snapshot.buildUpdateTableTransaction(DeltaTables.ENGINE_INFO, Operation.WRITE).build(engine);
        Row txnState = txn.getTransactionState(engine);
        StructType schema = snapshot.getSchema();
        List<String> partitionColumns = snapshot.getPartitionColumnNames();

        Map<List<Object>, List<Map<String, Object>>> byPartition = new LinkedHashMap<>();
        for (Map<String, Object> row : rows) {
            for (StructField f : schema.fields()) {
                // Kernel does not check nullability; a null in a required Parquet column would break the file.
                if (!f.isNullable() && row.get(f.getName()) == null) {
                    throw new IllegalArgumentException("column '" + f.getName() + "' of " + tablePath
                            + " is NOT NULL but a row has no value for it: " + row.keySet());
                }
            }
            List<Object> key = new ArrayList<>();
            for (String p : partitionColumns) {
                key.add(partitionKey(row.get(p)));
            }
            byPartition.computeIfAbsent(key, k -> new ArrayList<>()).add(row);
        }
        List<Row> actions = new ArrayList<>();
        for (List<Map<String, Object>> part : byPartition.values()) {
            Map<String, Literal> partitionValues = new HashMap<>();
            for (String p : partitionColumns) {
                partitionValues.put(p, literal(schema.get(p).getDataType(), part.get(0).get(p)));
            }
            FilteredColumnarBatch batch = new FilteredColumnarBatch(new RowBatch(schema, part), Optional.empty());
            try (CloseableIterator<FilteredColumnarBatch> physical = Transaction.transformLogicalData(
                    engine, txnState, iterator(List.of(batch)), partitionValues)) {
                DataWriteContext context = Transaction.getWriteContext(engine, txnState, partitionValues);
                CloseableIterator<DataFileStatus> written = engine.getParquetHandler().writeParquetFiles(
                        context.getTargetDirectory(), physical, context.getStatisticsColumns());
                try (CloseableIterator<Row> add = Transaction.generateAppendActions(engine, txnState, written, context)) {
                    add.forEachRemaining(actions::add);
                }
            } catch (IOException e) {
                throw new UncheckedIOException("writing Parquet to " + tablePath, e);
            }
        }
        return actions;
    }

    /** The table's live data files in its latest version. */
    public static List<LiveFile> liveFiles(Engine engine, String tablePath) {
        Snapshot snapshot = DeltaTables.snapshot(engine, tablePath);
        refuseColumnMapping(snapshot);
        Scan scan = snapshot.getScanBuilder().build();
        Row scanState = scan.getScanState(engine);
        StructType logical = snapshot.getSchema();
        List<StructField> physicalFields = new ArrayList<>();
        for (StructField f : logical.fields()) {
            if (!snapshot.getPartitionColumnNames().contains(f.getName())) {
                physicalFields.add(f);
            }
        }
        StructType physical = new StructType(physicalFields);
        List<LiveFile> files = new ArrayList<>();
        try (CloseableIterator<FilteredColumnarBatch> batches = scan.getScanFiles(engine, true)) {
            while (batches.hasNext()) {
                try (CloseableIterator<Row> scanFiles = batches.next().getRows()) {
                    while (scanFiles.hasNext()) {
                        files.add(new LiveFile(scanFiles.next(), scanState, logical, physical));
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("listing the files of " + tablePath, e);
        }
        return files;
    }

    /** Every live row of the table's latest version, in no particular order. */
    public static List<Map<String, Object>> readAll(Engine engine, String tablePath) {
        List<Map<String, Object>> rows = new ArrayList<>();
        for (LiveFile f : liveFiles(engine, tablePath)) {
            rows.addAll(f.read(engine));
        }
        return rows;
    }

    /** One live data file: its scan-file row (an {@code add} struct and the table root) and how to read it. */
    public static final class LiveFile {
        private final Row scanFile;
        private final Row scanState;
        private final StructType logical;
        private final StructType physical;

        LiveFile(Row scanFile, Row scanState, StructType logical, StructType physical) {
            this.scanFile = scanFile;
            this.scanState = scanState;
            this.logical = logical;
            this.physical = physical;
        }

        /** The scan-file row as Kernel returns it. */
        public Row scanFileRow() {
            return scanFile;
        }

        /** The {@code add} struct of the file's AddFile action, as in the log. */
        public Row addFile() {
            return scanFile.getStruct(scanFile.getSchema().indexOf("add"));
        }

        /** The file's path as the log holds it (relative to the table for files Kernel wrote). */
        public String path() {
            Row add = addFile();
            return add.getString(add.getSchema().indexOf("path"));
        }

        public long size() {
            return addFile().getLong(addFile().getSchema().indexOf("size"));
        }

        /** The file's statistics JSON ({@code numRecords}, {@code minValues}, {@code maxValues}, {@code nullCount}). */
        public Optional<String> statsJson() {
            Row add = addFile();
            int i = add.getSchema().indexOf("stats");
            return i < 0 || add.isNullAt(i) ? Optional.empty() : Optional.of(add.getString(i));
        }

        /** Partition values as the log holds them: strings, null for a null value. */
        public Map<String, String> partitionValues() {
            Row add = addFile();
            MapValue m = add.getMap(add.getSchema().indexOf("partitionValues"));
            Map<String, String> values = new LinkedHashMap<>();
            for (int i = 0; i < m.getSize(); i++) {
                values.put(m.getKeys().getString(i), m.getValues().isNullAt(i) ? null : m.getValues().getString(i));
            }
            return Collections.unmodifiableMap(values);
        }

        /** The file's rows in canonical values, partition columns filled in. */
        public List<Map<String, Object>> read(Engine engine) {
            Row add = addFile();
            String root = scanFile.getString(scanFile.getSchema().indexOf("tableRoot"));
            FileStatus status = FileStatus.of(absolute(root, path()), size(),
                    add.getLong(add.getSchema().indexOf("modificationTime")));
            List<Map<String, Object>> rows = new ArrayList<>();
            try (CloseableIterator<ColumnarBatch> data = engine.getParquetHandler()
                    .readParquetFiles(iterator(List.of(status)), physical, Optional.empty())
                    .map(FileReadResult::getData);
                    CloseableIterator<FilteredColumnarBatch> logicalData =
                            Scan.transformPhysicalData(engine, scanState, scanFile, data)) {
                while (logicalData.hasNext()) {
                    try (CloseableIterator<Row> it = logicalData.next().getRows()) {
                        while (it.hasNext()) {
                            rows.add(canonical(it.next(), logical));
                        }
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException("reading " + status.getPath(), e);
            }
            return rows;
        }
    }

    static String absolute(String tableRoot, String path) {
        try {
            URI root = new URI(tableRoot.endsWith("/") ? tableRoot : tableRoot + "/");
            // The log holds URL-encoded paths; Hadoop's Path(URI) decodes them as Kernel's own reader does.
            return new org.apache.hadoop.fs.Path(root.resolve(new URI(path))).toString();
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("data file path '" + path + "' is not a URI", e);
        }
    }

    private static void refuseColumnMapping(Snapshot snapshot) {
        String mode = snapshot.getTableProperties().getOrDefault("delta.columnMapping.mode", "none");
        if (!"none".equals(mode)) {
            throw new IllegalStateException("Delta table " + snapshot.getPath() + " has delta.columnMapping.mode="
                    + mode + "; this sink handles only 'none'");
        }
    }

    private static Object partitionKey(Object v) {
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

    static Map<String, Object> canonical(Row row, StructType schema) {
        Map<String, Object> values = new LinkedHashMap<>();
        for (int i = 0; i < schema.length(); i++) {
            StructField f = schema.at(i);
            int at = row.getSchema().indexOf(f.getName());
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
