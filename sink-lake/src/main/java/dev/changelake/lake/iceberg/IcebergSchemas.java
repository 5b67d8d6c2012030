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

    /**
     * A lake table's columns as a {@link TableSchema} (identifier fields as the primary key), so rows can be shaped
     * to a table that already exists. The append-only changelog columns are left out: the pipeline adds them.
     * Iceberg long holds both a MySQL BIGINT and a TIME; both travel as a Long, so LONG stands for either.
     */
    public static TableSchema fromIceberg(dev.changelake.schema.TableId table, Schema schema) {
        List<TableSchema.Column> columns = new ArrayList<>();
        for (Types.NestedField f : schema.columns()) {
            if (schema.identifierFieldIds().isEmpty() && ChangelogColumns.NAMES.contains(f.name())) {
                continue;
            }
            columns.add(new TableSchema.Column(f.name(), columnType(f.type()), f.isOptional()));
        }
        List<String> pk = new ArrayList<>();
        for (Integer id : schema.identifierFieldIds()) {
            pk.add(schema.findColumnName(id));
        }
        // Keep the key in column order, as the source declares it.
        pk.sort(java.util.Comparator.comparingInt(n -> schema.columns().indexOf(schema.findField(n))));
        return new TableSchema(table, columns, pk);
    }

    static ColumnType columnType(Type t) {
        switch (t.typeId()) {
            case BOOLEAN: return ColumnType.of(ColumnType.Kind.BOOLEAN);
            case INTEGER: return ColumnType.of(ColumnType.Kind.INT);
            case LONG: return ColumnType.of(ColumnType.Kind.LONG);
            case FLOAT: return ColumnType.of(ColumnType.Kind.FLOAT);
            case DOUBLE: return ColumnType.of(ColumnType.Kind.DOUBLE);
            case DECIMAL: return ColumnType.decimal(((Types.DecimalType) t).precision(), ((Types.DecimalType) t).scale());
            case STRING: return ColumnType.of(ColumnType.Kind.STRING);
            case BINARY: return ColumnType.of(ColumnType.Kind.BINARY);
            case DATE: return ColumnType.of(ColumnType.Kind.DATE);
            case TIMESTAMP:
                return ColumnType.of(((Types.TimestampType) t).shouldAdjustToUTC()
                        ? ColumnType.Kind.TIMESTAMP_TZ : ColumnType.Kind.TIMESTAMP);
            default: throw new IllegalArgumentException("lake column type " + t + " is not one changelake writes");
        }
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
