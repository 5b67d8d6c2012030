package dev.changelake.schema.format.debezium;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.changelake.schema.ChangeDecoder;
import dev.changelake.schema.ChangeRecord;
import dev.changelake.schema.DecodeException;
import dev.changelake.schema.Op;
import dev.changelake.schema.SourcePosition;
import dev.changelake.schema.TableId;
import dev.changelake.schema.TableSchema;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Decodes the Debezium MySQL/MariaDB envelope written by Kafka Connect's JsonConverter with
 * {@code schemas.enable=true}: {@code {"schema": …, "payload": {"before","after","source","op","ts_ms"}}},
 * keyed by a struct of the primary-key columns. The embedded schema gives each column's type.
 *
 * <p>Records written with {@code schemas.enable=false} (the bare envelope, the bare key) carry no types; given their
 * tables' fields ({@link InformationSchemaFields}) this decoder wraps them in the schema Debezium would have embedded
 * and decodes them the same way.
 */
public final class DebeziumJsonDecoder implements ChangeDecoder {
    private static final long serialVersionUID = 1L;

    private final HashMap<TableId, SourceTableFields> fieldsWithoutSchemas;

    /** A decoder for records with embedded schemas. */
    public DebeziumJsonDecoder() {
        this(Map.of());
    }

    /** A decoder that also reads records without embedded schemas of the tables in {@code fieldsWithoutSchemas}. */
    public DebeziumJsonDecoder(Map<TableId, SourceTableFields> fieldsWithoutSchemas) {
        this.fieldsWithoutSchemas = new HashMap<>(fieldsWithoutSchemas);
    }

    private transient ObjectMapper mapper;
    private transient SchemaCache<List<JsonNode>> schemas;
    private transient SchemaBytes schemaNodes;
    private transient java.util.IdentityHashMap<JsonNode, List<ConnectField>> fieldsBySchema;
    private transient JsonNode lastValueSchema;
    private transient JsonNode lastKeySchema;
    private transient TableSchema lastSchema;

    @Override
    public Optional<ChangeRecord> decode(byte[] key, byte[] value) throws DecodeException {
        if (value == null) {
            return Optional.empty(); // the tombstone Debezium writes after a delete, for log compaction
        }
        Envelope envelope = envelope(value);
        JsonNode payload = envelope.payload;
        Op op = op(payload);
        TableId table = table(payload);
        Envelope keyEnvelope = key == null || op == Op.TRUNCATE ? null : keyEnvelope(table, key);
        Map<String, Object> keyValues = keyValues(table, keyEnvelope);
        Map<String, Object> before = row(envelope.schema, payload, "before");
        Map<String, Object> after = row(envelope.schema, payload, "after");
        if (op.hasAfterImage() && after == null) {
            throw new DecodeException(op + " change of " + table + " has no 'after' row");
        }
        if (op == Op.DELETE && before == null && keyValues.isEmpty()) {
            throw new DecodeException("delete of " + table + " has neither a key nor a 'before' row");
        }
        JsonNode source = payload.path("source");
        try {
            String snapshot = source.path("snapshot").asText("false");
            SourcePosition position = new SourcePosition(!"false".equals(snapshot),
                    SourcePosition.fileSequence(source.path("file").asText("")), source.path("pos").asLong(),
                    source.path("row").asInt(), source.hasNonNull("gtid") ? source.get("gtid").asText() : null);
            TableSchema schema = op == Op.TRUNCATE ? null : schema(table, envelope, keyEnvelope);
            return Optional.of(new ChangeRecord(table, op, keyValues, before, after, position,
                    source.path("ts_ms").asLong(), schema));
        } catch (IllegalArgumentException e) {
            throw new DecodeException("bad source block of " + table + ": " + e.getMessage(), e);
        }
    }

    @Override
    public TableSchema schemaOf(byte[] key, byte[] value) throws DecodeException {
        if (value == null) {
            throw new DecodeException("a tombstone carries no schema");
        }
        Envelope envelope = envelope(value);
        TableId table = table(envelope.payload);
        return schema(table, envelope, key == null ? null : keyEnvelope(table, key));
    }

    /** The schema the envelope describes; schemas are few and records many, so the last few are kept. */
    private TableSchema schema(TableId table, Envelope envelope, Envelope key) throws DecodeException {
        if (schemas == null) {
            schemas = new SchemaCache<>();
        }
        JsonNode keySchema = key == null ? null : key.schema;
        // Schema nodes are shared between records (see schemaAndPayload): the last pair is usually the same objects.
        if (envelope.schema == lastValueSchema && keySchema == lastKeySchema && lastSchema != null) {
            return lastSchema;
        }
        // Keyed by both schemas: a primary key can change while the columns stay the same.
        List<JsonNode> id = java.util.Arrays.asList(envelope.schema, keySchema);
        TableSchema known = schemas.get(id);
        if (known == null) {
            known = readSchema(table, envelope, key);
            schemas.put(id, known);
        }
        lastValueSchema = envelope.schema;
        lastKeySchema = keySchema;
        lastSchema = known;
        return known;
    }

    /**
     * The fast path for the form Kafka Connect writes, {@code {"schema": …, "payload": …}}: the schema (most of the
     * bytes, the same in every record of a table) is recognised by its bytes and parsed only when new; only the
     * payload is parsed per record. Null for any other form, which the general path then reads and judges.
     */
    private Envelope schemaAndPayload(byte[] bytes, String what) throws DecodeException {
        Envelope known = knownSchemaThenPayload(bytes);
        if (known != null) {
            return known;
        }
        try (JsonParser p = mapper().getFactory().createParser(bytes)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return null;
            }
            JsonNode schema = null;
            JsonNode payload = null;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken value = p.nextToken();
                if ("schema".equals(name) && value == JsonToken.START_OBJECT && schema == null) {
                    int start = (int) p.currentTokenLocation().getByteOffset();
                    p.skipChildren();
                    int end = (int) p.currentLocation().getByteOffset();
                    schema = schemaNodes().node(bytes, start, end);
                } else if ("payload".equals(name) && value == JsonToken.START_OBJECT && payload == null) {
                    payload = mapper.readTree(p);
                } else {
                    return null;
                }
            }
            return schema != null && payload != null ? new Envelope(schema, payload) : null;
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new DecodeException(what + " is not valid JSON: " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new DecodeException(what + " could not be read: " + e.getMessage(), e);
        }
    }

    private static final byte[] SCHEMA_FIRST = "{\"schema\":".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    private static final byte[] THEN_PAYLOAD = ",\"payload\":".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    /**
     * The fastest path, for JsonConverter's exact output ({@code {"schema":…,"payload":…}}, no spaces) with a schema
     * seen before: the schema's bytes are compared, not tokenized, and the parser starts at the payload (what follows
     * the payload object, the closing brace, is not read). Null when the bytes are anything else.
     */
    private Envelope knownSchemaThenPayload(byte[] bytes) throws DecodeException {
        if (schemaNodes == null || !startsWith(bytes, 0, SCHEMA_FIRST)) {
            return null;
        }
        SchemaBytes.Entry schema = schemaNodes.at(bytes, SCHEMA_FIRST.length);
        int payload = SCHEMA_FIRST.length + (schema == null ? 0 : schema.length());
        if (schema == null || !startsWith(bytes, payload, THEN_PAYLOAD)) {
            return null;
        }
        payload += THEN_PAYLOAD.length;
        try {
            JsonNode node = mapper().readTree(bytes, payload, bytes.length - payload);
            return node != null && node.isObject() ? new Envelope(schema.node, node) : null;
        } catch (IOException e) {
            return null; // the general path reads it again and names what is wrong
        }
    }

    private static boolean startsWith(byte[] bytes, int at, byte[] prefix) {
        return bytes.length - at >= prefix.length && java.util.Arrays.equals(bytes, at, at + prefix.length, prefix, 0, prefix.length);
    }

    private SchemaBytes schemaNodes() {
        if (schemaNodes == null) {
            schemaNodes = new SchemaBytes(mapper());
        }
        return schemaNodes;
    }

    private ObjectMapper mapper() {
        if (mapper == null) {
            mapper = new ObjectMapper();
        }
        return mapper;
    }

    /** The fields of a struct schema node; schema nodes are shared, so each is read once. */
    private List<ConnectField> fields(JsonNode structSchema) {
        if (fieldsBySchema == null || fieldsBySchema.size() > 1024) {
            fieldsBySchema = new java.util.IdentityHashMap<>();
        }
        List<ConnectField> fields = fieldsBySchema.get(structSchema);
        if (fields == null) {
            fields = ConnectField.fieldsOf(structSchema);
            fieldsBySchema.put(structSchema, fields);
        }
        return fields;
    }

    private TableSchema readSchema(TableId table, Envelope envelope, Envelope key) throws DecodeException {
        JsonNode rowSchema = fieldSchema(envelope.schema, "after");
        if (rowSchema == null) {
            throw new DecodeException("the envelope schema of " + table + " has no 'after' struct");
        }
        List<TableSchema.Column> columns = new ArrayList<>();
        for (ConnectField f : ConnectField.fieldsOf(rowSchema)) {
            try {
                columns.add(new TableSchema.Column(f.name, f.lakeType(), f.optional));
            } catch (IllegalArgumentException e) {
                throw new DecodeException("column " + table + "." + f.name + ": " + e.getMessage(), e);
            }
        }
        List<String> pk = new ArrayList<>();
        if (key != null) { // Debezium sends changes of a table without primary key with no key
            for (ConnectField f : ConnectField.fieldsOf(key.schema)) {
                pk.add(f.name);
            }
        }
        return new TableSchema(table, columns, pk);
    }

    private Envelope envelope(byte[] value) throws DecodeException {
        Envelope fast = schemaAndPayload(value, "value");
        if (fast != null) {
            return fast;
        }
        JsonNode root = parse(value, "value");
        JsonNode schema = root.get("schema");
        JsonNode payload = root.get("payload");
        if (schema != null && payload != null && payload.isObject()) {
            return new Envelope(schema, payload);
        }
        if (root.has("op") && root.has("source")) { // the bare envelope: captured with schemas.enable=false
            TableId table = table(root);
            SourceTableFields fields = fieldsWithoutSchemas.get(table);
            if (fields == null) {
                throw new DecodeException("value of " + table + " has no embedded schema and the job knows no fields for "
                        + "the table; capture with value.converter.schemas.enable=true, or use encoding "
                        + "json_without_schemas so the job reads the columns from the source's information_schema");
            }
            return new Envelope(fields.envelopeSchema(), root);
        }
        throw new DecodeException("value is JSON but not a Debezium envelope (no 'schema' and 'payload', nor 'op' and "
                + "'source'); capture with value.converter.schemas.enable=true");
    }

    private Envelope keyEnvelope(TableId table, byte[] key) throws DecodeException {
        Envelope fast = schemaAndPayload(key, "key");
        if (fast != null) {
            return fast;
        }
        JsonNode root = parse(key, "key");
        SourceTableFields fields = fieldsWithoutSchemas.get(table);
        if ((root.get("schema") == null || root.get("payload") == null) && fields != null) {
            return new Envelope(fields.keySchema(), root); // a bare key, captured with schemas.enable=false
        }
        if (root.get("schema") == null || root.get("payload") == null) {
            throw new DecodeException("key of " + table + " is not a Connect JSON struct with schema; "
                    + "capture with key.converter.schemas.enable=true");
        }
        return new Envelope(root.get("schema"), root.get("payload"));
    }

    /** The primary-key values; empty for a table without primary key (Debezium then sends no key). */
    private Map<String, Object> keyValues(TableId table, Envelope k) throws DecodeException {
        if (k == null) {
            return new LinkedHashMap<>();
        }
        if (!k.payload.isObject()) {
            throw new DecodeException("key of " + table + " has a payload that is not a JSON object");
        }
        List<ConnectField> fields = fields(k.schema);
        Map<String, Object> values = new LinkedHashMap<>(DebeziumAvroEnvelope.capacity(fields.size()));
        for (ConnectField f : fields) {
            values.put(f.name, ConnectValues.decode(k.payload.get(f.name), f, table));
        }
        return values;
    }

    private Map<String, Object> row(JsonNode schema, JsonNode payload, String side) throws DecodeException {
        JsonNode row = payload.get(side);
        if (row == null || row.isNull()) {
            return null;
        }
        if (!row.isObject()) {
            throw new DecodeException("'" + side + "' row of " + table(payload) + " is not a JSON object");
        }
        JsonNode rowSchema = fieldSchema(schema, side);
        if (rowSchema == null) {
            throw new DecodeException("envelope has a '" + side + "' row but no schema for it");
        }
        TableId table = table(payload);
        List<ConnectField> fields = fields(rowSchema);
        Map<String, Object> values = new LinkedHashMap<>(DebeziumAvroEnvelope.capacity(fields.size()));
        for (ConnectField f : fields) {
            values.put(f.name, ConnectValues.decode(row.get(f.name), f, table));
        }
        return values;
    }

    private static JsonNode fieldSchema(JsonNode envelopeSchema, String field) {
        for (JsonNode f : envelopeSchema.path("fields")) {
            if (field.equals(f.path("field").asText())) {
                return f;
            }
        }
        return null;
    }

    private static Op op(JsonNode payload) throws DecodeException {
        JsonNode op = payload.get("op");
        if (op == null || !op.isTextual()) {
            throw new DecodeException("envelope has no 'op' field: not a row change (a schema change event?)");
        }
        try {
            return Op.fromCode(op.asText());
        } catch (IllegalArgumentException e) {
            throw new DecodeException(e.getMessage(), e);
        }
    }

    private static TableId table(JsonNode payload) throws DecodeException {
        JsonNode source = payload.get("source");
        if (source == null || !source.hasNonNull("db") || !source.hasNonNull("table")) {
            throw new DecodeException("envelope has no source.db / source.table");
        }
        return new TableId(source.get("db").asText(), source.get("table").asText());
    }

    private JsonNode parse(byte[] bytes, String what) throws DecodeException {
        if (mapper == null) {
            mapper = new ObjectMapper();
        }
        try {
            JsonNode node = mapper.readTree(bytes);
            if (node == null || !node.isObject()) {
                throw new DecodeException(what + " is not a JSON object");
            }
            return node;
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new DecodeException(what + " is not valid JSON: " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new DecodeException(what + " could not be read: " + e.getMessage(), e);
        }
    }

    private static final class Envelope {
        final JsonNode schema;
        final JsonNode payload;

        Envelope(JsonNode schema, JsonNode payload) {
            this.schema = schema;
            this.payload = payload;
        }
    }
}
