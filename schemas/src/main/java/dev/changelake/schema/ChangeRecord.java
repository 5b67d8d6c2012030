package dev.changelake.schema;

import java.io.Serializable;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;

/**
 * One row change in canonical form, whatever envelope it arrived in. Column values use the representations
 * documented on {@link ColumnType}. {@code after} is present for reads, inserts and updates; {@code before} where
 * the source gave one; {@code key} always (primary-key columns in key order).
 */
public final class ChangeRecord implements Serializable {
    private static final long serialVersionUID = 1L;

    private final TableId table;
    private final Op op;
    private final Map<String, Object> key;
    private final Map<String, Object> before;
    private final Map<String, Object> after;
    private final SourcePosition position;
    private final long sourceTimestampMillis;
    private final TableSchema schema;

    public ChangeRecord(TableId table, Op op, Map<String, Object> key, Map<String, Object> before,
            Map<String, Object> after, SourcePosition position, long sourceTimestampMillis) {
        this(table, op, key, before, after, position, sourceTimestampMillis, null);
    }

    /** @param schema the table's schema as this change describes it, or null where the change carries none */
    public ChangeRecord(TableId table, Op op, Map<String, Object> key, Map<String, Object> before,
            Map<String, Object> after, SourcePosition position, long sourceTimestampMillis, TableSchema schema) {
        this.table = Objects.requireNonNull(table, "table");
        this.op = Objects.requireNonNull(op, "op");
        this.key = Objects.requireNonNull(key, "key");
        this.before = before;
        this.after = after;
        this.position = Objects.requireNonNull(position, "position");
        this.sourceTimestampMillis = sourceTimestampMillis;
        this.schema = schema;
        if (op.hasAfterImage() && after == null) {
            throw new IllegalArgumentException(op + " change of " + table + " has no row after");
        }
    }

    public TableId table() {
        return table;
    }

    public Op op() {
        return op;
    }

    public Map<String, Object> key() {
        return Collections.unmodifiableMap(key);
    }

    public Map<String, Object> before() {
        return before == null ? null : Collections.unmodifiableMap(before);
    }

    public Map<String, Object> after() {
        return after == null ? null : Collections.unmodifiableMap(after);
    }

    public SourcePosition position() {
        return position;
    }

    public long sourceTimestampMillis() {
        return sourceTimestampMillis;
    }

    /**
     * The table's columns and primary key as the source described them when it wrote this change (they change
     * with {@code ALTER TABLE}); null for a change that carries no row (a TRUNCATE).
     */
    public TableSchema schema() {
        return schema;
    }

    /** This change with {@code after} replaced, e.g. by cleaning rules, described by {@code newSchema}. */
    /** The same change as another kind of change: the sink's hint of how to write it (see CollapseOperator). */
    public ChangeRecord withOp(Op newOp) {
        return newOp == op ? this : new ChangeRecord(table, newOp, key, before, after, position, sourceTimestampMillis, schema);
    }

    public ChangeRecord withAfter(Map<String, Object> newAfter, TableSchema newSchema) {
        return new ChangeRecord(table, op, key, before, newAfter, position, sourceTimestampMillis, newSchema);
    }

    /** A stable text form of the key (values in key order), for keying streams by (table, key). */
    public String keyString() {
        return valuesText(key.values());
    }

    /** The values as one stable text (bytes in Base64), e.g. to key a stream by them. */
    public static String valuesText(Iterable<Object> values) {
        StringBuilder sb = new StringBuilder();
        for (Object v : values) {
            if (sb.length() > 0) {
                sb.append('\u0001');
            }
            sb.append(v instanceof byte[] ? java.util.Base64.getEncoder().encodeToString((byte[]) v) : String.valueOf(v));
        }
        return sb.toString();
    }

    @Override
    public String toString() {
        return op + " " + table + " " + key + " @" + position;
    }
}
