package dev.changelake.jobs.source;

import java.io.Serializable;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * How many records of the job's topics are not yet read: the end offsets of every partition of the topics matching
 * the pattern, minus how far the job's readers have read (as they report it), or, for a partition no reader has
 * reported yet, minus the consumer group's committed offset.
 */
public final class BacklogProbe implements Serializable, AutoCloseable {
    private static final long serialVersionUID = 1L;

    private final String bootstrapServers;
    private final Map<String, String> kafkaProperties;
    private final String topicPattern;
    private final String groupId;
    private transient Admin admin;

    public BacklogProbe(String bootstrapServers, Map<String, String> kafkaProperties, Pattern topics, String groupId) {
        this.bootstrapServers = bootstrapServers;
        this.kafkaProperties = Map.copyOf(kafkaProperties);
        this.topicPattern = topics.pattern();
        this.groupId = groupId;
    }

    /**
     * Records in the matching topics the job has not read yet.
     *
     * @param read the next offset to read per partition, as the readers reported it (may miss partitions)
     */
    public long recordsNotRead(Map<TopicPartition, Long> read) throws Exception {
        long sum = 0;
        for (long topic : recordsNotReadByTopic(read).values()) {
            sum += topic;
        }
        return sum;
    }

    /** As {@link #recordsNotRead}, per topic (a topic with nothing to read maps to 0). */
    public Map<String, Long> recordsNotReadByTopic(Map<TopicPartition, Long> read) throws Exception {
        Admin a = admin();
        Pattern pattern = Pattern.compile(topicPattern);
        Map<TopicPartition, OffsetSpec> request = new HashMap<>();
        for (var topic : a.describeTopics(a.listTopics().names().get().stream()
                .filter(t -> pattern.matcher(t).matches()).collect(Collectors.toList())).allTopicNames().get().values()) {
            topic.partitions().forEach(p -> request.put(new TopicPartition(topic.name(), p.partition()), OffsetSpec.latest()));
        }
        if (request.isEmpty()) {
            return Map.of();
        }
        Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> end = a.listOffsets(request).all().get();
        Map<TopicPartition, OffsetAndMetadata> committed = a.listConsumerGroupOffsets(groupId)
                .partitionsToOffsetAndMetadata().get();
        Map<TopicPartition, Long> endOffsets = new HashMap<>();
        end.forEach((tp, info) -> endOffsets.put(tp, info.offset()));
        Map<TopicPartition, Long> committedOffsets = new HashMap<>();
        committed.forEach((tp, c) -> {
            if (c != null) {
                committedOffsets.put(tp, c.offset());
            }
        });
        return behindByTopic(endOffsets, committedOffsets, read);
    }

    /**
     * Σ over partitions of end − (the furthest read, else the committed offset, else 0). A partition read past its
     * committed offset counts from where it was read to: committed offsets trail by one checkpoint interval.
     */
    static long behind(Map<TopicPartition, Long> end, Map<TopicPartition, Long> committed, Map<TopicPartition, Long> read) {
        long behind = 0;
        for (long topic : behindByTopic(end, committed, read).values()) {
            behind += topic;
        }
        return behind;
    }

    /** {@link #behind}, summed per topic instead of over all. */
    static Map<String, Long> behindByTopic(Map<TopicPartition, Long> end, Map<TopicPartition, Long> committed,
            Map<TopicPartition, Long> read) {
        Map<String, Long> behind = new HashMap<>();
        for (Map.Entry<TopicPartition, Long> e : end.entrySet()) {
            long from = Math.max(read.getOrDefault(e.getKey(), 0L), committed.getOrDefault(e.getKey(), 0L));
            behind.merge(e.getKey().topic(), Math.max(0, e.getValue() - from), Long::sum);
        }
        return behind;
    }

    private Admin admin() {
        if (admin == null) {
            Properties p = new Properties();
            p.putAll(kafkaProperties);
            p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
            p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "30000");
            admin = Admin.create(p);
        }
        return admin;
    }

    @Override
    public void close() {
        if (admin != null) {
            admin.close(Duration.ofSeconds(5));
            admin = null;
        }
    }
}
