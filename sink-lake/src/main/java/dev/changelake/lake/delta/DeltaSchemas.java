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
 * concern. Not done yet: the append-only changelog columns Iceberg adds for tables without a primary key.
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
