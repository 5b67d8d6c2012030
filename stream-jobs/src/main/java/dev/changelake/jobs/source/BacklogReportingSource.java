package dev.changelake.jobs.source;

import java.io.IOException;
import java.util.List;
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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A source that tells Flink when it is behind, so checkpoints use {@code execution.checkpointing.interval-during-backlog}
 * while it catches up and the normal interval once it has (FLIP-309). The Kafka connector does not report backlog
 * itself; this wraps it and, every {@code probeInterval}, asks {@link BacklogProbe} how many records are not yet
 * committed: above {@code thresholdRecords} it reports backlog, at or below it it reports none.
 *
 * <p>Everything else is the wrapped source's: splits, readers, state and its serializers, so wrapping it changes
 * nothing a checkpoint holds. A probe that fails (broker unreachable) keeps the last status.
 */
public final class BacklogReportingSource<T, SplitT extends SourceSplit, EnumT>
        implements Source<T, SplitT, EnumT>, ResultTypeQueryable<T> {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(BacklogReportingSource.class);

    private final Source<T, SplitT, EnumT> source;
    private final TypeInformation<T> type;
    private final BacklogProbe probe;
    private final long thresholdRecords;
    private final long probeIntervalMillis;

    public BacklogReportingSource(Source<T, SplitT, EnumT> source, TypeInformation<T> type, BacklogProbe probe,
            long thresholdRecords, long probeIntervalMillis) {
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
    public SourceReader<T, SplitT> createReader(SourceReaderContext readerContext) throws Exception {
        return source.createReader(readerContext);
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
    public TypeInformation<T> getProducedType() {
        return type;
    }

    /** The wrapped enumerator, plus the periodic backlog report. */
    private final class Reporting implements SplitEnumerator<SplitT, EnumT> {
        private final SplitEnumerator<SplitT, EnumT> enumerator;
        private final SplitEnumeratorContext<SplitT> context;
        private final AtomicLong backlog = new AtomicLong(-1);
        private volatile boolean behind;

        Reporting(SplitEnumerator<SplitT, EnumT> enumerator, SplitEnumeratorContext<SplitT> context) {
            this.enumerator = enumerator;
            this.context = context;
            context.metricGroup().gauge("backlogRecords", backlog::get);
            context.metricGroup().gauge("processingBacklog", () -> behind ? 1 : 0);
        }

        @Override
        public void start() {
            enumerator.start();
            context.callAsync(probe::uncommittedRecords, this::report, 0, probeIntervalMillis);
        }

        private void report(Long records, Throwable error) {
            if (error != null) {
                LOG.warn("cannot measure the backlog ({}); keeping processing-backlog={}", error.toString(), behind);
                return;
            }
            backlog.set(records);
            boolean now = records > thresholdRecords;
            if (now != behind) {
                LOG.info("{} records not yet committed: processing backlog {}", records, now ? "on" : "off");
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
