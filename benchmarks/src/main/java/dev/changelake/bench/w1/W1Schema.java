package dev.changelake.bench.w1;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The Kafka Connect schemas Debezium 3.5's MariaDB connector gives W1's {@code orders} table with changelake's capture
 * settings ({@code DebeziumConnectorConfig}: {@code decimal.handling.mode=precise},
 * {@code time.precision.mode=adaptive_time_microseconds}, {@code binary.handling.mode=bytes}, no TINYINT(1)-to-boolean
 * converter), and the forms the two converters write them in: JsonConverter's embedded JSON schema, and the Avro schema
 * of changelake's single-object converter (Apicurio's AvroData with Connect metadata, column names escaped by
 * {@code field.name.adjustment.mode=avro_unicode}). The parity test holds both against real captures.
 */
public final class W1Schema {
    /** The Debezium release whose output this reproduces (all {@code io.debezium} artifacts are on it). */
    public static final String DEBEZIUM_VERSION = "3.5.0.Final";
    public static final String CONNECTOR = "mariadb";
    static final String SOURCE_SCHEMA_NAME = "io.debezium.connector.mariadb.Source";
    private static final String SNAPSHOT_VALUES =
            "true,first,first_in_data_collection,last_in_data_collection,last,false,incremental";

    /** One field of a Connect struct: type, optionality, logical name with its version and parameters. */
    static final class Field {
        final String name;
        final String type;
        final boolean optional;
        final String logicalName;
        final Integer version;
        final Map<String, String> parameters;
        final String defaultValue;

        Field(String name, String type, boolean optional, String logicalName, Integer version,
                Map<String, String> parameters, String defaultValue) {
            this.name = name;
            this.type = type;
            this.optional = optional;
            this.logicalName = logicalName;
            this.version = version;
            this.parameters = parameters;
            this.defaultValue = defaultValue;
        }

        static Field plain(String name, String type, boolean optional) {
            return new Field(name, type, optional, null, null, Map.of(), null);
        }

        static Field logical(String name, String type, boolean optional, String logicalName, Map<String, String> params) {
            return new Field(name, type, optional, logicalName, 1, params, null);
        }
    }

    /** The row struct's fields ({@code <prefix>.<db>.<table>.Value}), in column order. */
    static final List<Field> ROW = List.of(
            Field.plain("id", "int64", false),
            Field.plain("customer_id", "int64", false),
            Field.logical("status", "string", false, "io.debezium.data.Enum",
                    Map.of("allowed", String.join(",", W1Row.STATUSES))),
            Field.logical("amount", "bytes", false, "org.apache.kafka.connect.data.Decimal",
                    ordered("scale", "2", "connect.decimal.precision", "12")),
            Field.plain("currency", "string", false),
            Field.logical("created_at", "int64", false, "io.debezium.time.MicroTimestamp", Map.of()),
            Field.logical("updated_at", "string", false, "io.debezium.time.ZonedTimestamp", Map.of()),
            Field.plain("note", "string", true),
            Field.logical("flags", "bytes", false, "io.debezium.data.Bits", Map.of("length", "8")),
            // MariaDB's JSON is LONGTEXT with a json_valid check: Debezium sees a plain string column.
            Field.plain("attrs", "string", true),
            Field.plain("qty", "int64", false),     // INT UNSIGNED
            Field.plain("weight", "double", true),
            Field.plain("is_gift", "int16", false)); // TINYINT(1): no boolean converter in the capture

    static final List<Field> SOURCE = List.of(
            Field.plain("version", "string", false),
            Field.plain("connector", "string", false),
            Field.plain("name", "string", false),
            Field.plain("ts_ms", "int64", false),
            new Field("snapshot", "string", true, "io.debezium.data.Enum", 1, Map.of("allowed", SNAPSHOT_VALUES), "false"),
            Field.plain("db", "string", false),
            Field.plain("sequence", "string", true),
            Field.plain("ts_us", "int64", true),
            Field.plain("ts_ns", "int64", true),
            Field.plain("table", "string", true),
            Field.plain("server_id", "int64", false),
            Field.plain("gtid", "string", true),
            Field.plain("file", "string", false),
            Field.plain("pos", "int64", false),
            Field.plain("row", "int32", false),
            Field.plain("thread", "int64", true),
            Field.plain("query", "string", true));

    static final List<Field> TRANSACTION = List.of(
            Field.plain("id", "string", false),
            Field.plain("total_order", "int64", false),
            Field.plain("data_collection_order", "int64", false));

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final String recordPrefix;

    /** @param recordPrefix {@code <topic prefix>.<db>.<table>}: the names of the Key, Value and Envelope records */
    W1Schema(String recordPrefix) {
        this.recordPrefix = recordPrefix;
    }

    static W1Schema of(W1Config c) {
        return new W1Schema(c.topic());
    }

    private static Map<String, String> ordered(String... kv) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put(kv[i], kv[i + 1]);
        }
        return m;
    }

    // ---- JsonConverter's embedded schema: {"type", "fields", "optional", "name", "version", "parameters", "default"} + "field"

    /** The value's embedded schema, as JsonConverter writes it (compact). */
    public String valueSchemaJson() {
        ObjectNode envelope = NODES.objectNode().put("type", "struct");
        ArrayNode fields = envelope.putArray("fields");
        fields.add(struct(ROW, true, recordPrefix + ".Value", null).put("field", "before"));
        fields.add(struct(ROW, true, recordPrefix + ".Value", null).put("field", "after"));
        fields.add(struct(SOURCE, false, SOURCE_SCHEMA_NAME, 1).put("field", "source"));
        fields.add(struct(TRANSACTION, true, "event.block", 1).put("field", "transaction"));
        fields.add(field(Field.plain("op", "string", false)));
        fields.add(field(Field.plain("ts_ms", "int64", true)));
        fields.add(field(Field.plain("ts_us", "int64", true)));
        fields.add(field(Field.plain("ts_ns", "int64", true)));
        envelope.put("optional", false).put("name", recordPrefix + ".Envelope").put("version", 2);
        return write(envelope);
    }

    /** The key's embedded schema: the primary-key struct. */
    public String keySchemaJson() {
        return write(struct(List.of(ROW.get(0)), false, recordPrefix + ".Key", null));
    }

    private static ObjectNode struct(List<Field> fields, boolean optional, String name, Integer version) {
        ObjectNode s = NODES.objectNode().put("type", "struct");
        ArrayNode a = s.putArray("fields");
        fields.forEach(f -> a.add(field(f)));
        s.put("optional", optional).put("name", name);
        if (version != null) {
            s.put("version", version);
        }
        return s;
    }

    private static ObjectNode field(Field f) {
        ObjectNode n = NODES.objectNode().put("type", f.type).put("optional", f.optional);
        if (f.logicalName != null) {
            n.put("name", f.logicalName).put("version", f.version);
        }
        if (!f.parameters.isEmpty()) {
            ObjectNode p = n.putObject("parameters");
            f.parameters.forEach(p::put);
        }
        if (f.defaultValue != null) {
            n.put("default", f.defaultValue);
        }
        return n.put("field", f.name);
    }

    // ---- the Avro schema of SingleObjectAvroConverter (AvroData, connect.meta.data=true)

    /** The value's Avro writer schema, as the single-object converter stores it. */
    public String valueAvroSchemaJson() {
        ObjectNode envelope = NODES.objectNode().put("type", "record").put("name", "Envelope")
                .put("namespace", recordPrefix);
        ArrayNode fields = envelope.putArray("fields");
        ObjectNode value = avroRecord(ROW, "Value", null, recordPrefix + ".Value", null, true);
        fields.add(NODES.objectNode().put("name", "before").set("type", nullable(value)));
        ((ObjectNode) fields.get(0)).putNull("default");
        fields.add(NODES.objectNode().put("name", "after").set("type", nullable(NODES.textNode("Value"))));
        ((ObjectNode) fields.get(1)).putNull("default");
        fields.add(NODES.objectNode().put("name", "source").set("type",
                avroRecord(SOURCE, "Source", "io.debezium.connector.mariadb", SOURCE_SCHEMA_NAME, 1, false)));
        ObjectNode block = avroRecord(TRANSACTION, "block", "event", "event.block", 1, false);
        ObjectNode transaction = NODES.objectNode().put("name", "transaction");
        transaction.set("type", nullable(block));
        fields.add(transaction.putNull("default"));
        fields.add(avroField(Field.plain("op", "string", false), false));
        fields.add(avroField(Field.plain("ts_ms", "int64", true), false));
        fields.add(avroField(Field.plain("ts_us", "int64", true), false));
        fields.add(avroField(Field.plain("ts_ns", "int64", true), false));
        envelope.put("connect.version", 2).put("connect.name", recordPrefix + ".Envelope");
        return write(envelope);
    }

    /** The key's Avro writer schema. */
    public String keyAvroSchemaJson() {
        return write(avroRecord(List.of(ROW.get(0)), "Key", recordPrefix, recordPrefix + ".Key", null, true));
    }

    /** The Avro field name of a column: avro_unicode escapes '_' and what Avro refuses as _uXXXX. */
    static String avroFieldName(String column) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < column.length(); i++) {
            char c = column.charAt(i);
            boolean plain = c < 128 && (Character.isLetter(c) || (i > 0 && Character.isDigit(c)));
            sb.append(plain ? String.valueOf(c) : String.format(java.util.Locale.ROOT, "_u%04x", (int) c));
        }
        return sb.toString();
    }

    private static ObjectNode avroRecord(List<Field> fields, String name, String namespace, String connectName,
            Integer connectVersion, boolean columns) {
        ObjectNode r = NODES.objectNode().put("type", "record").put("name", name);
        if (namespace != null) {
            r.put("namespace", namespace);
        }
        ArrayNode a = r.putArray("fields");
        fields.forEach(f -> a.add(avroField(f, columns)));
        if (connectVersion != null) {
            r.put("connect.version", connectVersion);
        }
        return r.put("connect.name", connectName);
    }

    private static ObjectNode avroField(Field f, boolean column) {
        ObjectNode n = NODES.objectNode().put("name", column ? avroFieldName(f.name) : f.name);
        com.fasterxml.jackson.databind.JsonNode type = avroType(f);
        if (!f.optional) {
            return n.set("type", type);
        }
        if (f.defaultValue != null) { // a default other than null comes first in the union, as Avro requires
            n.set("type", NODES.arrayNode().add(type).add("null"));
            return n.put("default", f.defaultValue);
        }
        n.set("type", nullable(type));
        return n.putNull("default");
    }

    private static com.fasterxml.jackson.databind.JsonNode avroType(Field f) {
        String base;
        switch (f.type) {
            case "int64": base = "long"; break;
            case "int32": case "int16": case "int8": base = "int"; break;
            case "double": base = "double"; break;
            case "string": base = "string"; break;
            case "bytes": base = "bytes"; break;
            default: throw new IllegalArgumentException("no Avro type for Connect type " + f.type);
        }
        boolean narrowInt = f.type.equals("int16") || f.type.equals("int8");
        if (f.logicalName == null && !narrowInt && f.defaultValue == null) {
            return NODES.textNode(base);
        }
        ObjectNode t = NODES.objectNode().put("type", base);
        if (narrowInt) {
            t.put("connect.type", f.type);
        }
        if ("org.apache.kafka.connect.data.Decimal".equals(f.logicalName)) {
            t.put("scale", Integer.parseInt(f.parameters.get("scale")))
                    .put("precision", Integer.parseInt(f.parameters.get("connect.decimal.precision")));
        }
        if (f.version != null) {
            t.put("connect.version", f.version);
        }
        if (!f.parameters.isEmpty()) {
            ObjectNode p = t.putObject("connect.parameters");
            f.parameters.forEach(p::put);
        }
        if (f.defaultValue != null) {
            t.put("connect.default", f.defaultValue);
        }
        if (f.logicalName != null) {
            t.put("connect.name", f.logicalName);
        }
        if ("org.apache.kafka.connect.data.Decimal".equals(f.logicalName)) {
            t.put("logicalType", "decimal");
        }
        return t;
    }

    private static ArrayNode nullable(com.fasterxml.jackson.databind.JsonNode type) {
        return NODES.arrayNode().add("null").add(type);
    }

    private static String write(ObjectNode node) {
        try {
            return MAPPER.writeValueAsString(node);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
