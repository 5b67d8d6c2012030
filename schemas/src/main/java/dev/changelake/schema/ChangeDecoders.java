package dev.changelake.schema;

import dev.changelake.schema.format.debezium.DebeziumAvroDecoder;
import dev.changelake.schema.format.debezium.DebeziumJsonDecoder;
import dev.changelake.schema.format.debezium.GlueSchemaRegistryAvroDecoder;
import dev.changelake.schema.format.debezium.GlueSchemaRegistryOptions;
import java.net.URI;

/** The decoder for each way the capture writes change records; the job picks one by the capture's {@link Encoding}. */
public final class ChangeDecoders {
    private ChangeDecoders() {
    }

    /**
     * @param schemaStore for {@link Encoding#AVRO}: the schema store the capture's converter writes
     *                    ({@code file:///<directory>}); ignored for JSON
     * @throws IllegalArgumentException when AVRO is asked for without a schema store
     */
    public static ChangeDecoder forEncoding(Encoding encoding, URI schemaStore) {
        switch (encoding) {
            case JSON:
                return new DebeziumJsonDecoder();
            case JSON_WITHOUT_SCHEMAS:
                throw new IllegalArgumentException("encoding JSON_WITHOUT_SCHEMAS needs the tables' fields: use "
                        + "new DebeziumJsonDecoder(InformationSchemaFields.read(...))");
            case AVRO:
                if (schemaStore == null) {
                    throw new IllegalArgumentException("encoding AVRO needs the schema store the capture writes "
                            + "(file:///<directory>), or the Glue Schema Registry (ChangeDecoders.glue)");
                }
                return new DebeziumAvroDecoder(schemaStore);
            default:
                throw new IllegalArgumentException("no decoder for encoding " + encoding);
        }
    }

    /** Avro through the AWS Glue Schema Registry (the capture runs the Glue converter on MSK Connect). */
    public static ChangeDecoder glue(GlueSchemaRegistryOptions registry) {
        return new GlueSchemaRegistryAvroDecoder(registry);
    }
}
