package dev.changelake.lake.delta;

import dev.changelake.schema.ColumnType;
import dev.changelake.schema.TableSchema;
import io.delta.kernel.types.BinaryType;
import io.delta.kernel.types.BooleanType;
import io.delta.kernel.types.DataType;
import io.delta.kernel.types.DateType;
import io.delta.kernel.types.DecimalType;
import io.delta.kernel.types.DoubleType;
import io.delta.kernel.types.FieldMetadata;
import io.delta.kernel.types.FloatType;
import io.delta.kernel.types.IntegerType;
import io.delta.kernel.types.LongType;
import io.delta.kernel.types.StringType;
import io.delta.kernel.types.StructField;
import io.delta.kernel.types.StructType;
import io.delta.kernel.types.TimestampNTZType;
import io.delta.kernel.types.TimestampType;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Lake column types to Delta (Kernel) types, making the same choices as {@code IcebergSchemas}: exact decimals,
 * DATETIME as TIMESTAMP_NTZ and MySQL TIMESTAMP as TIMESTAMP (a UTC instant), MySQL TIME as signed microseconds in
 * a LONG. Primary-key and NOT NULL columns are non-nullable. Delta has no identifier fields: the key is the sink's
 * concern. Tables without a primary key
 * are not mirrored to Delta (the job refuses them; Iceberg takes them as append-only changelogs).
 */
public final class DeltaSchemas {
    /** Column comment key, as Spark writes it. */
    static final String COMMENT = "comment";

    private DeltaSchemas() {
    }

    public static StructType toDelta(TableSchema source) {
        Set<String> pk = new HashSet<>(source.primaryKey());
        List<StructField> fields = new ArrayList<>();
        for (TableSchema.Column c : source.columns()) {
            boolean nullable = c.nullable() && !pk.contains(c.name());
            String doc = doc(c.type());
            FieldMetadata meta = doc == null ? FieldMetadata.empty()
                    : FieldMetadata.builder().putString(COMMENT, doc).build();
            fields.add(new StructField(c.name(), type(c.type()), nullable, meta));
        }
        return new StructType(fields);
    }

    /** Delta columns back to lake columns; {@code primaryKey} comes from the table's properties. */
    public static TableSchema fromDelta(dev.changelake.schema.TableId table, StructType schema, List<String> primaryKey) {
        List<TableSchema.Column> columns = new ArrayList<>();
        for (StructField f : schema.fields()) {
            columns.add(new TableSchema.Column(f.getName(), columnType(f.getDataType()), f.isNullable()));
        }
        return new TableSchema(table, columns, primaryKey);
    }

    static ColumnType columnType(DataType t) {
        if (t instanceof BooleanType) {
            return ColumnType.of(ColumnType.Kind.BOOLEAN);
        } else if (t instanceof IntegerType) {
            return ColumnType.of(ColumnType.Kind.INT);
        } else if (t instanceof LongType) {
            return ColumnType.of(ColumnType.Kind.LONG);
        } else if (t instanceof FloatType) {
            return ColumnType.of(ColumnType.Kind.FLOAT);
        } else if (t instanceof DoubleType) {
            return ColumnType.of(ColumnType.Kind.DOUBLE);
        } else if (t instanceof DecimalType) {
            return ColumnType.decimal(((DecimalType) t).getPrecision(), ((DecimalType) t).getScale());
        } else if (t instanceof StringType) {
            return ColumnType.of(ColumnType.Kind.STRING);
        } else if (t instanceof BinaryType) {
            return ColumnType.of(ColumnType.Kind.BINARY);
        } else if (t instanceof DateType) {
            return ColumnType.of(ColumnType.Kind.DATE);
        } else if (t instanceof TimestampNTZType) {
            return ColumnType.of(ColumnType.Kind.TIMESTAMP);
        } else if (t instanceof TimestampType) {
            return ColumnType.of(ColumnType.Kind.TIMESTAMP_TZ);
        }
        throw new IllegalArgumentException("Delta type " + t + " is not one this sink writes");
    }

    public static DataType type(ColumnType t) {
        switch (t.kind()) {
            case BOOLEAN: return BooleanType.BOOLEAN;
            case INT: return IntegerType.INTEGER;
            case LONG: return LongType.LONG;
            case FLOAT: return FloatType.FLOAT;
            case DOUBLE: return DoubleType.DOUBLE;
            case DECIMAL: return new DecimalType(t.precision(), t.scale());
            case STRING: return StringType.STRING;
            case BINARY: return BinaryType.BINARY;
            case DATE: return DateType.DATE;
            // A MySQL TIME is a signed duration up to 838 h, not a time of day: its microseconds.
            case TIME: return LongType.LONG;
            // DATETIME: a wall clock, no zone. Needs the timestampNtz table feature, which Kernel enables on create.
            case TIMESTAMP: return TimestampNTZType.TIMESTAMP_NTZ;
            case TIMESTAMP_TZ: return TimestampType.TIMESTAMP;
            default: throw new IllegalArgumentException("no Delta type for " + t);
        }
    }

    static String doc(ColumnType t) {
        return t.kind() == ColumnType.Kind.TIME ? "MySQL TIME: signed microseconds" : null;
    }
}
