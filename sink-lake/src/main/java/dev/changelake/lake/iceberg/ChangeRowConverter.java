package dev.changelake.lake.iceberg;

import dev.changelake.schema.ChangeRecord;
import java.io.Serializable;
import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import org.apache.flink.table.data.DecimalData;
import org.apache.flink.table.data.GenericRowData;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.data.StringData;
import org.apache.flink.table.data.TimestampData;
import org.apache.flink.types.RowKind;
import org.apache.iceberg.Schema;
import org.apache.iceberg.types.Type;
import org.apache.iceberg.types.Types;

/**
 * One change to the Flink row Iceberg's writer takes. For a mirror table (identifier fields = primary key): reads,
 * inserts and updates become an upsert of the after image ({@link RowKind#INSERT}: in upsert mode the writer deletes
 * the key first), deletes a {@link RowKind#DELETE} of the key. For an append-only changelog table (no identifier
 * fields: the source has no primary key) every change is appended, with its operation and binlog position.
 */
public final class ChangeRowConverter implements Serializable {
    private static final long serialVersionUID = 1L;

    private final List<Types.NestedField> fields;
    private final boolean appendOnly;

    public ChangeRowConverter(Schema schema) {
        this.fields = schema.columns();
        this.appendOnly = schema.identifierFieldIds().isEmpty();
    }

    public RowData toRow(ChangeRecord change) {
        if (appendOnly) {
            GenericRowData row = row(RowKind.INSERT, change.after() != null ? change.after() : change.before(), null);
            for (int i = 0; i < fields.size(); i++) {
                if (ChangelogColumns.NAMES.contains(fields.get(i).name())) {
                    row.setField(i, internal(fields.get(i).type(), ChangelogColumns.value(fields.get(i).name(), change)));
                }
            }
            return row;
        }
        switch (change.op()) {
            case READ:
            case CREATE:
            case UPDATE:
                return row(RowKind.INSERT, change.after(), null);
            case DELETE:
                // Upsert deletes need only the key; the before image, where present, fills the rest.
                return row(RowKind.DELETE, change.before() != null ? change.before() : change.key(), change.key());
            default:
                throw new IllegalArgumentException(change.op() + " is not a row change");
        }
    }

    private GenericRowData row(RowKind kind, Map<String, Object> values, Map<String, Object> key) {
        GenericRowData row = new GenericRowData(kind, fields.size());
        for (int i = 0; i < fields.size(); i++) {
            Types.NestedField f = fields.get(i);
            Object v = values.get(f.name());
            if (v == null && key != null) {
                v = key.get(f.name());
            }
            row.setField(i, v == null ? null : internal(f.type(), v));
        }
        return row;
    }

    /** Canonical values (see ColumnType) to Flink's internal data structures. */
    static Object internal(Type type, Object v) {
        switch (type.typeId()) {
            case STRING:
                return StringData.fromString((String) v);
            case DECIMAL:
                Types.DecimalType d = (Types.DecimalType) type;
                return DecimalData.fromBigDecimal((BigDecimal) v, d.precision(), d.scale());
            case TIMESTAMP:
                long micros = (Long) v;
                return TimestampData.fromEpochMillis(Math.floorDiv(micros, 1000L), (int) Math.floorMod(micros, 1000L) * 1000);
            default:
                return v; // Boolean, Integer, Long (also TIME micros), Float, Double, byte[], Integer days
        }
    }
}
