package dev.changelake.schema.format.debezium;

import dev.changelake.schema.DecodeException;
import dev.changelake.schema.WriterSchemaUnavailableException;
import java.io.IOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.HashMap;
import java.util.Map;
import org.apache.avro.AvroRuntimeException;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.message.BinaryMessageDecoder;
import org.apache.avro.message.SchemaStore;

/**
 * Decodes the Debezium MySQL/MariaDB envelope written as Avro single-object encoding (marker {@code C3 01}, the writer
 * schema's CRC-64-AVRO fingerprint, the binary body) by changelake's {@code SingleObjectAvroConverter}, with the
 * writer schemas in the schema store it writes ({@code file:///<directory>}). Key and value are both encoded so.
 * Produces the same changes and schemas as {@link DebeziumJsonDecoder} for the same Debezium change.
 *
 * <p>The converter stores a schema before the first record that uses it, so a record whose schema is missing means
 * the job reads another store than the capture writes (or cannot read it): that record fails with a
 * {@link WriterSchemaUnavailableException} naming the fingerprint and the store.
 */
public final class DebeziumAvroDecoder extends AvroChangeDecoder {
    private static final long serialVersionUID = 1L;
    private static final byte[] MARKER = {(byte) 0xC3, 0x01};

    private final String schemaStore;
    private transient SchemaStore store;
    private transient Map<Long, BinaryMessageDecoder<Object>> decoders;

    /** @param schemaStore where the capture's converter keeps writer schemas: {@code file:///<directory>} */
    public DebeziumAvroDecoder(URI schemaStore) {
        AvroSchemaStores.open(schemaStore); // refuse an unsupported store now, not in the job
        this.schemaStore = schemaStore.toString();
    }

    @Override
    GenericRecord read(byte[] bytes, String what) throws DecodeException {
        if (bytes.length < 10 || bytes[0] != MARKER[0] || bytes[1] != MARKER[1]) {
            throw new DecodeException(what + " is not Avro single-object encoded (no C3 01 marker): the topic was "
                    + "not captured with encoding AVRO and changelake's SingleObjectAvroConverter");
        }
        long fingerprint = ByteBuffer.wrap(bytes, 2, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        Object datum;
        try {
            datum = decoder(fingerprint, what).decode(bytes);
        } catch (IOException | AvroRuntimeException | IndexOutOfBoundsException e) {
            throw new DecodeException(what + " is not a valid Avro record of writer schema "
                    + AvroSchemaStores.objectName(fingerprint) + ": " + e.getMessage(), e);
        }
        if (!(datum instanceof GenericRecord)) {
            throw new DecodeException(what + " is an Avro " + (datum == null ? "null" : datum.getClass().getSimpleName())
                    + ", not a record: not a Debezium " + what);
        }
        return (GenericRecord) datum;
    }

    /** One decoder per writer schema, each reading with that schema itself: no resolution against a reader schema. */
    private BinaryMessageDecoder<Object> decoder(long fingerprint, String what) throws DecodeException {
        if (decoders == null) {
            decoders = new HashMap<>();
            store = AvroSchemaStores.open(URI.create(schemaStore));
        }
        BinaryMessageDecoder<Object> decoder = decoders.get(fingerprint);
        if (decoder == null) {
            Schema writer;
            try {
                writer = store.findByFingerprint(fingerprint);
            } catch (RuntimeException e) {
                throw new WriterSchemaUnavailableException("cannot read the writer schema of a " + what + ": "
                        + e.getMessage(), e);
            }
            if (writer == null) {
                throw new WriterSchemaUnavailableException("the writer schema " + AvroSchemaStores.objectName(fingerprint) + " of a "
                        + what + " is not in schema store " + schemaStore + "; the job must read the store the "
                        + "capture's converter writes (schema.store.uri)");
            }
            decoder = new BinaryMessageDecoder<>(GenericData.get(), writer, store);
            decoders.put(fingerprint, decoder);
        }
        return decoder;
    }

    /** The schema store this decoder reads. */
    public URI schemaStore() {
        return URI.create(schemaStore);
    }
}
