package dev.changelake.jobs.source;

import java.util.HashMap;
import java.util.Map;
import org.apache.flink.api.connector.source.SourceEvent;
import org.apache.kafka.common.TopicPartition;

/** A reader's next offset per partition it has read from: sent to the enumerator, which measures the backlog with it. */
final class ReadPositions implements SourceEvent {
    private static final long serialVersionUID = 1L;

    final HashMap<TopicPartition, Long> next;

    ReadPositions(Map<TopicPartition, Long> next) {
        this.next = new HashMap<>(next);
    }
}
