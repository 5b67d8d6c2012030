package dev.changelake.schema.format.debezium;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.Serializable;
import java.util.List;

/**
 * A table's columns as the Connect fields Debezium would embed for them, for records captured without embedded schemas
 * ({@code schemas.enable=false}): the decoder wraps such a record in the schema these fields make, and decodes it
 * exactly as if Debezium had embedded it. See {@link InformationSchemaFields} for where they come from.
 */
public final class SourceTableFields implements Serializable {
    private static final long serialVersionUID = 1L;

    final List<ConnectField> columns;
    final List<String> primaryKey;
    private transient JsonNode envelopeSchema;
    private transient JsonNode keySchema;

    SourceTableFields(List<ConnectField> columns, List<String> primaryKey) {
        this.columns = List.copyOf(columns);
        this.primaryKey = List.copyOf(primaryKey);
    }

    /** The fields of an envelope schema: the row struct as {@code before} and {@code after}. */
    JsonNode envelopeSchema() {
        if (envelopeSchema != null) {
            return envelopeSchema;
        }
        JsonNodeFactory json = JsonNodeFactory.instance;
        ObjectNode schema = json.objectNode().put("type", "struct");
        ArrayNode fields = schema.putArray("fields");
        for (String side : List.of("before", "after")) {
            ObjectNode row = fields.addObject().put("type", "struct").put("optional", true).put("field", side);
            ArrayNode columnFields = row.putArray("fields");
            columns.forEach(c -> columnFields.add(c.toJson(json)));
        }
        envelopeSchema = schema;
        return schema;
    }

    /** The key struct's schema: the primary-key columns in key order. */
    JsonNode keySchema() {
        if (keySchema != null) {
            return keySchema;
        }
        JsonNodeFactory json = JsonNodeFactory.instance;
        ObjectNode schema = json.objectNode().put("type", "struct");
        ArrayNode fields = schema.putArray("fields");
        for (String k : primaryKey) {
            columns.stream().filter(c -> c.name.equals(k)).forEach(c -> fields.add(c.toJson(json)));
        }
        keySchema = schema;
        return schema;
    }
}
