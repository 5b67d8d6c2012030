package dev.changelake.schema.format.debezium;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.changelake.schema.ChangeRecord;
import dev.changelake.schema.DecodeException;
import dev.changelake.schema.Op;
import dev.changelake.schema.SourcePosition;
import dev.changelake.schema.TableId;
import dev.changelake.schema.TableSchema;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.avro.LogicalType;
import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericFixed;
import org.apache.avro.generic.GenericRecord;

/**
 * The Debezium envelope as an Avro record, from whichever Avro path it came (single-object encoding with a schema
 * store, or the Glue Schema Registry), into the canonical change: the one place both Avro decoders end in.
 *
 * <p>Avro schemas written from Connect data (Apicurio's and Glue's {@code AvroData}) keep the Connect schema as
 * properties: {@code connect.name} (Debezium's logical name), {@code connect.parameters}, {@code connect.type} (int8,
 * int16). Each Avro field is read back into the Connect field JsonConverter would describe, so that types go through
 * exactly the mapping of the JSON decoder ({@link ConnectField}). Each value is read into the canonical value directly
 * ({@link ConnectValues#decodeAvro}, case by case as {@link ConnectValues#decode} reads the JSON JsonConverter would
 * write for it); a value it does not read directly goes through that JSON ({@link #json}) and {@code decode}, so the
 * two encodings cannot drift apart.
 *
 * <p>Column names: the Avro capture runs Debezium with {@code field.name.adjustment.mode=avro_unicode}, which writes
 * every character an Avro name cannot hold, and '_' itself, as {@code _uXXXX}; that is undone here, so a column
 * {@code order-id} or {@code 1st} keeps its MySQL name in the lake, as with JSON. (A capture without that mode and a
 * column whose real name contains {@code _u} and four hex digits would be misread; the capture config always sets it.)
 */
final class DebeziumAvroEnvelope {
    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;
    private static final String CONNECT_NAME = "connect.name";
    private static final String CONNECT_PARAMETERS = "connect.parameters";
    private static final String CONNECT_TYPE = "connect.type";
    private static final Pattern UNICODE_ESCAPE = Pattern.compile("_u([0-9a-fA-F]{4})");

    /** The columns of each row / key record schema seen, in field order. Schemas are few; records are many. */
    private final Map<Schema, List<Column>> columns = new HashMap<>();
    private final SchemaCache<List<Schema>> schemas = new SchemaCache<>();
    private Schema lastValueSchema;
    private Schema lastKeySchema;
    private TableSchema lastSchema;

    Optional<ChangeRecord> change(GenericRecord key, GenericRecord value) throws DecodeException {
        Op op = op(value);
        GenericRecord source = source(value);
        TableId table = table(source);
        Map<String, Object> keyValues = op == Op.TRUNCATE ? new LinkedHashMap<>() : keyValues(table, key);
        Map<String, Object> before = row(table, value, "before");
        Map<String, Object> after = row(table, value, "after");
        if (op.hasAfterImage() && after == null) {
            throw new DecodeException(op + " change of " + table + " has no 'after' row");
        }
        if (op == Op.DELETE && before == null && keyValues.isEmpty()) {
            throw new DecodeException("delete of " + table + " has neither a key nor a 'before' row");
        }
        try {
            Object snapshot = get(source, "snapshot");
            Object file = get(source, "file");
            Object gtid = get(source, "gtid");
            SourcePosition position = new SourcePosition(snapshot != null && !"false".equals(snapshot.toString()),
                    SourcePosition.fileSequence(file == null ? "" : file.toString()), number(source, "pos").longValue(),
                    number(source, "row").intValue(), gtid == null ? null : gtid.toString());
            TableSchema schema = op == Op.TRUNCATE ? null : schema(table, key, value);
            return Optional.of(new ChangeRecord(table, op, keyValues, before, after, position,
                    number(source, "ts_ms").longValue(), schema));
        } catch (IllegalArgumentException e) {
            throw new DecodeException("bad source block of " + table + ": " + e.getMessage(), e);
        }
    }

    TableSchema schema(GenericRecord key, GenericRecord value) throws DecodeException {
        return schema(table(source(value)), key, value);
    }

    private TableSchema schema(TableId table, GenericRecord key, GenericRecord value) throws DecodeException {
        // Avro schemas are interned by the readers; the value schema names every column, the key schema the key.
        Schema valueSchema = value.getSchema();
        Schema keySchema = key == null ? null : key.getSchema();
        if (valueSchema == lastValueSchema && keySchema == lastKeySchema && lastSchema != null) {
            return lastSchema; // the same writer schemas as the last record: the same instances, from the reader
        }
        List<Schema> id = java.util.Arrays.asList(valueSchema, keySchema);
        TableSchema known = schemas.get(id);
        if (known == null) {
            known = readSchema(table, key, value);
            schemas.put(id, known);
        }
        lastValueSchema = valueSchema;
        lastKeySchema = keySchema;
        lastSchema = known;
        return known;
    }

    private TableSchema readSchema(TableId table, GenericRecord key, GenericRecord value) throws DecodeException {
        Schema rowSchema = rowSchema(value.getSchema(), "after");
        if (rowSchema == null) {
            throw new DecodeException("the envelope schema of " + table + " has no 'after' record");
        }
        List<TableSchema.Column> cols = new ArrayList<>();
        for (Column c : columnsOf(table, rowSchema)) {
            try {
                cols.add(new TableSchema.Column(c.field.name, c.field.lakeType(), c.field.optional));
            } catch (IllegalArgumentException e) {
                throw new DecodeException("column " + table + "." + c.field.name + ": " + e.getMessage(), e);
            }
        }
        List<String> pk = new ArrayList<>();
        if (key != null) { // Debezium sends changes of a table without primary key with no key
            for (Column c : columnsOf(table, key.getSchema())) {
                pk.add(c.field.name);
            }
        }
        return new TableSchema(table, cols, pk);
    }

    /** The primary-key values; empty for a table without primary key (Debezium then sends no key). */
    private Map<String, Object> keyValues(TableId table, GenericRecord key) throws DecodeException {
        return key == null ? new LinkedHashMap<>() : values(table, key, columnsOf(table, key.getSchema()));
    }

    private Map<String, Object> row(TableId table, GenericRecord value, String side) throws DecodeException {
        Object row = get(value, side);
        if (row == null) {
            return null;
        }
        if (!(row instanceof GenericRecord)) {
            throw new DecodeException("envelope field '" + side + "' of " + table + " is not a record");
        }
        GenericRecord r = (GenericRecord) row;
        return values(table, r, columnsOf(table, r.getSchema()));
    }

    private static Map<String, Object> values(TableId table, GenericRecord record, List<Column> cols) throws DecodeException {
        Map<String, Object> values = new LinkedHashMap<>(capacity(cols.size()));
        for (int i = 0, n = cols.size(); i < n; i++) {
            Column c = cols.get(i);
            values.put(c.field.name, ConnectValues.decodeAvro(record.get(c.position), c.schema, c.field, table));
        }
        return values;
    }

    /** A HashMap capacity that holds {@code n} entries without resizing. */
    static int capacity(int n) {
        return n < 3 ? n + 1 : (int) ((float) n / 0.75f + 1.0f);
    }

    private List<Column> columnsOf(TableId table, Schema record) throws DecodeException {
        List<Column> known = columns.get(record);
        if (known != null) {
            return known;
        }
        if (record.getType() != Schema.Type.RECORD) {
            throw new DecodeException("row or key schema of " + table + " is an Avro " + record.getType() + ", not a record");
        }
        List<Column> cols = new ArrayList<>();
        for (Schema.Field f : record.getFields()) {
            cols.add(new Column(f.pos(), f.schema(), ConnectField.parse(connectField(f))));
        }
        columns.put(record, List.copyOf(cols));
        return cols;
    }

    /** The Connect field JsonConverter would write for this Avro field: {@code {field, type, optional, name, parameters}}. */
    static ObjectNode connectField(Schema.Field field) {
        Schema schema = field.schema();
        boolean optional = false;
        if (schema.isUnion()) {
            optional = schema.isNullable();
            schema = nonNull(schema);
        }
        ObjectNode node = JSON.objectNode();
        node.put("field", columnName(field.name()));
        node.put("optional", optional);
        String logicalName = schema.getProp(CONNECT_NAME);
        Map<String, String> parameters = new LinkedHashMap<>();
        Object connectParameters = schema.getObjectProp(CONNECT_PARAMETERS);
        if (connectParameters instanceof Map) {
            ((Map<?, ?>) connectParameters).forEach((k, v) -> parameters.put(String.valueOf(k), String.valueOf(v)));
        }
        LogicalType avroLogical = schema.getLogicalType();
        if (logicalName == null && avroLogical != null) {
            // Written without Connect metadata: Avro's own logical types name the Connect ones.
            logicalName = connectLogicalName(avroLogical, parameters);
        }
        node.put("type", connectType(schema));
        if (logicalName != null) {
            node.put("name", logicalName);
        }
        if (!parameters.isEmpty()) {
            ObjectNode p = node.putObject("parameters");
            parameters.forEach(p::put);
        }
        return node;
    }

    /** The column's MySQL name from its Avro field name: {@code _uXXXX} escapes undone (see the class comment). */
    static String columnName(String avroName) {
        if (avroName.indexOf("_u") < 0) {
            return avroName;
        }
        Matcher m = UNICODE_ESCAPE.matcher(avroName);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            m.appendReplacement(out, Matcher.quoteReplacement(String.valueOf((char) Integer.parseInt(m.group(1), 16))));
        }
        m.appendTail(out);
        return out.toString();
    }

    private static String connectLogicalName(LogicalType logical, Map<String, String> parameters) {
        if (logical instanceof LogicalTypes.Decimal) {
            LogicalTypes.Decimal d = (LogicalTypes.Decimal) logical;
            parameters.putIfAbsent("scale", String.valueOf(d.getScale()));
            parameters.putIfAbsent("connect.decimal.precision", String.valueOf(d.getPrecision()));
            return "org.apache.kafka.connect.data.Decimal";
        }
        switch (logical.getName()) {
            case "date":
                return "org.apache.kafka.connect.data.Date";
            case "time-millis":
                return "org.apache.kafka.connect.data.Time";
            case "timestamp-millis":
                return "org.apache.kafka.connect.data.Timestamp";
            default:
                return null;
        }
    }

    /** Connect's type name for the Avro type, as JsonConverter writes it. */
    private static String connectType(Schema schema) {
        switch (schema.getType()) {
            case BOOLEAN:
                return "boolean";
            case INT:
                String narrow = schema.getProp(CONNECT_TYPE); // int8 and int16 travel as Avro int
                return narrow != null ? narrow : "int32";
            case LONG:
                return "int64";
            case FLOAT:
                return "float";
            case DOUBLE:
                return "double";
            case STRING:
            case ENUM:
                return "string";
            case BYTES:
            case FIXED:
                return "bytes";
            case RECORD:
                return "struct";
            case ARRAY:
                return "array";
            case MAP:
                return "map";
            default:
                return schema.getType().getName();
        }
    }

    private static Schema nonNull(Schema union) {
        for (Schema branch : union.getTypes()) {
            if (branch.getType() != Schema.Type.NULL) {
                return branch;
            }
        }
        return union;
    }

    /** The value as JsonConverter would write it for the same Connect value. */
    static JsonNode json(Object v, Schema schema) {
        if (v == null) {
            return JSON.nullNode();
        }
        if (schema.isUnion()) {
            schema = schema.getTypes().get(GenericData.get().resolveUnion(schema, v));
        }
        switch (schema.getType()) {
            case BOOLEAN:
                return JSON.booleanNode((Boolean) v);
            case INT:
                return JSON.numberNode(((Number) v).intValue());
            case LONG:
                return JSON.numberNode(((Number) v).longValue());
            case FLOAT:
                return JSON.numberNode(((Number) v).floatValue());
            case DOUBLE:
                return JSON.numberNode(((Number) v).doubleValue());
            case BYTES:
            case FIXED:
                return JSON.textNode(Base64.getEncoder().encodeToString(bytes(v)));
            case RECORD:
                GenericRecord r = (GenericRecord) v;
                ObjectNode o = JSON.objectNode();
                for (Schema.Field f : r.getSchema().getFields()) {
                    o.set(f.name(), json(r.get(f.pos()), f.schema()));
                }
                return o;
            case ARRAY:
                ArrayNode a = JSON.arrayNode();
                for (Object e : (Collection<?>) v) {
                    a.add(json(e, schema.getElementType()));
                }
                return a;
            case MAP:
                ObjectNode m = JSON.objectNode();
                for (Map.Entry<?, ?> e : ((Map<?, ?>) v).entrySet()) {
                    m.set(e.getKey().toString(), json(e.getValue(), schema.getValueType()));
                }
                return m;
            case ENUM:
            case STRING:
            default:
                return JSON.textNode(v.toString());
        }
    }

    private static byte[] bytes(Object v) {
        if (v instanceof ByteBuffer) {
            ByteBuffer b = ((ByteBuffer) v).duplicate();
            byte[] out = new byte[b.remaining()];
            b.get(out);
            return out;
        }
        if (v instanceof GenericFixed) {
            return ((GenericFixed) v).bytes();
        }
        if (v instanceof BigDecimal) {
            return ((BigDecimal) v).unscaledValue().toByteArray(); // a reader with Avro's decimal conversion on
        }
        return (byte[]) v;
    }

    private static Op op(GenericRecord value) throws DecodeException {
        Object op = get(value, "op");
        if (op == null) {
            throw new DecodeException("envelope has no 'op' field: not a row change (a schema change event?)");
        }
        try {
            return Op.fromCode(op.toString());
        } catch (IllegalArgumentException e) {
            throw new DecodeException(e.getMessage(), e);
        }
    }

    private static GenericRecord source(GenericRecord value) throws DecodeException {
        Object source = get(value, "source");
        if (!(source instanceof GenericRecord)) {
            throw new DecodeException("envelope has no source record");
        }
        return (GenericRecord) source;
    }

    private static TableId table(GenericRecord source) throws DecodeException {
        Object db = get(source, "db");
        Object table = get(source, "table");
        if (db == null || table == null) {
            throw new DecodeException("envelope has no source.db / source.table");
        }
        return new TableId(db.toString(), table.toString());
    }

    /** The field's value, or null when the record has no such field (Avro's get(name) throws for those). */
    private static Object get(GenericRecord record, String field) {
        return record.hasField(field) ? record.get(field) : null;
    }

    private static Number number(GenericRecord record, String field) {
        Object v = get(record, field);
        return v instanceof Number ? (Number) v : 0;
    }

    /** The record schema of an envelope field ({@code before} / {@code after}), unwrapped from its union with null. */
    private static Schema rowSchema(Schema envelope, String field) {
        Schema.Field f = envelope.getType() == Schema.Type.RECORD ? envelope.getField(field) : null;
        if (f == null) {
            return null;
        }
        Schema s = f.schema().isUnion() ? nonNull(f.schema()) : f.schema();
        return s.getType() == Schema.Type.RECORD ? s : null;
    }

    private static final class Column {
        final int position;
        final Schema schema;
        final ConnectField field;

        Column(int position, Schema schema, ConnectField field) {
            this.position = position;
            this.schema = schema;
            this.field = field;
        }
    }
}
