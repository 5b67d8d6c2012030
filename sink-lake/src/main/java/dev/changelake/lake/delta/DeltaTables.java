package dev.changelake.lake.delta;

import dev.changelake.schema.TableSchema;
import io.delta.kernel.Operation;
import io.delta.kernel.Snapshot;
import io.delta.kernel.TableManager;
import io.delta.kernel.engine.Engine;
import io.delta.kernel.exceptions.TableAlreadyExistsException;
import io.delta.kernel.exceptions.TableNotFoundException;
import io.delta.kernel.expressions.Column;
import io.delta.kernel.transaction.DataLayoutSpec;
import io.delta.kernel.types.StructField;
import io.delta.kernel.types.StructType;
import io.delta.kernel.utils.CloseableIterable;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Delta table lifecycle through Kernel: creation, adding columns, the properties this sink keeps on a table. */
public final class DeltaTables {
    /** The engine info Kernel records in each commit. */
    public static final String ENGINE_INFO = "changelake";
    /** The primary key, comma-separated in column order: Delta has no key of its own, the sink and verify need it. */
    public static final String PRIMARY_KEY_PROPERTY = "changelake.primary-key";
    /**
     * The one sink that writes the table. Delta on S3 has no atomic put-if-absent for log entries in the default
     * log store: two writers could both write version N and one would silently lose. So a table belongs to one sink.
     */
    public static final String WRITER_PROPERTY = "changelake.writer";

    private DeltaTables() {
    }

    /**
     * Creates the table (version 0: protocol and metadata only) unless one exists at {@code tablePath}; an existing
     * table is left as it is, whatever its schema. Column mapping by name is on, so columns can be added later.
     * Returns whether this call created it.
     *
     * @param writer the sink that will write it ({@link #WRITER_PROPERTY}), or null for none recorded
     */
    public static boolean create(Engine engine, String tablePath, TableSchema schema, List<String> partitionColumns,
            Map<String, String> properties, String writer) {
        if (latest(engine, tablePath).isPresent()) {
            return false;
        }
        StructType deltaSchema = DeltaSchemas.toDelta(schema);
        List<Column> partitions = new ArrayList<>();
        for (String p : partitionColumns) {
            if (deltaSchema.indexOf(p) < 0) {
                throw new IllegalArgumentException("partition column '" + p + "' is not a column of "
                        + schema.table() + "; columns are " + deltaSchema.fieldNames());
            }
            PartitionValues.check(p, deltaSchema.get(p).getDataType());
            partitions.add(new Column(p));
        }
        Map<String, String> props = new HashMap<>(properties);
        props.put(DeltaLayout.COLUMN_MAPPING_MODE, "name");
        if (schema.hasPrimaryKey()) {
            props.put(PRIMARY_KEY_PROPERTY, String.join(",", schema.primaryKey()));
        }
        if (writer != null) {
            props.put(WRITER_PROPERTY, writer);
        }
        try {
            TableManager.buildCreateTableTransaction(tablePath, deltaSchema, ENGINE_INFO)
                    .withTableProperties(props)
                    .withDataLayoutSpec(partitions.isEmpty() ? DataLayoutSpec.noDataLayout()
                            : DataLayoutSpec.partitioned(partitions))
                    .build(engine)
                    .commit(engine, CloseableIterable.emptyIterable());
            return true;
        } catch (TableAlreadyExistsException e) {
            return false; // another creator won the race: the same outcome as finding it
        }
    }

    /** As {@link #create(Engine, String, TableSchema, List, Map, String)} with no writer recorded. */
    public static boolean create(Engine engine, String tablePath, TableSchema schema, List<String> partitionColumns,
            Map<String, String> properties) {
        return create(engine, tablePath, schema, partitionColumns, properties, null);
    }

    /**
     * Adds to the table the columns of {@code wanted} it lacks, nullable (rows written before have none), in one
     * metadata commit; columns the table has are left as they are, including ones {@code wanted} lacks (a column
     * dropped at the source stays, with nulls in new rows). Returns the names added.
     */
    public static List<String> addColumns(Engine engine, String tablePath, TableSchema wanted) {
        return addColumns(engine, snapshot(engine, tablePath), List.of(wanted));
    }

    /** As {@link #addColumns(Engine, String, TableSchema)} on {@code snapshot}, for the columns of every schema. */
    static List<String> addColumns(Engine engine, Snapshot snapshot, java.util.Collection<TableSchema> wanted) {
        StructType evolved = snapshot.getSchema();
        List<String> added = new ArrayList<>();
        for (TableSchema schema : wanted) {
            for (StructField f : DeltaSchemas.toDelta(schema).fields()) {
                if (evolved.indexOf(f.getName()) < 0) {
                    evolved = evolved.add(new StructField(f.getName(), f.getDataType(), true, f.getMetadata()));
                    added.add(f.getName());
                }
            }
        }
        if (!added.isEmpty()) {
            snapshot.buildUpdateTableTransaction(ENGINE_INFO, Operation.MANUAL_UPDATE)
                    .withUpdatedSchema(evolved)
                    .build(engine)
                    .commit(engine, CloseableIterable.emptyIterable());
        }
        return added;
    }

    /**
     * The table as a lake {@link TableSchema}: its columns with the primary key this sink recorded. Types map back
     * as {@link DeltaSchemas#toDelta} maps them (a TIME column reads as LONG, its storage).
     */
    public static TableSchema tableSchema(Snapshot snapshot, dev.changelake.schema.TableId source) {
        return DeltaSchemas.fromDelta(source, snapshot.getSchema(), DeltaLayout.of(snapshot).primaryKey);
    }

    /** The latest snapshot, or empty where no Delta table is. */
    public static Optional<Snapshot> latest(Engine engine, String tablePath) {
        try {
            return Optional.of(TableManager.loadSnapshot(tablePath).build(engine));
        } catch (TableNotFoundException e) {
            return Optional.empty();
        }
    }

    /** The latest snapshot; fails naming the path where no Delta table is. */
    public static Snapshot snapshot(Engine engine, String tablePath) {
        return latest(engine, tablePath).orElseThrow(
                () -> new IllegalStateException("no Delta table at " + tablePath));
    }
}
