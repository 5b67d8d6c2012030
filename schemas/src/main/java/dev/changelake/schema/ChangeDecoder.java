package dev.changelake.schema;

import java.io.Serializable;
import java.util.Optional;

/**
 * Turns one Kafka record of a change topic into a canonical change. One implementation per envelope encoding
 * (see {@code format/}); decoders are stateless apart from caches and safe to use from one thread.
 */
public interface ChangeDecoder extends Serializable {

    /**
     * @return the change, or empty for a record that carries none (a tombstone after a delete)
     * @throws DecodeException when the record is not a valid change; the message names the reason
     */
    Optional<ChangeRecord> decode(byte[] key, byte[] value) throws DecodeException;

    /** The table's schema as the record describes it (columns, types, primary key). */
    TableSchema schemaOf(byte[] key, byte[] value) throws DecodeException;
}
