package dev.changelake.lake.delta;

import io.delta.kernel.data.ColumnVector;
import io.delta.kernel.data.ColumnarBatch;
import io.delta.kernel.types.DataType;
import io.delta.kernel.types.StructField;
import io.delta.kernel.types.StructType;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Rows in canonical values (see {@code ColumnType}) as a Kernel {@link ColumnarBatch}, column by column over the
 * same maps, without copying. Kernel reads INT and DATE through getInt, LONG, TIME and both timestamps (micros)
 * through getLong: exactly the canonical Java types.
 */
final class RowBatch implements ColumnarBatch {
    private final StructType schema;
    private final List<ColumnVector> vectors;
    private final int size;

    RowBatch(StructType schema, List<Map<String, Object>> rows) {
        this.schema = schema;
        this.size = rows.size();
        this.vectors = new ArrayList<>();
        for (StructField f : schema.fields()) {
            vectors.add(new MapColumn(f.getName(), f.getDataType(), rows));
        }
    }

    private RowBatch(StructType schema, List<ColumnVector> vectors, int size) {
        this.schema = schema;
        this.vectors = vectors;
        this.size = size;
    }

    @Override
    public StructType getSchema() {
        return schema;
    }

    @Override
    public ColumnVector getColumnVector(int ordinal) {
        return vectors.get(ordinal);
    }

    @Override
    public int getSize() {
        return size;
    }

    // Kernel drops partition columns (and may add or rename columns) before writing: support all three.
    @Override
    public ColumnarBatch withDeletedColumnAt(int ordinal) {
        List<StructField> fields = new ArrayList<>(schema.fields());
        fields.remove(ordinal);
        List<ColumnVector> vs = new ArrayList<>(vectors);
        vs.remove(ordinal);
        return new RowBatch(new StructType(fields), vs, size);
    }

    @Override
    public ColumnarBatch withNewColumn(int ordinal, StructField field, ColumnVector vector) {
        List<StructField> fields = new ArrayList<>(schema.fields());
        fields.add(ordinal, field);
        List<ColumnVector> vs = new ArrayList<>(vectors);
        vs.add(ordinal, vector);
        return new RowBatch(new StructType(fields), vs, size);
    }

    @Override
    public ColumnarBatch withNewSchema(StructType newSchema) {
        if (newSchema.length() != vectors.size()) {
            throw new IllegalArgumentException("schema " + newSchema + " does not have " + vectors.size() + " columns");
        }
        return new RowBatch(newSchema, vectors, size);
    }

    private static final class MapColumn implements ColumnVector {
        private final String name;
        private final DataType type;
        private final List<Map<String, Object>> rows;

        MapColumn(String name, DataType type, List<Map<String, Object>> rows) {
            this.name = name;
            this.type = type;
            this.rows = rows;
        }

        private Object value(int row) {
            return rows.get(row).get(name);
        }

        @Override
        public DataType getDataType() {
            return type;
        }

        @Override
        public int getSize() {
            return rows.size();
        }

        @Override
        public void close() {
        }

        @Override
        public boolean isNullAt(int row) {
            return value(row) == null;
        }

        @Override
        public boolean getBoolean(int row) {
            return (Boolean) value(row);
        }

        @Override
        public int getInt(int row) {
            return (Integer) value(row);
        }

        @Override
        public long getLong(int row) {
            return (Long) value(row);
        }

        @Override
        public float getFloat(int row) {
            return (Float) value(row);
        }

        @Override
        public double getDouble(int row) {
            return (Double) value(row);
        }

        @Override
        public byte[] getBinary(int row) {
            return (byte[]) value(row);
        }

        @Override
        public String getString(int row) {
            return (String) value(row);
        }

        @Override
        public BigDecimal getDecimal(int row) {
            return (BigDecimal) value(row);
        }
    }
}
