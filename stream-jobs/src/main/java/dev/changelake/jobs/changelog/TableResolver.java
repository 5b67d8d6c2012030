package dev.changelake.jobs.changelog;

import dev.changelake.schema.ChangeDecoder;
import dev.changelake.schema.DecodeException;
import dev.changelake.schema.TableId;
import dev.changelake.schema.TableSchema;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds the tables to mirror and their schemas from the change topics themselves, as Paimon's Kafka CDC action does:
 * every topic {@code <prefix>.<db>.<table>} of a configured database (or named table) that holds a change, with the
 * schema of its newest change. A table whose changes cannot describe it (no primary key) is logged and left out.
 */
public final class TableResolver {
    private static final Logger LOG = LoggerFactory.getLogger(TableResolver.class);
    /** How far back from the end of a partition to look for a change that is not a tombstone. */
    private static final int LOOK_BACK = 50;

    private final ChangelogJobOptions options;
    private final ChangeDecoder decoder;

    public TableResolver(ChangelogJobOptions options, ChangeDecoder decoder) {
        this.options = options;
        this.decoder = decoder;
    }

    /** The source tables, sorted, with the schema their newest change carries. */
    public Map<TableId, TableSchema> resolve() {
        Map<TableId, TableSchema> tables = new TreeMap<>();
        try (KafkaConsumer<byte[], byte[]> consumer = consumer()) {
            Map<String, List<PartitionInfo>> topics = consumer.listTopics(Duration.ofSeconds(30));
            for (Map.Entry<String, List<PartitionInfo>> topic : new TreeMap<>(topics).entrySet()) {
                TableId table = tableOf(topic.getKey());
                if (table == null || !wanted(table)) {
                    continue;
                }
                ConsumerRecord<byte[], byte[]> newest = newestChange(consumer, topic.getValue());
                if (newest == null) {
                    continue; // only tombstones or empty: nothing to learn the schema from yet
                }
                try {
                    TableSchema schema = decoder.schemaOf(newest.key(), newest.value());
                    if (schema.hasPrimaryKey()
                            || options.tablesWithoutPrimaryKey() == ChangelogJobOptions.TablesWithoutPrimaryKey.APPEND) {
                        tables.put(table, schema);
                    } else {
                        LOG.warn("not mirroring {} (topic {}, partition {}, offset {}): the table has no primary key, so "
                                + "it cannot be upserted; add a primary key, or set source.tables-without-primary-key: "
                                + "append to keep its changes in an append-only changelog table", table, newest.topic(),
                                newest.partition(), newest.offset());
                    }
                } catch (DecodeException e) {
                    LOG.warn("not mirroring {} (topic {}, partition {}, offset {}): {}", table, newest.topic(),
                            newest.partition(), newest.offset(), e.getMessage());
                }
            }
        }
        return tables;
    }

    /** {@code <prefix>.<db>.<table>} → the table; null for other topics (schema history, the prefix topic). */
    TableId tableOf(String topic) {
        String prefix = options.topicPrefix() + ".";
        if (!topic.startsWith(prefix)) {
            return null;
        }
        String rest = topic.substring(prefix.length());
        int dot = rest.indexOf('.');
        if (dot <= 0 || dot == rest.length() - 1 || rest.indexOf('.', dot + 1) >= 0) {
            return null;
        }
        return new TableId(rest.substring(0, dot), rest.substring(dot + 1));
    }

    private boolean wanted(TableId table) {
        return options.mirrors(table);
    }

    private static ConsumerRecord<byte[], byte[]> newestChange(KafkaConsumer<byte[], byte[]> consumer, List<PartitionInfo> partitions) {
        List<TopicPartition> tps = partitions.stream().map(p -> new TopicPartition(p.topic(), p.partition()))
                .collect(Collectors.toList());
        consumer.assign(tps);
        Map<TopicPartition, Long> end = consumer.endOffsets(tps);
        Map<TopicPartition, Long> begin = consumer.beginningOffsets(tps);
        for (TopicPartition tp : tps) {
            consumer.seek(tp, Math.max(begin.get(tp), end.get(tp) - LOOK_BACK));
        }
        ConsumerRecord<byte[], byte[]> newest = null;
        List<TopicPartition> remaining = new ArrayList<>(tps);
        remaining.removeIf(tp -> consumer.position(tp) >= end.get(tp));
        long deadline = System.currentTimeMillis() + 30_000;
        while (!remaining.isEmpty() && System.currentTimeMillis() < deadline) {
            for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                if (r.value() != null && (newest == null || r.timestamp() >= newest.timestamp())) {
                    newest = r;
                }
            }
            remaining.removeIf(tp -> consumer.position(tp) >= end.get(tp));
        }
        return newest;
    }

    private KafkaConsumer<byte[], byte[]> consumer() {
        return new KafkaConsumer<>(consumerProperties(options));
    }

    /** Like every client of the job, with the cluster's security settings (TLS, MSK IAM). */
    static Properties consumerProperties(ChangelogJobOptions options) {
        Properties p = new Properties();
        p.putAll(options.kafkaProperties());
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, options.bootstrapServers());
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        return p;
    }

}
