package dev.changelake.lake.delta;

import io.delta.kernel.Snapshot;
import io.delta.kernel.types.StructField;
import io.delta.kernel.types.StructType;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * How a Delta table's rows sit in its data files: logical columns, partition columns, the primary key this sink
 * recorded at creation, and each column's physical name. Tables this sink creates use column mapping by name
 * ({@code delta.columnMapping.mode=name}), the only mode in which Kernel lets a writer add columns; their data files
 * hold the non-partition columns under physical names, and statistics and partition values are keyed by them too.
 * Kernel 4.4 reads such tables but will not transform rows for writing to them, so this class does that mapping.
 */
final class DeltaLayout {
    static final String PHYSICAL_NAME = "delta.columnMapping.physicalName";
    static final String COLUMN_MAPPING_MODE = "delta.columnMapping.mode";

    final StructType schema;
    final List<String> partitionColumns;
    /** The primary key in column order; empty for a table without one. */
    final List<String> primaryKey;
    /**
     * The key column whose file statistics tell files apart: the first key column that is not a partition column
     * (those are not in the files, and one partition holds one value); -1 when every key column partitions.
     */
    final int rangeKeyIndex;
    /** The data files' columns: the non-partition columns under their physical names. */
    final StructType physicalSchema;
    private final Map<String, String> physicalNames = new HashMap<>();

    private DeltaLayout(StructType schema, List<String> partitionColumns, List<String> primaryKey) {
        this.schema = schema;
        this.partitionColumns = List.copyOf(partitionColumns);
        this.primaryKey = List.copyOf(primaryKey);
        int range = -1;
        for (int i = 0; i < primaryKey.size() && range < 0; i++) {
            if (!partitionColumns.contains(primaryKey.get(i))) {
                range = i;
            }
        }
        this.rangeKeyIndex = range;
        List<StructField> physical = new ArrayList<>();
        for (StructField f : schema.fields()) {
            String name = f.getMetadata().contains(PHYSICAL_NAME) ? f.getMetadata().getString(PHYSICAL_NAME) : f.getName();
            physicalNames.put(f.getName(), name);
            if (!partitionColumns.contains(f.getName())) {
                physical.add(new StructField(name, f.getDataType(), f.isNullable(), f.getMetadata()));
            }
        }
        this.physicalSchema = new StructType(physical);
    }

    static DeltaLayout of(Snapshot snapshot) {
        String mode = snapshot.getTableProperties().getOrDefault(COLUMN_MAPPING_MODE, "none");
        if (!"none".equals(mode) && !"name".equals(mode)) {
            throw new IllegalStateException("Delta table " + snapshot.getPath() + " has " + COLUMN_MAPPING_MODE + "="
                    + mode + "; this sink handles 'name' (its own tables) and 'none'");
        }
        String key = snapshot.getTableProperties().getOrDefault(DeltaTables.PRIMARY_KEY_PROPERTY, "");
        List<String> pk = key.isEmpty() ? List.of() : Arrays.asList(key.split(","));
        return new DeltaLayout(snapshot.getSchema(), snapshot.getPartitionColumnNames(), pk);
    }

    String physicalName(String column) {
        String name = physicalNames.get(column);
        if (name == null) {
            throw new IllegalArgumentException("no column '" + column + "' in " + schema.fieldNames());
        }
        return name;
    }

    /** The physical name of a column, or null when the table has no such column. */
    String physicalNameOrNull(String column) {
        return physicalNames.get(column);
    }
}
