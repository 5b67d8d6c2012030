package dev.changelake.schema.format.debezium;

import static dev.changelake.schema.format.debezium.DebeziumChanges.comparable;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.amazonaws.services.schemaregistry.common.configs.GlueSchemaRegistryConfiguration;
import com.amazonaws.services.schemaregistry.utils.AvroRecordType;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpServer;
import dev.changelake.schema.ChangeDecoder;
import dev.changelake.schema.ChangeRecord;
import dev.changelake.schema.DecodeException;
import dev.changelake.schema.TableSchema;
import dev.changelake.schema.WriterSchemaUnavailableException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.kafka.connect.data.Struct;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Glue path's wiring: the serde configuration the decoder builds, and a Glue-framed change read through the Glue
 * serde (its real deserialization facade and Glue client, pointed at a loopback endpoint that answers
 * {@code GetSchemaVersion} as Glue does) into the same change the single-object path gives. No AWS call is made.
 */
class GlueSchemaRegistryAvroDecoderTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path store;

    private HttpServer glue;
    private final Map<UUID, String> versions = new ConcurrentHashMap<>();
    private final List<String> calls = new CopyOnWriteArrayList<>();

    @BeforeEach
    void startLoopbackGlue() throws IOException {
        glue = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        glue.createContext("/", exchange -> {
            String target = exchange.getRequestHeaders().getFirst("X-Amz-Target");
            JsonNode request = JSON.readTree(exchange.getRequestBody());
            calls.add(target);
            ObjectNode response = JSON.createObjectNode();
            int status = 200;
            UUID id = "AWSGlue.GetSchemaVersion".equals(target) ? UUID.fromString(request.path("SchemaVersionId").asText()) : null;
            if (id != null && versions.containsKey(id)) {
                response.put("SchemaVersionId", id.toString());
                response.put("SchemaDefinition", versions.get(id));
                response.put("DataFormat", "AVRO");
                response.put("SchemaArn", "arn:aws:glue:eu-west-1:123456789012:schema/changelake/changelake.shop.all_types");
                response.put("VersionNumber", 1);
                response.put("Status", "AVAILABLE");
            } else {
                status = 400;
                response.put("__type", "EntityNotFoundException");
                response.put("Message", "Schema version is not found.");
            }
            byte[] body = JSON.writeValueAsBytes(response);
            exchange.getResponseHeaders().add("Content-Type", "application/x-amz-json-1.1");
            exchange.sendResponseHeaders(status, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        glue.start();
        // The default credentials chain reads these first; the loopback endpoint accepts any signature.
        System.setProperty("aws.accessKeyId", "test");
        System.setProperty("aws.secretAccessKey", "test");
    }

    @AfterEach
    void stopLoopbackGlue() {
        glue.stop(0);
        System.clearProperty("aws.accessKeyId");
        System.clearProperty("aws.secretAccessKey");
    }

    private GlueSchemaRegistryOptions options() {
        return GlueSchemaRegistryOptions.builder().region("eu-west-1").registryName("changelake")
                .endpoint(URI.create("http://127.0.0.1:" + glue.getAddress().getPort()))
                .cacheSize(50).cacheTimeToLive(Duration.ofHours(1)).build();
    }

    @Test
    void serdeIsConfiguredForGenericRecordsFromTheNamedRegistryAndRegion() {
        GlueSchemaRegistryConfiguration c = new GlueSchemaRegistryAvroDecoder(options()).configuration();

        assertThat(c.getRegion()).isEqualTo("eu-west-1");
        assertThat(c.getRegistryName()).isEqualTo("changelake");
        assertThat(c.getAvroRecordType()).isEqualTo(AvroRecordType.GENERIC_RECORD);
        assertThat(c.getEndPoint()).isEqualTo("http://127.0.0.1:" + glue.getAddress().getPort());
        assertThat(c.getCacheSize()).isEqualTo(50);
        assertThat(c.getTimeToLiveMillis()).isEqualTo(Duration.ofHours(1).toMillis());
        assertThat(c.getUserAgentApp()).isEqualTo("changelake");
    }

    @Test
    void defaultsAreGluesDefaultRegistryAndADayOfCaching() {
        GlueSchemaRegistryConfiguration c = new GlueSchemaRegistryAvroDecoder(
                GlueSchemaRegistryOptions.builder().region("us-east-1").build()).configuration();

        assertThat(c.getRegistryName()).isEqualTo("default-registry");
        assertThat(c.getEndPoint()).isNull();
        assertThat(c.getTimeToLiveMillis()).isEqualTo(Duration.ofDays(1).toMillis());
        assertThat(c.getAvroRecordType()).isEqualTo(AvroRecordType.GENERIC_RECORD);
    }

    @Test
    void regionIsRequired() {
        assertThatThrownBy(() -> GlueSchemaRegistryOptions.builder().build()).hasMessageContaining("region");
    }

    @Test
    void glueFramedChangeDecodesLikeTheSingleObjectOne() throws Exception {
        DebeziumChanges changes = new DebeziumChanges(store, 2);
        Struct before = changes.row(9, "1.00");
        byte[][] single = changes.avro(changes.key(9), changes.update(before, changes.row(9, "-2.50")));
        byte[][] framed = {glueFramed(single[0]), glueFramed(single[1])};
        ChangeDecoder viaGlue = new GlueSchemaRegistryAvroDecoder(options());

        ChangeRecord fromGlue = viaGlue.decode(framed[0], framed[1]).orElseThrow();
        TableSchema schemaFromGlue = viaGlue.schemaOf(framed[0], framed[1]);

        DebeziumAvroDecoder viaStore = new DebeziumAvroDecoder(store.toUri());
        assertThat(comparable(fromGlue)).isEqualTo(comparable(viaStore.decode(single[0], single[1]).orElseThrow()));
        assertThat(schemaFromGlue).isEqualTo(viaStore.schemaOf(single[0], single[1]));
        assertThat(calls).as("each schema version fetched once, then cached")
                .containsExactly("AWSGlue.GetSchemaVersion", "AWSGlue.GetSchemaVersion");
    }

    @Test
    void tombstoneNeedsNoRegistry() throws Exception {
        assertThat(new GlueSchemaRegistryAvroDecoder(options()).decode(new byte[] {3, 0}, null)).isEmpty();
        assertThat(calls).isEmpty();
    }

    @Test
    void recordWithoutTheGlueHeaderIsABadRecordWithoutAskingTheRegistry() {
        assertThatThrownBy(() -> new GlueSchemaRegistryAvroDecoder(options()).decode(
                "{\"id\":1}".getBytes(StandardCharsets.UTF_8), "not a Debezium envelope".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(DecodeException.class).hasMessageContaining("not in the Glue Schema Registry format");
        assertThat(calls).isEmpty();
    }

    @Test
    void unknownSchemaVersionIsAnUnavailableSchemaNamingTheRegistry() throws Exception {
        DebeziumChanges changes = new DebeziumChanges(store, 2);
        byte[][] single = changes.avro(changes.key(9), changes.read(changes.row(9, "1.00")));
        byte[] unknown = glueFramed(single[1]);
        versions.clear();

        assertThatThrownBy(() -> new GlueSchemaRegistryAvroDecoder(options()).decode(null, unknown))
                .isInstanceOf(WriterSchemaUnavailableException.class)
                .hasMessageContaining("Glue Schema Registry changelake in eu-west-1");
    }

    /**
     * The same Avro body in Glue's framing: header version 3, no compression, the schema version id; the writer
     * schema is registered with the loopback registry under a new version id.
     */
    private byte[] glueFramed(byte[] singleObject) throws IOException {
        long fingerprint = ByteBuffer.wrap(singleObject, 2, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        String schema = Files.readString(store.resolve(AvroSchemaStores.objectName(fingerprint)));
        UUID version = UUID.nameUUIDFromBytes(schema.getBytes(StandardCharsets.UTF_8));
        versions.put(version, schema);
        byte[] body = Arrays.copyOfRange(singleObject, 10, singleObject.length);
        return ByteBuffer.allocate(18 + body.length).put((byte) 3).put((byte) 0)
                .putLong(version.getMostSignificantBits()).putLong(version.getLeastSignificantBits()).put(body).array();
    }
}
