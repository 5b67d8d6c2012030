package dev.changelake.bench.w1;

/**
 * Turns W1 events into the Kafka record bytes the capture would write for them. One implementation per
 * {@link dev.changelake.schema.Encoding}: {@link DebeziumJsonEncoder} (JsonConverter, schemas enabled) and
 * {@link DebeziumAvroEncoder} (changelake's single-object Avro converter with a schema store). Another wire format
 * (the Glue Schema Registry's framing, say) is one more implementation; the generator and the record stream
 * ({@link W1Records}) do not change.
 *
 * <p>Implementations reuse buffers and are not thread-safe: one encoder per producing thread.
 */
public interface EnvelopeEncoder {
    /** The record key: the primary-key struct. */
    byte[] key(W1Event event);

    /** The record value: the Debezium envelope. */
    byte[] value(W1Event event);
}
