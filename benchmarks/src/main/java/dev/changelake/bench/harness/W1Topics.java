package dev.changelake.bench.harness;

import dev.changelake.bench.w1.DebeziumAvroEncoder;
import dev.changelake.bench.w1.DebeziumJsonEncoder;
import dev.changelake.bench.w1.EnvelopeEncoder;
import dev.changelake.bench.w1.W1Config;
import dev.changelake.bench.w1.W1Event;
import dev.changelake.bench.w1.W1Generator;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * W1 in Kafka, as the capture would have left it after an outage: one topic per encoding (JSON with schemas, Avro),
 * two partitions, keyed by the row key, lz4-compressed, holding the table's snapshot ({@code op=r}) and then every
 * change event, a tombstone after each delete. Both topics are written in one pass of one generator, which then
 * knows the table every consumer must end with.
 */
final class W1Topics {
    static final int PARTITIONS = 2;

    final W1Config json;
    final W1Config avro;
    final W1Generator generator;
    /** snapshot rows + change events: the envelopes a consumer decodes (tombstones not counted) */
    final long envelopes;
    /** records per topic, tombstones included */
    final long records;

    private W1Topics(W1Config json, W1Config avro, W1Generator generator, long envelopes, long records) {
        this.json = json;
        this.avro = avro;
        this.generator = generator;
        this.envelopes = envelopes;
        this.records = records;
    }

    /**
     * Generates W1 from {@code base} and writes both topics, {@code <prefix>json.…} and {@code <prefix>avro.…}; Avro
     * writer schemas go to {@code schemaStore}.
     */
    static W1Topics load(String bootstrapServers, W1Config base, Path schemaStore, String prefix) throws Exception {
        W1Config json = base.toBuilder().topicPrefix(prefix + "json").build();
        W1Config avro = base.toBuilder().topicPrefix(prefix + "avro").build();
        try (Admin admin = admin(bootstrapServers)) {
            admin.createTopics(List.of(topic(json.topic()), topic(avro.topic()))).all().get();
        }
        W1Generator generator = new W1Generator(base);
        EnvelopeEncoder jsonEncoder = new DebeziumJsonEncoder(json);
        EnvelopeEncoder avroEncoder = new DebeziumAvroEncoder(avro, schemaStore);
        long envelopes = 0;
        long records = 0;
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        p.put(ProducerConfig.LINGER_MS_CONFIG, "20");
        p.put(ProducerConfig.BATCH_SIZE_CONFIG, String.valueOf(512 * 1024));
        p.put(ProducerConfig.BUFFER_MEMORY_CONFIG, String.valueOf(256L * 1024 * 1024));
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
                ProgressBar bar = new ProgressBarBuilder().setTaskName("pre-loading " + prefix + " into Kafka")
                        .setInitialMax(base.rows + base.events).setStyle(ProgressBarStyle.ASCII).setUpdateIntervalMillis(2_000)
                        .setUnit(" events", 1).continuousUpdate().build()) {
            for (Iterator<W1Event> events : List.of(generator.snapshot(), generator.changes())) {
                while (events.hasNext()) {
                    W1Event e = events.next();
                    send(producer, json.topic(), jsonEncoder, e);
                    send(producer, avro.topic(), avroEncoder, e);
                    envelopes++;
                    records += e.followedByTombstone() ? 2 : 1;
                    bar.step();
                }
            }
            producer.flush();
        }
        return new W1Topics(json, avro, generator, envelopes, records);
    }

    /** One event as the capture writes it: the envelope, then a tombstone after a delete. */
    static void send(KafkaProducer<byte[], byte[]> producer, String topic, EnvelopeEncoder encoder, W1Event e) {
        byte[] key = encoder.key(e);
        producer.send(new ProducerRecord<>(topic, key, encoder.value(e)));
        if (e.followedByTombstone()) {
            producer.send(new ProducerRecord<>(topic, key, null));
        }
    }

    private static NewTopic topic(String name) {
        return new NewTopic(name, PARTITIONS, (short) 1).configs(Map.of("compression.type", "lz4"));
    }

    static Admin admin(String bootstrapServers) {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        return Admin.create(p);
    }

    /** The sum of the topic's end offsets. */
    static long endOffsets(Admin admin, String topic) throws ExecutionException, InterruptedException {
        Map<TopicPartition, OffsetSpec> request = new java.util.HashMap<>();
        for (int i = 0; i < PARTITIONS; i++) {
            request.put(new TopicPartition(topic, i), OffsetSpec.latest());
        }
        long sum = 0;
        for (ListOffsetsResult.ListOffsetsResultInfo info : admin.listOffsets(request).all().get().values()) {
            sum += info.offset();
        }
        return sum;
    }

    /** The sum of the group's committed offsets on the topic (0 for partitions it never committed). */
    static long committedOffsets(Admin admin, String group, String topic) throws ExecutionException, InterruptedException {
        return admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get().entrySet().stream()
                .filter(e -> e.getKey().topic().equals(topic) && e.getValue() != null)
                .mapToLong(e -> e.getValue().offset()).sum();
    }
}
