package dev.changelake.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.changelake.schema.Encoding;
import dev.changelake.schema.format.debezium.GlueSchemaRegistryOptions;
import java.net.URI;
import java.util.List;
import java.util.Map;
import org.apache.kafka.connect.storage.Converter;
import org.junit.jupiter.api.Test;

class ConverterConfigTest {
    private static final URI STORE = URI.create("file:///var/lib/changelake/schemas/");

    private static CaptureOptions.Builder options() {
        return CaptureOptions.builder().hostname("db.internal").user("cdc").databases(List.of("shop"))
                .kafkaBootstrapServers("b:9092");
    }

    @Test
    void jsonIsTheDefaultAndUsesJsonConverterWithEmbeddedSchemas() {
        CaptureOptions o = options().build();

        assertThat(o.encoding()).isEqualTo(Encoding.JSON);
        assertThat(ConverterConfig.render(o)).containsExactlyInAnyOrderEntriesOf(Map.of(
                "key.converter", "org.apache.kafka.connect.json.JsonConverter",
                "key.converter.schemas.enable", "true",
                "value.converter", "org.apache.kafka.connect.json.JsonConverter",
                "value.converter.schemas.enable", "true"));
    }

    @Test
    void avroWithASchemaStoreWritesKeysAndValuesWithTheSingleObjectConverter() {
        Map<String, String> c = ConverterConfig.render(options().encoding(Encoding.AVRO).avroSchemaStore(STORE).build());

        assertThat(c).containsEntry("key.converter", "dev.changelake.ingest.avro.SingleObjectAvroConverter")
                .containsEntry("value.converter", "dev.changelake.ingest.avro.SingleObjectAvroConverter")
                .containsEntry("key.converter.schema.store.uri", STORE.toString())
                .containsEntry("value.converter.schema.store.uri", STORE.toString())
                .containsEntry("schema.name.adjustment.mode", "avro")
                .containsEntry("field.name.adjustment.mode", "avro_unicode");
    }

    @Test
    void singleObjectConverterNamedIsAConnectConverter() throws Exception {
        assertThat(Converter.class.isAssignableFrom(Class.forName(ConverterConfig.SINGLE_OBJECT_AVRO_CONVERTER))).isTrue();
    }

    @Test
    void avroWithGlueUsesGluesConverterForGenericRecordsInTheNamedRegistry() {
        Map<String, String> c = ConverterConfig.render(options().encoding(Encoding.AVRO).glueSchemaRegistry(
                GlueSchemaRegistryOptions.builder().region("eu-west-1").registryName("changelake").build()).build());

        for (String side : List.of("key", "value")) {
            assertThat(c).containsEntry(side + ".converter",
                            "com.amazonaws.services.schemaregistry.kafkaconnect.AWSKafkaAvroConverter")
                    .containsEntry(side + ".converter.region", "eu-west-1")
                    .containsEntry(side + ".converter.registry.name", "changelake")
                    .containsEntry(side + ".converter.avroRecordType", "GENERIC_RECORD")
                    .containsEntry(side + ".converter.schemaAutoRegistrationEnabled", "true")
                    .doesNotContainKey(side + ".converter.endpoint");
        }
    }

    @Test
    void connectorConfigOfAnAvroCaptureHasNoSettingOfTheJsonConverter() {
        CaptureOptions avro = options().encoding(Encoding.AVRO).avroSchemaStore(STORE).build();

        Map<String, String> c = DebeziumConnectorConfig.render(avro);

        assertThat(c).doesNotContainKeys("key.converter.schemas.enable", "value.converter.schemas.enable")
                .containsEntry("value.converter", "dev.changelake.ingest.avro.SingleObjectAvroConverter")
                .containsEntry("connector.class", "io.debezium.connector.mariadb.MariaDbConnector");
    }

    @Test
    void avroNeedsExactlyOnePlaceForWriterSchemas() {
        assertThatThrownBy(() -> options().encoding(Encoding.AVRO).build()).hasMessageContaining("neither");
        assertThatThrownBy(() -> options().encoding(Encoding.AVRO).avroSchemaStore(STORE)
                .glueSchemaRegistry(GlueSchemaRegistryOptions.builder().region("eu-west-1").build()).build())
                .hasMessageContaining("both");
    }

    @Test
    void jsonRefusesASchemaStoreItWouldNotUse() {
        assertThatThrownBy(() -> options().avroSchemaStore(STORE).build()).hasMessageContaining("encoding is JSON");
    }

    @Test
    void jsonWithoutSchemasTurnsEmbeddedSchemasOffForKeyAndValue() {
        Map<String, String> c = ConverterConfig.render(CaptureOptions.builder().hostname("db").user("cdc")
                .databases(List.of("shop")).kafkaBootstrapServers("b:9092").encoding(Encoding.JSON_WITHOUT_SCHEMAS).build());

        assertThat(c).containsEntry("value.converter", "org.apache.kafka.connect.json.JsonConverter")
                .containsEntry("value.converter.schemas.enable", "false")
                .containsEntry("key.converter.schemas.enable", "false");
    }
}
