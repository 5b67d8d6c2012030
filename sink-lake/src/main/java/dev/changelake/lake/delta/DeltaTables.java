package dev.changelake.lake.delta;

import dev.changelake.schema.TableSchema;
import io.delta.kernel.Snapshot;
import io.delta.kernel.TableManager;
import io.delta.kernel.engine.Engine;
import io.delta.kernel.exceptions.TableAlreadyExistsException;
import io.delta.kernel.exceptions.TableNotFoundException;
import io.delta.kernel.expressions.Column;
import io.delta.kernel.transaction.DataLayoutSpec;
import io.delta.kernel.types.StructType;
import io.delta.kernel.utils.CloseableIterable;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Delta table lifecycle through Kernel's create-table transaction. */
public final class DeltaTables {
    /** The engine info Kernel records in each commit. */
    public static final String ENGINE_INFO = "changelake";

    private DeltaTables() {
    }

    /**
     * Creates the table (version 0: protocol and metadata only) unless one exists at {@code tablePath}; an existing
     * table is left as it is, whatever its schema. Returns whether this call created it.
     */
    public static boolean create(Engine engine, String tablePath, TableSchema schema, List<String> partitionColumns,
            Map<String, String> properties) {
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
            partitions.add(new Column(p));
        }
        try {
            TableManager.buildCreateTableTransaction(tablePath, deltaSchema, ENGINE_INFO)
                    .withTableProperties(properties)
                    .withDataLayoutSpec(partitions.isEmpty() ? DataLayoutSpec.noDataLayout()
                            : DataLayoutSpec.partitioned(partitions))
                    .build(engine)
                    .commit(engine, CloseableIterable.emptyIterable());
            return true;
        } catch (TableAlreadyExistsException e) {
            return false; // another creator won the race: the same outcome as finding it
        }
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
