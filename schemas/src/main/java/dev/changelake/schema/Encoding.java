package dev.changelake.schema;

/**
 * How Debezium's change records are written to Kafka. The capture (which converter Kafka Connect runs) and the job
 * (which {@link ChangeDecoder} it reads with, see {@link ChangeDecoders}) must agree on it, so both take this one type.
 */
public enum Encoding {
    /** Kafka Connect's JsonConverter with embedded schemas ({@code schemas.enable=true}). */
    JSON,
    /**
     * JsonConverter without embedded schemas ({@code schemas.enable=false}): smaller records; the job reads the column
     * types from the source's information_schema when it starts (see {@code InformationSchemaFields}).
     */
    JSON_WITHOUT_SCHEMAS,
    /**
     * Avro: locally Avro single-object encoding with writer schemas in a schema store (changelake's
     * {@code SingleObjectAvroConverter}); in AWS the Glue Schema Registry's Avro format.
     */
    AVRO
}
