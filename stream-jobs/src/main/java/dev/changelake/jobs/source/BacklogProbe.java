package dev.changelake.jobs.source;

import java.io.Serializable;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * How many records of the job's topics are not yet committed: the end offsets of every partition of the topics
 * matching the pattern, minus the consumer group's committed offsets (the job commits them on each checkpoint, so
 * this is what a restart would read again: the backlog as the lake sees it).
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

    /** Records in the matching topics after the group's committed offsets (all of a partition it never committed). */
    public long uncommittedRecords() throws Exception {
        Admin a = admin();
        Pattern pattern = Pattern.compile(topicPattern);
        Map<TopicPartition, OffsetSpec> request = new HashMap<>();
        for (var topic : a.describeTopics(a.listTopics().names().get().stream()
                .filter(t -> pattern.matcher(t).matches()).toList()).allTopicNames().get().values()) {
            topic.partitions().forEach(p -> request.put(new TopicPartition(topic.name(), p.partition()), OffsetSpec.latest()));
        }
        if (request.isEmpty()) {
            return 0;
        }
        Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> end = a.listOffsets(request).all().get();
        Map<TopicPartition, OffsetAndMetadata> committed = a.listConsumerGroupOffsets(groupId)
                .partitionsToOffsetAndMetadata().get();
        long behind = 0;
        for (Map.Entry<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> e : end.entrySet()) {
            OffsetAndMetadata c = committed.get(e.getKey());
            behind += Math.max(0, e.getValue().offset() - (c == null ? 0 : c.offset()));
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
