package dev.changelake.jobs.source;

import dev.changelake.lake.metrics.TableMetrics;
import dev.changelake.schema.TableId;
import java.io.IOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.source.Boundedness;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.api.connector.source.SourceEvent;
import org.apache.flink.api.connector.source.SourceReader;
import org.apache.flink.api.connector.source.SourceReaderContext;
import org.apache.flink.api.connector.source.SourceSplit;
import org.apache.flink.api.connector.source.SplitEnumerator;
import org.apache.flink.api.connector.source.SplitEnumeratorContext;
import org.apache.flink.api.java.typeutils.ResultTypeQueryable;
import org.apache.flink.core.io.SimpleVersionedSerializer;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A source that tells Flink when it is behind, so checkpoints use {@code execution.checkpointing.interval-during-backlog}
 * while it catches up and the normal interval once it has (FLIP-309). The Kafka connector does not report backlog
 * itself; this wraps it. Its readers tell the enumerator how far they have read ({@link PositionReportingReader}), and
 * every {@code probeInterval} {@link BacklogProbe} counts the records not yet read: above {@code thresholdRecords} it
 * reports backlog, at or below it it reports none.
 *
 * <p>Records not yet <em>read</em>, not not yet <em>committed</em>: committed offsets move only at checkpoints, so
 * at a steady 5,000 changes/s and a 30 s interval they trail by 150,000 records just before each checkpoint although
 * the job keeps up; counted that way, a steady job would switch to the long backlog interval and stay stale.
 *
 * <p>Everything else is the wrapped source's: splits, readers' state and its serializers, so wrapping it changes
 * nothing a checkpoint holds. A probe that fails (broker unreachable) keeps the last status.
 */
public final class BacklogReportingSource<SplitT extends SourceSplit, EnumT>
        implements Source<RawChange, SplitT, EnumT>, ResultTypeQueryable<RawChange> {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(BacklogReportingSource.class);

    private final Source<RawChange, SplitT, EnumT> source;
    private final TypeInformation<RawChange> type;
    private final BacklogProbe probe;
    private final long thresholdRecords;
    private final long probeIntervalMillis;
    private final TopicTables topicTables;

    /** Which table a topic holds, for the per-table {@code lagRecords} gauge; null: a topic no table is named for. */
    public interface TopicTables extends java.io.Serializable {
        TableId tableOf(String topic);
    }

    /** @param topicTables names the table of each topic for the per-table {@code lagRecords} gauges */
    public BacklogReportingSource(Source<RawChange, SplitT, EnumT> source, TypeInformation<RawChange> type, BacklogProbe probe,
            long thresholdRecords, long probeIntervalMillis, TopicTables topicTables) {
        this.topicTables = topicTables;
        this.source = source;
        this.type = type;
        this.probe = probe;
        this.thresholdRecords = thresholdRecords;
        this.probeIntervalMillis = probeIntervalMillis;
    }

    @Override
    public Boundedness getBoundedness() {
        return source.getBoundedness();
    }

    @Override
    public SourceReader<RawChange, SplitT> createReader(SourceReaderContext readerContext) throws Exception {
        return new PositionReportingReader<>(source.createReader(readerContext), readerContext, probeIntervalMillis);
    }

    @Override
    public SplitEnumerator<SplitT, EnumT> createEnumerator(SplitEnumeratorContext<SplitT> context) throws Exception {
        return new Reporting(source.createEnumerator(context), context);
    }

    @Override
    public SplitEnumerator<SplitT, EnumT> restoreEnumerator(SplitEnumeratorContext<SplitT> context, EnumT state)
            throws Exception {
        return new Reporting(source.restoreEnumerator(context, state), context);
    }

    @Override
    public SimpleVersionedSerializer<SplitT> getSplitSerializer() {
        return source.getSplitSerializer();
    }

    @Override
    public SimpleVersionedSerializer<EnumT> getEnumeratorCheckpointSerializer() {
        return source.getEnumeratorCheckpointSerializer();
    }

    @Override
    public TypeInformation<RawChange> getProducedType() {
        return type;
    }

    /** The wrapped enumerator, plus the periodic backlog report. */
    private final class Reporting implements SplitEnumerator<SplitT, EnumT> {
        private final SplitEnumerator<SplitT, EnumT> enumerator;
        private final SplitEnumeratorContext<SplitT> context;
        private final AtomicLong backlog = new AtomicLong(-1);
        /** subtask -> its next offset per partition, as it last reported */
        private final Map<Integer, Map<TopicPartition, Long>> read = new ConcurrentHashMap<>();
        private volatile boolean behind;
        /** Per table: records in its topic not yet read, as last measured. */
        private final Map<TableId, AtomicLong> tableBacklog = new ConcurrentHashMap<>();

        Reporting(SplitEnumerator<SplitT, EnumT> enumerator, SplitEnumeratorContext<SplitT> context) {
            this.enumerator = enumerator;
            this.context = context;
            context.metricGroup().gauge("backlogRecords", backlog::get);
            context.metricGroup().gauge("processingBacklog", () -> behind ? 1 : 0);
        }

        @Override
        public void start() {
            enumerator.start();
            context.callAsync(() -> probe.recordsNotReadByTopic(readSoFar()), this::report, 0, probeIntervalMillis);
        }

        /** The furthest any reader has read, per partition. */
        private Map<TopicPartition, Long> readSoFar() {
            Map<TopicPartition, Long> merged = new HashMap<>();
            read.values().forEach(positions -> positions.forEach((tp, offset) -> merged.merge(tp, offset, Math::max)));
            return merged;
        }

        private void report(Map<String, Long> byTopic, Throwable error) {
            if (error != null) {
                LOG.warn("cannot measure the backlog ({}); keeping processing-backlog={}", error.toString(), behind);
                return;
            }
            long records = 0;
            for (Map.Entry<String, Long> topic : byTopic.entrySet()) {
                records += topic.getValue();
                TableId table = topicTables.tableOf(topic.getKey());
                if (table != null) {
                    tableBacklog.computeIfAbsent(table, t -> {
                        AtomicLong gauge = new AtomicLong();
                        TableMetrics.of(context.metricGroup(), t).gauge("lagRecords", gauge::get);
                        return gauge;
                    }).set(topic.getValue());
                }
            }
            backlog.set(records);
            boolean now = records > thresholdRecords;
            if (now != behind) {
                LOG.info("{} records not yet read: processing backlog {}", records, now ? "on" : "off");
            }
            behind = now;
            context.setIsProcessingBacklog(now);
        }

        @Override
        public void handleSplitRequest(int subtaskId, String requesterHostname) {
            enumerator.handleSplitRequest(subtaskId, requesterHostname);
        }

        @Override
        public void addSplitsBack(List<SplitT> splits, int subtaskId) {
            enumerator.addSplitsBack(splits, subtaskId);
        }

        @Override
        public void addReader(int subtaskId) {
            read.remove(subtaskId); // a restarted reader resumes from its checkpoint, not from where it had read
            enumerator.addReader(subtaskId);
        }

        @Override
        public EnumT snapshotState(long checkpointId) throws Exception {
            return enumerator.snapshotState(checkpointId);
        }

        @Override
        public void notifyCheckpointComplete(long checkpointId) throws Exception {
            enumerator.notifyCheckpointComplete(checkpointId);
        }

        @Override
        public void handleSourceEvent(int subtaskId, SourceEvent sourceEvent) {
            if (sourceEvent instanceof ReadPositions) {
                read.put(subtaskId, ((ReadPositions) sourceEvent).next);
                return;
            }
            enumerator.handleSourceEvent(subtaskId, sourceEvent);
        }

        @Override
        public void close() throws IOException {
            try {
                enumerator.close();
            } finally {
                probe.close();
            }
        }
    }
}
