package dev.changelake.ingest;

import dev.changelake.schema.Encoding;
import dev.changelake.schema.format.debezium.GlueSchemaRegistryOptions;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The part of the connector configuration that follows from {@link CaptureOptions#encoding()}: which converter
 * Kafka Connect writes keys and values with, and its settings. The job's decoder must match
 * ({@code ChangeDecoders.forEncoding}).
 *
 * <ul>
 * <li>JSON: Connect's JsonConverter with embedded schemas.
 * <li>AVRO with a schema store: changelake's {@code SingleObjectAvroConverter} (cdc-ingest/avro-converter, on the
 *     Connect worker's classpath), Avro single-object encoding, writer schemas in the store.
 * <li>AVRO with the Glue Schema Registry: Glue's {@code AWSKafkaAvroConverter} (installed with the MSK Connect
 *     plugin), generic records, schemas registered as they appear.
 * </ul>
 * Avro encodings also make Debezium write Avro-valid record names, and column names as Avro-valid field names with the
 * characters Avro refuses escaped as {@code _uXXXX} (reversibly: the decoder restores the MySQL names).
 */
final class ConverterConfig {
    static final String JSON_CONVERTER = "org.apache.kafka.connect.json.JsonConverter";
    static final String SINGLE_OBJECT_AVRO_CONVERTER = "dev.changelake.ingest.avro.SingleObjectAvroConverter";
    static final String GLUE_AVRO_CONVERTER = "com.amazonaws.services.schemaregistry.kafkaconnect.AWSKafkaAvroConverter";

    private ConverterConfig() {
    }

    static Map<String, String> render(CaptureOptions o) {
        Map<String, String> c = new LinkedHashMap<>();
        switch (o.encoding) {
            case JSON:
            case JSON_WITHOUT_SCHEMAS:
                for (String side : new String[] {"key", "value"}) {
                    c.put(side + ".converter", JSON_CONVERTER);
                    c.put(side + ".converter.schemas.enable", String.valueOf(o.encoding == Encoding.JSON));
                }
                break;
            case AVRO:
                // Table names become Avro record names; '-' and friends are replaced (readers ignore record names).
                c.put("schema.name.adjustment.mode", "avro");
                // Column names become Avro field names: characters Avro refuses (and '_') are written as _uXXXX,
                // which the decoder undoes, so any MySQL column name survives. 'avro' would lose them ('a-b' → 'a_b').
                c.put("field.name.adjustment.mode", "avro_unicode");
                for (String side : new String[] {"key", "value"}) {
                    if (o.avroSchemaStore != null) {
                        c.put(side + ".converter", SINGLE_OBJECT_AVRO_CONVERTER);
                        c.put(side + ".converter.schema.store.uri", o.avroSchemaStore.toString());
                    } else {
                        glue(c, side + ".converter", o.glueSchemaRegistry);
                    }
                }
                break;
            default:
                throw new IllegalArgumentException("no converter for encoding " + o.encoding);
        }
        return c;
    }

    private static void glue(Map<String, String> c, String prefix, GlueSchemaRegistryOptions registry) {
        c.put(prefix, GLUE_AVRO_CONVERTER);
        c.put(prefix + ".region", registry.region());
        c.put(prefix + ".registry.name", registry.registryName());
        if (registry.endpoint() != null) {
            c.put(prefix + ".endpoint", registry.endpoint().toString());
        }
        c.put(prefix + ".schemaAutoRegistrationEnabled", "true");
        c.put(prefix + ".avroRecordType", "GENERIC_RECORD");
        c.put(prefix + ".dataFormat", "AVRO");
    }
}
