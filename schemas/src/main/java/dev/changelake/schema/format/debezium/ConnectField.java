package dev.changelake.schema.format.debezium;

import com.fasterxml.jackson.databind.JsonNode;
import dev.changelake.schema.ColumnType;
import dev.changelake.schema.TypeMapping;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/** One field of a Kafka Connect struct schema as JsonConverter writes it ({@code {"type","optional","name","parameters","field"}}). */
final class ConnectField implements java.io.Serializable {
    private static final long serialVersionUID = 1L;

    final String name;
    final String type;
    final String logicalName;
    final Map<String, String> parameters;
    final boolean optional;

    private ConnectField(String name, String type, String logicalName, Map<String, String> parameters, boolean optional) {
        this.name = name;
        this.type = type;
        this.logicalName = logicalName;
        this.parameters = parameters;
        this.optional = optional;
    }

    static ConnectField of(String name, String type, String logicalName, Map<String, String> parameters, boolean optional) {
        return new ConnectField(name, type, logicalName, Map.copyOf(parameters), optional);
    }

    /** The field as JsonConverter writes it in an embedded schema. */
    com.fasterxml.jackson.databind.node.ObjectNode toJson(com.fasterxml.jackson.databind.node.JsonNodeFactory json) {
        com.fasterxml.jackson.databind.node.ObjectNode node = json.objectNode().put("type", type).put("optional", optional);
        if (logicalName != null) {
            node.put("name", logicalName);
        }
        if (!parameters.isEmpty()) {
            com.fasterxml.jackson.databind.node.ObjectNode params = node.putObject("parameters");
            parameters.forEach(params::put);
        }
        return node.put("field", name);
    }

    static ConnectField parse(JsonNode node) {
        Map<String, String> params = Collections.emptyMap();
        JsonNode p = node.get("parameters");
        if (p != null && p.isObject()) {
            params = new HashMap<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = p.fields(); it.hasNext();) {
                Map.Entry<String, JsonNode> e = it.next();
                params.put(e.getKey(), e.getValue().asText());
            }
        }
        JsonNode logical = node.get("name");
        return new ConnectField(node.path("field").asText(), node.path("type").asText(),
                logical == null || logical.isNull() ? null : logical.asText(), params, node.path("optional").asBoolean(true));
    }

    /** The fields of a struct schema node. */
    static List<ConnectField> fieldsOf(JsonNode structSchema) {
        List<ConnectField> fields = new ArrayList<>();
        java.util.Set<String> names = new java.util.HashSet<>();
        for (JsonNode f : structSchema.path("fields")) {
            ConnectField field = parse(f);
            if (field.name.isEmpty()) {
                throw new IllegalArgumentException("the schema has a field without a name: " + f);
            }
            if (!names.add(field.name)) {
                throw new IllegalArgumentException("the schema names field '" + field.name + "' twice");
            }
            fields.add(field);
        }
        return fields;
    }

    ColumnType lakeType() {
        return TypeMapping.toLake(type, logicalName, parameters);
    }
}
