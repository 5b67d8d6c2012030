package dev.changelake.ingest.events;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Events into a Kafka topic, keyed by user id (one user's events stay in one partition, in order), idempotent producer.
 * Built against the Kafka clients of whoever runs it (kafka-clients is a provided dependency): 3.x beside Flink, 4.x in
 * the services' tests.
 */
public final class KafkaEventSink implements EventSink {
    private final KafkaProducer<byte[], byte[]> producer;
    private final String topic;
    private final AtomicLong acknowledged = new AtomicLong();
    private final AtomicReference<Exception> failure = new AtomicReference<>();

    public KafkaEventSink(String bootstrapServers, String topic, Map<String, String> properties) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        p.put(ProducerConfig.LINGER_MS_CONFIG, "5");
        p.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        p.putAll(properties);
        this.producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
        this.topic = topic;
    }

    @Override
    public void send(String key, byte[] value) throws IOException {
        send(new ProducerRecord<>(topic, key.getBytes(StandardCharsets.UTF_8), value));
    }

    /**
     * Sends {@code value} once to every partition of the topic. A session job's watermark is the least of its
     * partitions' watermarks: an event in each partition moves them all (tests use it to close every session).
     */
    public void sendToEveryPartition(String key, byte[] value) throws IOException {
        for (PartitionInfo partition : producer.partitionsFor(topic)) {
            send(new ProducerRecord<>(topic, partition.partition(), key.getBytes(StandardCharsets.UTF_8), value));
        }
    }

    private void send(ProducerRecord<byte[], byte[]> record) throws IOException {
        rethrow();
        producer.send(record, (metadata, e) -> {
            if (e != null) {
                failure.compareAndSet(null, e);
            } else {
                acknowledged.incrementAndGet();
            }
        });
    }

    @Override
    public void flush() throws IOException {
        producer.flush();
        rethrow();
    }

    @Override
    public long acknowledged() {
        return acknowledged.get();
    }

    @Override
    public String describe() {
        return "Kafka topic " + topic;
    }

    private void rethrow() throws IOException {
        Exception e = failure.get();
        if (e != null) {
            throw new IOException("sending to " + topic + " failed: " + e.getMessage(), e);
        }
    }

    @Override
    public void close() throws IOException {
        try {
            flush();
        } finally {
            producer.close(Duration.ofSeconds(10));
        }
    }
}
