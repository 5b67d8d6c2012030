package dev.changelake.jobs.types;

import dev.changelake.schema.ChangeRecord;
import dev.changelake.schema.ColumnType;
import dev.changelake.schema.Op;
import dev.changelake.schema.SourcePosition;
import dev.changelake.schema.TableId;
import dev.changelake.schema.TableSchema;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.base.TypeSerializerSingleton;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/**
 * Writes a {@link ChangeRecord} between operators in a compact, fixed layout instead of Kryo's: no class names, each
 * value with a one-byte tag of its canonical kind (see {@code ColumnType}), maps rebuilt as {@code LinkedHashMap} in
 * their order. Kryo rebuilds collections by adding to a new instance of the same class, which fails for the
 * immutable maps and lists Java hands out; this has no such trap, and is smaller and faster.
 *
 * <p>A ChangeRecord is immutable, so {@link #copy} returns it as is.
 */
public final class ChangeRecordSerializer extends TypeSerializerSingleton<ChangeRecord> {
    private static final long serialVersionUID = 1L;
    public static final ChangeRecordSerializer INSTANCE = new ChangeRecordSerializer();

    private static final Op[] OPS = Op.values();
    private static final ColumnType.Kind[] KINDS = ColumnType.Kind.values();

    private static final byte NULL = 0;
    private static final byte BOOLEAN = 1;
    private static final byte INT = 2;
    private static final byte LONG = 3;
    private static final byte FLOAT = 4;
    private static final byte DOUBLE = 5;
    private static final byte DECIMAL = 6;
    private static final byte STRING = 7;
    private static final byte BYTES = 8;

    @Override
    public boolean isImmutableType() {
        return true;
    }

    @Override
    public ChangeRecord createInstance() {
        return null;
    }

    @Override
    public ChangeRecord copy(ChangeRecord from) {
        return from;
    }

    @Override
    public ChangeRecord copy(ChangeRecord from, ChangeRecord reuse) {
        return from;
    }

    @Override
    public int getLength() {
        return -1;
    }

    @Override
    public void serialize(ChangeRecord r, DataOutputView out) throws IOException {
        writeTable(r.table(), out);
        out.writeByte(r.op().ordinal());
        SourcePosition p = r.position();
        out.writeBoolean(p.snapshot());
        out.writeLong(p.fileSequence());
        out.writeLong(p.position());
        out.writeInt(p.rowIndex());
        writeNullableString(p.gtid(), out);
        out.writeLong(r.sourceTimestampMillis());
        writeSchema(r.schema(), out);
        writeRow(r.key(), out);
        writeRow(r.before(), out);
        writeRow(r.after(), out);
    }

    @Override
    public ChangeRecord deserialize(DataInputView in) throws IOException {
        TableId table = readTable(in);
        Op op = OPS[in.readByte()];
        SourcePosition position = new SourcePosition(in.readBoolean(), in.readLong(), in.readLong(), in.readInt(),
                readNullableString(in));
        long sourceTs = in.readLong();
        TableSchema schema = readSchema(in);
        Map<String, Object> key = readRow(in);
        Map<String, Object> before = readRow(in);
        Map<String, Object> after = readRow(in);
        return new ChangeRecord(table, op, key, before, after, position, sourceTs, schema);
    }

    @Override
    public ChangeRecord deserialize(ChangeRecord reuse, DataInputView in) throws IOException {
        return deserialize(in);
    }

    @Override
    public void copy(DataInputView source, DataOutputView target) throws IOException {
        serialize(deserialize(source), target);
    }

    @Override
    public TypeSerializerSnapshot<ChangeRecord> snapshotConfiguration() {
        return new Snapshot();
    }

    private static void writeTable(TableId t, DataOutputView out) throws IOException {
        out.writeUTF(t.database());
        out.writeUTF(t.table());
    }

    private static TableId readTable(DataInputView in) throws IOException {
        return new TableId(in.readUTF(), in.readUTF());
    }

    private static void writeSchema(TableSchema s, DataOutputView out) throws IOException {
        out.writeBoolean(s != null);
        if (s == null) {
            return;
        }
        writeTable(s.table(), out);
        out.writeInt(s.columns().size());
        for (TableSchema.Column c : s.columns()) {
            out.writeUTF(c.name());
            out.writeByte(c.type().kind().ordinal());
            out.writeInt(c.type().precision());
            out.writeInt(c.type().scale());
            out.writeBoolean(c.nullable());
        }
        out.writeInt(s.primaryKey().size());
        for (String k : s.primaryKey()) {
            out.writeUTF(k);
        }
    }

    private static TableSchema readSchema(DataInputView in) throws IOException {
        if (!in.readBoolean()) {
            return null;
        }
        TableId table = readTable(in);
        int n = in.readInt();
        List<TableSchema.Column> columns = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            String name = in.readUTF();
            ColumnType.Kind kind = KINDS[in.readByte()];
            int precision = in.readInt();
            int scale = in.readInt();
            ColumnType type = kind == ColumnType.Kind.DECIMAL ? ColumnType.decimal(precision, scale) : ColumnType.of(kind);
            columns.add(new TableSchema.Column(name, type, in.readBoolean()));
        }
        int k = in.readInt();
        List<String> pk = new ArrayList<>(k);
        for (int i = 0; i < k; i++) {
            pk.add(in.readUTF());
        }
        return new TableSchema(table, columns, pk);
    }

    private static void writeRow(Map<String, Object> row, DataOutputView out) throws IOException {
        if (row == null) {
            out.writeInt(-1);
            return;
        }
        out.writeInt(row.size());
        for (Map.Entry<String, Object> e : row.entrySet()) {
            out.writeUTF(e.getKey());
            writeValue(e.getValue(), out);
        }
    }

    private static Map<String, Object> readRow(DataInputView in) throws IOException {
        int n = in.readInt();
        if (n < 0) {
            return null;
        }
        Map<String, Object> row = new LinkedHashMap<>(Math.max(4, n * 4 / 3 + 1));
        for (int i = 0; i < n; i++) {
            row.put(in.readUTF(), readValue(in));
        }
        return row;
    }

    private static void writeValue(Object v, DataOutputView out) throws IOException {
        if (v == null) {
            out.writeByte(NULL);
        } else if (v instanceof String) {
            out.writeByte(STRING);
            byte[] utf8 = ((String) v).getBytes(java.nio.charset.StandardCharsets.UTF_8);
            out.writeInt(utf8.length); // not writeUTF: values may exceed its 64 KB limit
            out.write(utf8);
        } else if (v instanceof Long) {
            out.writeByte(LONG);
            out.writeLong((Long) v);
        } else if (v instanceof Integer) {
            out.writeByte(INT);
            out.writeInt((Integer) v);
        } else if (v instanceof BigDecimal) {
            out.writeByte(DECIMAL);
            BigDecimal d = (BigDecimal) v;
            out.writeInt(d.scale());
            byte[] unscaled = d.unscaledValue().toByteArray();
            out.writeInt(unscaled.length);
            out.write(unscaled);
        } else if (v instanceof Boolean) {
            out.writeByte(BOOLEAN);
            out.writeBoolean((Boolean) v);
        } else if (v instanceof Double) {
            out.writeByte(DOUBLE);
            out.writeDouble((Double) v);
        } else if (v instanceof Float) {
            out.writeByte(FLOAT);
            out.writeFloat((Float) v);
        } else if (v instanceof byte[]) {
            out.writeByte(BYTES);
            out.writeInt(((byte[]) v).length);
            out.write((byte[]) v);
        } else {
            throw new IOException("a change record value of " + v.getClass().getName()
                    + " is not one of the canonical kinds (see ColumnType)");
        }
    }

    private static Object readValue(DataInputView in) throws IOException {
        byte tag = in.readByte();
        switch (tag) {
            case NULL: return null;
            case BOOLEAN: return in.readBoolean();
            case INT: return in.readInt();
            case LONG: return in.readLong();
            case FLOAT: return in.readFloat();
            case DOUBLE: return in.readDouble();
            case DECIMAL: {
                int scale = in.readInt();
                byte[] unscaled = new byte[in.readInt()];
                in.readFully(unscaled);
                return new BigDecimal(new BigInteger(unscaled), scale);
            }
            case STRING: {
                byte[] utf8 = new byte[in.readInt()];
                in.readFully(utf8);
                return new String(utf8, java.nio.charset.StandardCharsets.UTF_8);
            }
            case BYTES: {
                byte[] bytes = new byte[in.readInt()];
                in.readFully(bytes);
                return bytes;
            }
            default: throw new IOException("unknown value tag " + tag + " in a serialized change record");
        }
    }

    private static void writeNullableString(String s, DataOutputView out) throws IOException {
        out.writeBoolean(s != null);
        if (s != null) {
            out.writeUTF(s);
        }
    }

    private static String readNullableString(DataInputView in) throws IOException {
        return in.readBoolean() ? in.readUTF() : null;
    }

    /** Version 1 of the layout above; a new layout gets a new version and a read path for the old one. */
    public static final class Snapshot extends SimpleTypeSerializerSnapshot<ChangeRecord> {
        public Snapshot() {
            super(() -> INSTANCE);
        }
    }
}
