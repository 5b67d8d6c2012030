package dev.changelake.schema.format.debezium;

import dev.changelake.schema.ChangeDecoder;
import dev.changelake.schema.ChangeRecord;
import dev.changelake.schema.DecodeException;
import dev.changelake.schema.TableSchema;
import java.util.Optional;
import org.apache.avro.generic.GenericRecord;

/**
 * What the Avro decoders share: tombstones, and the envelope → change step ({@link DebeziumAvroEnvelope}). A subclass
 * says only how its wire format gives the Avro record (single-object encoding and a schema store, or the Glue Schema
 * Registry's framing).
 */
abstract class AvroChangeDecoder implements ChangeDecoder {
    private static final long serialVersionUID = 1L;

    private transient DebeziumAvroEnvelope envelope;

    /** The Avro record the bytes hold; {@code what} ("key" or "value") names it in errors. */
    abstract GenericRecord read(byte[] bytes, String what) throws DecodeException;

    @Override
    public final Optional<ChangeRecord> decode(byte[] key, byte[] value) throws DecodeException {
        if (value == null) {
            return Optional.empty(); // the tombstone Debezium writes after a delete, for log compaction
        }
        GenericRecord v = read(value, "value");
        return envelope().change(key == null ? null : read(key, "key"), v);
    }

    @Override
    public final TableSchema schemaOf(byte[] key, byte[] value) throws DecodeException {
        if (value == null) {
            throw new DecodeException("a tombstone carries no schema");
        }
        GenericRecord v = read(value, "value");
        return envelope().schema(key == null ? null : read(key, "key"), v);
    }

    private DebeziumAvroEnvelope envelope() {
        if (envelope == null) {
            envelope = new DebeziumAvroEnvelope();
        }
        return envelope;
    }
}
