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
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.base.TypeSerializerSingleton;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.apache.flink.core.memory.DataOutputView;

/**
 * Writes a {@link ChangeRecord} between operators in a compact, fixed layout instead of Kryo's: no class names, each
 * value with a one-byte tag of its canonical kind (see {@code ColumnType}), maps rebuilt as {@code LinkedHashMap} in
 * their order. Kryo rebuilds collections by adding to a new instance of the same class, which fails for the
 * immutable maps and lists Java hands out; this has no such trap, and is smaller and faster.
 *
 * <p>Every record is self-contained: it carries its whole {@link TableSchema}, so any instance of this serializer, in
 * any JVM, reads it, whatever it read before (network, spilled data, state restored from a checkpoint). Writing the
 * schema once per stream and then a reference to it would not be: Flink does not promise that the reader of a record
 * read the records before it. What is saved is only the work, never the information:
 * <ul>
 * <li>The schema is one block ({@link #encodeSchema}: the table, the columns, the key; a DECIMAL's precision and
 *     scale only where they mean something). A thread keeps the blocks of the last few schemas it wrote, by identity
 *     (the decoder and the shaper hand out one TableSchema instance per schema), and copies the block; a reading
 *     thread keeps the last few blocks it read with the TableSchema each became, compares the block read with them
 *     byte for byte, and hands out the same instance (a TableSchema is immutable). A block not seen is decoded.
 * <li>The record's table is the schema's when they are equal, and then not written again.
 * <li>A row whose column names are, in order, those of the schema (the after and before images) or of its primary
 *     key (the key) is written as values only; the reader takes the names from the schema.
 * </ul>
 *
 * <p>Layout 2 (this one) starts with the byte {@value #LAYOUT_2}. Layout 1 (before it) started with the length of the
 * database name as {@code writeUTF} writes it, whose first byte is 0 for any name MySQL allows (at most 64
 * characters, so under 256 bytes); such records are still read, by the old path.
 *
 * <p>A ChangeRecord is immutable, so {@link #copy} returns it as is.
 */
public final class ChangeRecordSerializer extends TypeSerializerSingleton<ChangeRecord> {
    private static final long serialVersionUID = 1L;
    public static final ChangeRecordSerializer INSTANCE = new ChangeRecordSerializer();

    private static final Op[] OPS = Op.values();
    private static final ColumnType.Kind[] KINDS = ColumnType.Kind.values();

    static final byte LAYOUT_2 = 2;

    // Flags of a layout-2 record, beside the op's ordinal in the low 3 bits.
    private static final int OP_MASK = 0x07;
    private static final int SNAPSHOT = 0x08;
    private static final int GTID = 0x10;
    private static final int HAS_SCHEMA = 0x20;
    private static final int TABLE_IS_SCHEMAS = 0x40;

    // How a row is written.
    private static final byte ROW_NULL = 0;
    private static final byte ROW_NAMED = 1;
    private static final byte ROW_BY_SCHEMA = 2;

    private static final int NULLABLE = 0x80;

    private static final byte NULL = 0;
    private static final byte BOOLEAN = 1;
    private static final byte INT = 2;
    private static final byte LONG = 3;
    private static final byte FLOAT = 4;
    private static final byte DOUBLE = 5;
    private static final byte DECIMAL = 6;
    private static final byte STRING = 7;
    private static final byte BYTES = 8;

    static {
        if (OPS.length > OP_MASK + 1 || KINDS.length > NULLABLE) {
            throw new ExceptionInInitializerError("Op or ColumnType.Kind outgrew the serialized layout");
        }
    }

    /** Schema blocks of this thread: see the class comment. Per thread, as the serializer is one shared instance. */
    private static final ThreadLocal<SchemaBlocks> BLOCKS = ThreadLocal.withInitial(SchemaBlocks::new);

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
        TableSchema schema = r.schema();
        SourcePosition p = r.position();
        SchemaBlock block = schema == null ? null : BLOCKS.get().written(schema);
        boolean tableIsSchemas = schema != null && schema.table().equals(r.table());
        out.writeByte(LAYOUT_2);
        out.writeByte(r.op().ordinal() | (p.snapshot() ? SNAPSHOT : 0) | (p.gtid() != null ? GTID : 0)
                | (schema != null ? HAS_SCHEMA : 0) | (tableIsSchemas ? TABLE_IS_SCHEMAS : 0));
        if (block != null) {
            out.writeInt(block.bytes.length);
            out.write(block.bytes);
        }
        if (!tableIsSchemas) {
            writeTable(r.table(), out);
        }
        out.writeLong(p.fileSequence());
        out.writeLong(p.position());
        out.writeInt(p.rowIndex());
        if (p.gtid() != null) {
            out.writeUTF(p.gtid());
        }
        out.writeLong(r.sourceTimestampMillis());
        writeRow(r.key(), block == null ? null : block.primaryKey, out);
        writeRow(r.before(), block == null ? null : block.columns, out);
        writeRow(r.after(), block == null ? null : block.columns, out);
    }

    @Override
    public ChangeRecord deserialize(DataInputView in) throws IOException {
        byte layout = in.readByte();
        if (layout == 0) {
            return deserializeLayout1(in);
        }
        if (layout != LAYOUT_2) {
            throw new IOException("unknown change record layout " + layout + " (this serializer reads 1 and 2)");
        }
        int flags = in.readUnsignedByte();
        SchemaBlock block = null;
        if ((flags & HAS_SCHEMA) != 0) {
            block = BLOCKS.get().read(in);
        }
        TableId table;
        if ((flags & TABLE_IS_SCHEMAS) != 0) {
            if (block == null) {
                throw new IOException("a change record whose table is its schema's, without a schema");
            }
            table = block.schema.table();
        } else {
            table = readTable(in);
        }
        SourcePosition position = new SourcePosition((flags & SNAPSHOT) != 0, in.readLong(), in.readLong(),
                in.readInt(), (flags & GTID) != 0 ? in.readUTF() : null);
        long sourceTs = in.readLong();
        Map<String, Object> key = readRow(in, block == null ? null : block.primaryKey);
        Map<String, Object> before = readRow(in, block == null ? null : block.columns);
        Map<String, Object> after = readRow(in, block == null ? null : block.columns);
        return new ChangeRecord(table, OPS[flags & OP_MASK], key, before, after, position, sourceTs,
                block == null ? null : block.schema);
    }

    /** A record of layout 1, its first byte (the high byte of the database name's length) already read. */
    private static ChangeRecord deserializeLayout1(DataInputView in) throws IOException {
        byte[] utf = new byte[2 + in.readUnsignedByte()];
        utf[1] = (byte) (utf.length - 2);
        in.readFully(utf, 2, utf.length - 2);
        String database = new java.io.DataInputStream(new java.io.ByteArrayInputStream(utf)).readUTF();
        TableId table = new TableId(database, in.readUTF());
        Op op = OPS[in.readByte()];
        SourcePosition position = new SourcePosition(in.readBoolean(), in.readLong(), in.readLong(), in.readInt(),
                readNullableString(in));
        long sourceTs = in.readLong();
        TableSchema schema = readSchemaLayout1(in);
        Map<String, Object> key = readRowLayout1(in);
        Map<String, Object> before = readRowLayout1(in);
        Map<String, Object> after = readRowLayout1(in);
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

    /** The schema block: the table, each column (name, kind and nullability, a DECIMAL's precision and scale), the key. */
    static byte[] encodeSchema(TableSchema s) throws IOException {
        DataOutputSerializer out = new DataOutputSerializer(64 + 16 * s.columns().size());
        writeTable(s.table(), out);
        out.writeInt(s.columns().size());
        for (TableSchema.Column c : s.columns()) {
            out.writeUTF(c.name());
            ColumnType t = c.type();
            out.writeByte(t.kind().ordinal() | (c.nullable() ? NULLABLE : 0));
            if (t.kind() == ColumnType.Kind.DECIMAL) {
                out.writeInt(t.precision());
                out.writeInt(t.scale());
            }
        }
        out.writeInt(s.primaryKey().size());
        for (String k : s.primaryKey()) {
            out.writeUTF(k);
        }
        return out.getCopyOfBuffer();
    }

    static TableSchema decodeSchema(DataInputView in) throws IOException {
        TableId table = readTable(in);
        int n = in.readInt();
        List<TableSchema.Column> columns = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            String name = in.readUTF();
            int kindAndNullable = in.readUnsignedByte();
            ColumnType.Kind kind = KINDS[kindAndNullable & ~NULLABLE];
            ColumnType type = kind == ColumnType.Kind.DECIMAL ? ColumnType.decimal(in.readInt(), in.readInt())
                    : ColumnType.of(kind);
            columns.add(new TableSchema.Column(name, type, (kindAndNullable & NULLABLE) != 0));
        }
        int k = in.readInt();
        List<String> pk = new ArrayList<>(k);
        for (int i = 0; i < k; i++) {
            pk.add(in.readUTF());
        }
        return new TableSchema(table, columns, pk);
    }

    private static TableSchema readSchemaLayout1(DataInputView in) throws IOException {
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

    /** The row: values only when its names are {@code names} in order, else each name with its value. */
    private static void writeRow(Map<String, Object> row, String[] names, DataOutputView out) throws IOException {
        if (row == null) {
            out.writeByte(ROW_NULL);
            return;
        }
        if (names != null && hasNames(row, names)) {
            out.writeByte(ROW_BY_SCHEMA);
            for (Object v : row.values()) {
                writeValue(v, out);
            }
            return;
        }
        out.writeByte(ROW_NAMED);
        out.writeInt(row.size());
        for (Map.Entry<String, Object> e : row.entrySet()) {
            out.writeUTF(e.getKey());
            writeValue(e.getValue(), out);
        }
    }

    private static boolean hasNames(Map<String, Object> row, String[] names) {
        if (row.size() != names.length) {
            return false;
        }
        int i = 0;
        for (String name : row.keySet()) {
            if (!name.equals(names[i++])) {
                return false;
            }
        }
        return true;
    }

    /** A layout-2 row. @param names the schema's names, for a row written by them; null for a record without schema */
    private static Map<String, Object> readRow(DataInputView in, String[] names) throws IOException {
        byte mode = in.readByte();
        switch (mode) {
            case ROW_NULL:
                return null;
            case ROW_BY_SCHEMA: {
                if (names == null) {
                    throw new IOException("a change record row written by its schema, in a record without one");
                }
                Map<String, Object> row = new LinkedHashMap<>(capacity(names.length));
                for (String name : names) {
                    row.put(name, readValue(in));
                }
                return row;
            }
            case ROW_NAMED: {
                int n = in.readInt();
                Map<String, Object> row = new LinkedHashMap<>(capacity(n));
                for (int i = 0; i < n; i++) {
                    row.put(in.readUTF(), readValue(in));
                }
                return row;
            }
            default:
                throw new IOException("unknown row mode " + mode + " in a serialized change record");
        }
    }

    /** A layout-1 row: its size (-1 for none), then each name and value. */
    private static Map<String, Object> readRowLayout1(DataInputView in) throws IOException {
        int n = in.readInt();
        if (n < 0) {
            return null;
        }
        Map<String, Object> row = new LinkedHashMap<>(capacity(n));
        for (int i = 0; i < n; i++) {
            row.put(in.readUTF(), readValue(in));
        }
        return row;
    }

    /** A HashMap capacity that holds {@code n} entries without resizing. */
    private static int capacity(int n) {
        return n < 3 ? n + 1 : (int) ((float) n / 0.75f + 1.0f);
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

    private static String readNullableString(DataInputView in) throws IOException {
        return in.readBoolean() ? in.readUTF() : null;
    }

    /** A schema with its encoded block, and the names its rows are written by. Immutable. */
    static final class SchemaBlock {
        final TableSchema schema;
        final byte[] bytes;
        final String[] columns;
        final String[] primaryKey;

        SchemaBlock(TableSchema schema, byte[] bytes) {
            this.schema = schema;
            this.bytes = bytes;
            this.columns = new String[schema.columns().size()];
            for (int i = 0; i < columns.length; i++) {
                columns[i] = schema.columns().get(i).name();
            }
            this.primaryKey = schema.primaryKey().toArray(new String[0]);
        }
    }

    /**
     * One thread's last few schema blocks written (by TableSchema identity) and read (by content). Only a cache: a
     * miss encodes or decodes the block, so what a record means never depends on what the thread saw before.
     */
    static final class SchemaBlocks {
        private static final int SIZE = 8;

        private final SchemaBlock[] written = new SchemaBlock[SIZE];
        private int nextWritten;
        private final SchemaBlock[] read = new SchemaBlock[SIZE];
        private int nextRead;
        private byte[] scratch = new byte[512];
        private final DataInputDeserializer scratchIn = new DataInputDeserializer();

        SchemaBlock written(TableSchema schema) throws IOException {
            for (SchemaBlock b : written) {
                if (b != null && b.schema == schema) {
                    return b;
                }
            }
            SchemaBlock b = new SchemaBlock(schema, encodeSchema(schema));
            written[nextWritten] = b;
            nextWritten = (nextWritten + 1) % SIZE;
            return b;
        }

        /** The block at the input's position (its length, then its bytes), as the TableSchema it holds. */
        SchemaBlock read(DataInputView in) throws IOException {
            int length = in.readInt();
            if (length < 0) {
                throw new IOException("negative schema block length " + length + " in a serialized change record");
            }
            if (scratch.length < length) {
                scratch = new byte[Math.max(length, scratch.length * 2)];
            }
            in.readFully(scratch, 0, length);
            for (SchemaBlock b : read) {
                if (b != null && b.bytes.length == length && Arrays.equals(b.bytes, 0, length, scratch, 0, length)) {
                    return b;
                }
            }
            scratchIn.setBuffer(scratch, 0, length);
            TableSchema schema = decodeSchema(scratchIn);
            if (scratchIn.available() != 0) {
                throw new IOException("schema block of a serialized change record has " + scratchIn.available()
                        + " bytes left over");
            }
            SchemaBlock b = new SchemaBlock(schema, Arrays.copyOf(scratch, length));
            read[nextRead] = b;
            nextRead = (nextRead + 1) % SIZE;
            return b;
        }
    }

    /**
     * The serializer's snapshot. Layouts are told apart by each record's first byte (see the class comment), so the
     * serializer reading layout 2 reads state and in-flight data of layout 1 as is.
     */
    public static final class Snapshot extends SimpleTypeSerializerSnapshot<ChangeRecord> {
        public Snapshot() {
            super(() -> INSTANCE);
        }
    }
}
