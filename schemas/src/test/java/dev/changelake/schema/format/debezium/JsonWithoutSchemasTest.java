package dev.changelake.schema.format.debezium;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.changelake.schema.ChangeRecord;
import dev.changelake.schema.DecodeException;
import dev.changelake.schema.TableId;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Records captured with schemas.enable=false decode exactly as the same records with their embedded schema. */
class JsonWithoutSchemasTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final TableId ALL_TYPES = new TableId("shop", "all_types");

    static JsonNode resource(String name) throws Exception {
        try (InputStream in = JsonWithoutSchemasTest.class.getResourceAsStream("/debezium/" + name)) {
            return JSON.readTree(in);
        }
    }

    /** The fields Debezium embedded, as the job would have them from information_schema. */
    static SourceTableFields fieldsOf(JsonNode envelope, JsonNode key) {
        JsonNode after = null;
        for (JsonNode f : envelope.get("schema").get("fields")) {
            if ("after".equals(f.get("field").asText())) {
                after = f;
            }
        }
        List<String> pk = new ArrayList<>();
        for (ConnectField f : ConnectField.fieldsOf(key.get("schema"))) {
            pk.add(f.name);
        }
        return new SourceTableFields(ConnectField.fieldsOf(after), pk);
    }

    @ParameterizedTest
    @ValueSource(strings = {"snapshot-edges", "snapshot-minima", "snapshot-zero-dates", "streamed-maxima", "streamed-zero-dates"})
    void bareEnvelopeDecodesToTheSameChangeAsTheEmbeddedOne(String name) throws Exception {
        JsonNode envelope = resource("all-types-" + name + ".json");
        JsonNode key = keyFor(envelope);
        DebeziumJsonDecoder decoder = new DebeziumJsonDecoder(Map.of(ALL_TYPES, fieldsOf(envelope, key)));

        ChangeRecord embedded = decoder.decode(JSON.writeValueAsBytes(key), JSON.writeValueAsBytes(envelope)).orElseThrow();
        ChangeRecord bare = decoder.decode(JSON.writeValueAsBytes(key.get("payload")),
                JSON.writeValueAsBytes(envelope.get("payload"))).orElseThrow();

        assertThat(bare.op()).isEqualTo(embedded.op());
        assertThat(bare.key()).isEqualTo(embedded.key());
        assertThat(bare.position()).isEqualTo(embedded.position());
        assertThat(bare.after()).usingRecursiveComparison().isEqualTo(embedded.after());
        assertThat(decoder.schemaOf(JSON.writeValueAsBytes(key.get("payload")), JSON.writeValueAsBytes(envelope.get("payload"))))
                .isEqualTo(decoder.schemaOf(JSON.writeValueAsBytes(key), JSON.writeValueAsBytes(envelope)));
    }

    @Test
    void bareEnvelopeOfATableWithNoKnownFieldsIsRefusedWithTheFix() throws Exception {
        JsonNode envelope = resource("all-types-streamed-maxima.json");
        assertThatThrownBy(() -> new DebeziumJsonDecoder().decode(null, JSON.writeValueAsBytes(envelope.get("payload"))))
                .isInstanceOf(DecodeException.class)
                .hasMessageContaining("shop.all_types has no embedded schema")
                .hasMessageContaining("json_without_schemas");
    }

    @Test
    void enumLabelsAreReadAsDebeziumListsThem() {
        assertThat(InformationSchemaFields.labels("enum('a','b''c','€uro')")).isEqualTo("a,b'c,€uro");
    }

    /** The key file captured with the envelope: same primary-key value. */
    private static JsonNode keyFor(JsonNode envelope) throws Exception {
        JsonNode row = envelope.get("payload").get("after") != null && !envelope.get("payload").get("after").isNull()
                ? envelope.get("payload").get("after") : envelope.get("payload").get("before");
        return resource("all-types-key-" + row.get("id").asText() + ".json");
    }
}
