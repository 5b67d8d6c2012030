package dev.changelake.jobs.deadletter;

import java.nio.charset.StandardCharsets;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Writes a dead letter with the original key and value bytes untouched, so it can be inspected or replayed as it
 * was, and what happened in headers: {@code changelake.reason}, {@code changelake.stage},
 * {@code changelake.source.topic}, {@code changelake.source.partition}, {@code changelake.source.offset}.
 */
final class DeadLetterSerializer implements KafkaRecordSerializationSchema<DeadLetter> {
    private static final long serialVersionUID = 1L;

    static final String REASON = "changelake.reason";
    static final String STAGE = "changelake.stage";
    static final String SOURCE_TOPIC = "changelake.source.topic";
    static final String SOURCE_PARTITION = "changelake.source.partition";
    static final String SOURCE_OFFSET = "changelake.source.offset";
    static final String CODE = "changelake.reason-code";
    static final String FAILED_AT = "changelake.failed-at";
    static final String KEY_SIZE = "changelake.key.original-size";
    static final String VALUE_SIZE = "changelake.value.original-size";

    private final String topic;
    private final int maxBytes;

    DeadLetterSerializer(String topic, int maxBytes) {
        this.topic = topic;
        this.maxBytes = maxBytes;
    }

    @Override
    public ProducerRecord<byte[], byte[]> serialize(DeadLetter letter, KafkaSinkContext context, Long timestamp) {
        byte[] key = letter.record.key;
        byte[] value = letter.record.value;
        // A record too large for the broker would fail the job at every retry: keep its head, say how large it was.
        int keyRoom = key == null ? 0 : Math.min(key.length, maxBytes / 8);
        int valueRoom = Math.max(0, maxBytes - keyRoom);
        ProducerRecord<byte[], byte[]> r = new ProducerRecord<>(topic, null, timestamp, DeadLetter.head(key, keyRoom), DeadLetter.head(value, valueRoom));
        if (key != null && key.length > keyRoom) {
            r.headers().add(KEY_SIZE, utf8(String.valueOf(key.length)));
        }
        if (value != null && value.length > valueRoom) {
            r.headers().add(VALUE_SIZE, utf8(String.valueOf(value.length)));
        }
        r.headers().add(CODE, utf8(letter.code));
        r.headers().add(FAILED_AT, utf8(java.time.Instant.ofEpochMilli(letter.failedAtMillis).toString()));
        r.headers().add(REASON, utf8(letter.reason));
        r.headers().add(STAGE, utf8(letter.stage));
        r.headers().add(SOURCE_TOPIC, utf8(letter.record.topic));
        r.headers().add(SOURCE_PARTITION, utf8(String.valueOf(letter.record.partition)));
        r.headers().add(SOURCE_OFFSET, utf8(String.valueOf(letter.record.offset)));
        return r;
    }

    private static byte[] utf8(String s) {
        return (s == null ? "" : s).getBytes(StandardCharsets.UTF_8);
    }
}
