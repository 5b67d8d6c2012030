package dev.changelake.jobs.deadletter;

import java.util.Properties;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.util.OutputTag;

/** Where set-aside records go: a Kafka topic, written exactly once with the job's checkpoints. */
public final class DeadLetters {
    /** The side output every stage sends refused records to. */
    public static final OutputTag<DeadLetter> TAG = new OutputTag<>("dead-letters") { };

    private DeadLetters() {
    }

    /**
     * Sends {@code letters} to {@code topic}. The transaction timeout stays under MSK's default broker maximum
     * (15 min), and above any sane checkpoint interval.
     */
    public static void sinkTo(DataStream<DeadLetter> letters, String bootstrapServers, String topic, String transactionalIdPrefix,
            java.util.Map<String, String> kafkaProperties, int maxRecordBytes) {
        Properties producer = new Properties();
        producer.putAll(kafkaProperties);
        producer.setProperty("transaction.timeout.ms", String.valueOf(15 * 60 * 1000));
        letters.sinkTo(KafkaSink.<DeadLetter>builder()
                        .setBootstrapServers(bootstrapServers)
                        .setRecordSerializer(new DeadLetterSerializer(topic, maxRecordBytes))
                        .setDeliveryGuarantee(DeliveryGuarantee.EXACTLY_ONCE)
                        .setTransactionalIdPrefix(transactionalIdPrefix)
                        .setKafkaProducerConfig(producer)
                        .build())
                .uid("dead-letters").name("dead-letters -> " + topic);
    }
}
