package dev.changelake.lake.iceberg;

import dev.changelake.schema.ColumnType;
import dev.changelake.schema.TableSchema;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.iceberg.Schema;
import org.apache.iceberg.types.Type;
import org.apache.iceberg.types.Types;

/**
 * Lake column types to Iceberg types (the table in docs/types.md); the primary key becomes the schema's identifier
 * fields.
 */
public final class IcebergSchemas {
    private IcebergSchemas() {
    }

    public static Schema toIceberg(TableSchema source) {
        Set<String> pk = new HashSet<>(source.primaryKey());
        List<Types.NestedField> fields = new ArrayList<>();
        Set<Integer> identifiers = new HashSet<>();
        int id = 1;
        for (TableSchema.Column c : source.columns()) {
            // Identifier fields must be required; primary-key columns are NOT NULL in MySQL anyway.
            boolean required = pk.contains(c.name()) || !c.nullable();
            Types.NestedField f = required ? Types.NestedField.required(id, c.name(), type(c.type()), doc(c.type()))
                    : Types.NestedField.optional(id, c.name(), type(c.type()), doc(c.type()));
            fields.add(f);
            if (pk.contains(c.name())) {
                identifiers.add(id);
            }
            id++;
        }
        if (!source.hasPrimaryKey()) {
            ChangelogColumns.checkNoClash(source);
            fields.addAll(ChangelogColumns.fields(id)); // an append-only changelog: see ChangelogColumns
        }
        return new Schema(fields, identifiers);
    }

    public static Type type(ColumnType t) {
        switch (t.kind()) {
            case BOOLEAN: return Types.BooleanType.get();
            case INT: return Types.IntegerType.get();
            case LONG: return Types.LongType.get();
            case FLOAT: return Types.FloatType.get();
            case DOUBLE: return Types.DoubleType.get();
            case DECIMAL: return Types.DecimalType.of(t.precision(), t.scale());
            case STRING: return Types.StringType.get();
            case BINARY: return Types.BinaryType.get();
            case DATE: return Types.DateType.get();
            // Iceberg's time is a time of day; a MySQL TIME is a signed duration up to 838 h: its microseconds.
            case TIME: return Types.LongType.get();
            case TIMESTAMP: return Types.TimestampType.withoutZone();
            case TIMESTAMP_TZ: return Types.TimestampType.withZone();
            default: throw new IllegalArgumentException("no Iceberg type for " + t);
        }
    }

    /** A column comment where the Iceberg type alone does not say how to read the value. */
    static String doc(ColumnType t) {
        return t.kind() == ColumnType.Kind.TIME ? "MySQL TIME: signed microseconds" : null;
    }
}
