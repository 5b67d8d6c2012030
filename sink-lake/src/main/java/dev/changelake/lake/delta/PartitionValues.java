package dev.changelake.lake.delta;

import io.delta.kernel.types.BooleanType;
import io.delta.kernel.types.DataType;
import io.delta.kernel.types.DateType;
import io.delta.kernel.types.DecimalType;
import io.delta.kernel.types.IntegerType;
import io.delta.kernel.types.LongType;
import io.delta.kernel.types.StringType;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.Set;

/**
 * Partition values as the Delta log holds them (strings, per the protocol's partition value serialization) back to
 * canonical values. Only the types that make sense as partitions of a mirrored table are allowed; a table is refused
 * at creation when a partition column has another type ({@link #check}).
 */
final class PartitionValues {
    private static final Set<Class<? extends DataType>> ALLOWED = Set.of(StringType.class, IntegerType.class,
            LongType.class, BooleanType.class, DateType.class, DecimalType.class);

    private PartitionValues() {
    }

    static boolean allowed(DataType type) {
        return ALLOWED.contains(type.getClass());
    }

    /** @throws IllegalArgumentException naming the column when its type cannot be a partition column here */
    static void check(String column, DataType type) {
        if (!allowed(type)) {
            throw new IllegalArgumentException("partition column '" + column + "' is " + type + "; Delta tables "
                    + "here are partitioned by STRING, INT, BIGINT, BOOLEAN, DATE or DECIMAL columns");
        }
    }

    static Object parse(DataType type, String text) {
        if (text == null) {
            return null;
        }
        if (type instanceof StringType) {
            return text;
        } else if (type instanceof IntegerType) {
            return Integer.parseInt(text);
        } else if (type instanceof LongType) {
            return Long.parseLong(text);
        } else if (type instanceof BooleanType) {
            return Boolean.parseBoolean(text);
        } else if (type instanceof DateType) {
            return (int) LocalDate.parse(text).toEpochDay();
        } else if (type instanceof DecimalType) {
            return new BigDecimal(text).setScale(((DecimalType) type).getScale());
        }
        throw new IllegalArgumentException("no partition values of type " + type);
    }
}
