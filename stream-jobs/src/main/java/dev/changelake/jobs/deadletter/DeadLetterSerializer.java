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

    private final String topic;

    DeadLetterSerializer(String topic) {
        this.topic = topic;
    }

    @Override
    public ProducerRecord<byte[], byte[]> serialize(DeadLetter letter, KafkaSinkContext context, Long timestamp) {
        ProducerRecord<byte[], byte[]> r = new ProducerRecord<>(topic, null, timestamp, letter.record.key, letter.record.value);
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
