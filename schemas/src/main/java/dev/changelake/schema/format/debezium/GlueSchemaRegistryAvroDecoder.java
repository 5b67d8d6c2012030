package dev.changelake.schema.format.debezium;

import com.amazonaws.services.schemaregistry.common.AWSDeserializerInput;
import com.amazonaws.services.schemaregistry.common.configs.GlueSchemaRegistryConfiguration;
import com.amazonaws.services.schemaregistry.deserializers.GlueSchemaRegistryDeserializationFacade;
import dev.changelake.schema.DecodeException;
import dev.changelake.schema.WriterSchemaUnavailableException;
import java.nio.ByteBuffer;
import java.util.Objects;
import org.apache.avro.generic.GenericRecord;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;

/**
 * Decodes the Debezium envelope written in the AWS Glue Schema Registry's Avro format (header byte 3, compression,
 * schema version id, then the Avro body), as the Glue converter writes it on MSK Connect. The Glue serde finds the
 * writer schema by its version id and reads a generic Avro record, which goes through the same record → change code
 * as {@link DebeziumAvroDecoder}. Needs {@code software.amazon.glue:schema-registry-serde} on the classpath (an
 * optional dependency of this module: the AWS application jar adds it). A registry that cannot be reached, or does not
 * hold the record's schema version, gives a {@link WriterSchemaUnavailableException} (after the serde's own retries).
 */
public final class GlueSchemaRegistryAvroDecoder extends AvroChangeDecoder {
    private static final long serialVersionUID = 1L;

    private final GlueSchemaRegistryOptions options;
    private transient GlueSchemaRegistryDeserializationFacade glue;

    public GlueSchemaRegistryAvroDecoder(GlueSchemaRegistryOptions options) {
        this.options = Objects.requireNonNull(options, "options");
    }

    /** The Glue serde's configuration this decoder runs with. */
    GlueSchemaRegistryConfiguration configuration() {
        return new GlueSchemaRegistryConfiguration(options.serdeConfigs());
    }

    @Override
    GenericRecord read(byte[] bytes, String what) throws DecodeException {
        GlueSchemaRegistryDeserializationFacade g = glue();
        if (!g.canDeserialize(bytes)) {
            throw new DecodeException(what + " is not in the Glue Schema Registry format (no header byte 3 and schema "
                    + "version id): the topic was not captured with the Glue Avro converter");
        }
        try {
            g.getSchema(bytes); // the writer schema first: not having it is not the record's fault
        } catch (RuntimeException e) {
            throw new WriterSchemaUnavailableException("cannot get the writer schema of a " + what + " from the "
                    + options + ": " + rootMessage(e), e);
        }
        Object datum;
        try {
            datum = g.deserialize(AWSDeserializerInput.builder().buffer(ByteBuffer.wrap(bytes)).transportName("changelake").build());
        } catch (RuntimeException e) {
            throw new DecodeException("a " + what + " does not match its writer schema in the " + options + ": "
                    + rootMessage(e), e);
        }
        if (!(datum instanceof GenericRecord)) {
            throw new DecodeException(what + " is an Avro " + (datum == null ? "null" : datum.getClass().getSimpleName())
                    + ", not a record: not a Debezium " + what);
        }
        return (GenericRecord) datum;
    }

    private GlueSchemaRegistryDeserializationFacade glue() {
        if (glue == null) {
            glue = new GlueSchemaRegistryDeserializationFacade(configuration(), DefaultCredentialsProvider.create());
        }
        return glue;
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t == e ? String.valueOf(e.getMessage()) : e.getMessage() + " (" + t + ")";
    }
}
