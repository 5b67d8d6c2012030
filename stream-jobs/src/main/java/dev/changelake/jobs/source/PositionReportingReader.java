package dev.changelake.jobs.source;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.connector.source.ReaderOutput;
import org.apache.flink.api.connector.source.SourceOutput;
import org.apache.flink.api.connector.source.SourceReader;
import org.apache.flink.api.connector.source.SourceReaderContext;
import org.apache.flink.api.connector.source.SourceSplit;
import org.apache.flink.core.io.InputStatus;
import org.apache.kafka.common.TopicPartition;

/**
 * The Kafka reader, which also notes the offset of each record it emits and, at most every {@code reportMillis}, tells
 * the enumerator how far it has read ({@link ReadPositions}). Everything else is the wrapped reader's.
 */
final class PositionReportingReader<SplitT extends SourceSplit> implements SourceReader<RawChange, SplitT> {
    private final SourceReader<RawChange, SplitT> reader;
    private final SourceReaderContext context;
    private final long reportNanos;
    private final Map<TopicPartition, long[]> next = new HashMap<>();
    private String lastTopic;
    private int lastPartition = -1;
    private long[] lastSlot;
    private long lastReport = System.nanoTime();
    private boolean changed;
    private ReaderOutput<RawChange> output;
    private Tracking tracking;

    PositionReportingReader(SourceReader<RawChange, SplitT> reader, SourceReaderContext context, long reportMillis) {
        this.reader = reader;
        this.context = context;
        this.reportNanos = reportMillis * 1_000_000L;
    }

    @Override
    public InputStatus pollNext(ReaderOutput<RawChange> out) throws Exception {
        if (out != output) {
            output = out;
            tracking = new Tracking(out);
        }
        InputStatus status = reader.pollNext(tracking);
        long now = System.nanoTime();
        if (changed && now - lastReport >= reportNanos) {
            Map<TopicPartition, Long> positions = new HashMap<>();
            next.forEach((tp, slot) -> positions.put(tp, slot[0]));
            context.sendSourceEventToCoordinator(new ReadPositions(positions));
            lastReport = now;
            changed = false;
        }
        return status;
    }

    private void track(RawChange r) {
        // records come in runs of one partition: look the partition up only when it changes
        if (r.partition != lastPartition || !r.topic.equals(lastTopic)) {
            lastTopic = r.topic;
            lastPartition = r.partition;
            lastSlot = next.computeIfAbsent(new TopicPartition(r.topic, r.partition), tp -> new long[1]);
        }
        lastSlot[0] = r.offset + 1;
        changed = true;
    }

    /** A record output that notes each record's position before passing it on. */
    private class Tracking extends TrackingSourceOutput implements ReaderOutput<RawChange> {
        private final ReaderOutput<RawChange> out;
        private final Map<String, SourceOutput<RawChange>> splits = new HashMap<>();

        Tracking(ReaderOutput<RawChange> out) {
            super(out);
            this.out = out;
        }

        @Override
        public SourceOutput<RawChange> createOutputForSplit(String splitId) {
            return splits.computeIfAbsent(splitId, id -> new TrackingSourceOutput(out.createOutputForSplit(id)));
        }

        @Override
        public void releaseOutputForSplit(String splitId) {
            splits.remove(splitId);
            out.releaseOutputForSplit(splitId);
        }
    }

    private class TrackingSourceOutput implements SourceOutput<RawChange> {
        private final SourceOutput<RawChange> out;

        TrackingSourceOutput(SourceOutput<RawChange> out) {
            this.out = out;
        }

        @Override
        public void collect(RawChange record) {
            track(record);
            out.collect(record);
        }

        @Override
        public void collect(RawChange record, long timestamp) {
            track(record);
            out.collect(record, timestamp);
        }

        @Override
        public void emitWatermark(Watermark watermark) {
            out.emitWatermark(watermark);
        }

        @Override
        public void markIdle() {
            out.markIdle();
        }

        @Override
        public void markActive() {
            out.markActive();
        }
    }

    @Override
    public void start() {
        reader.start();
    }

    @Override
    public List<SplitT> snapshotState(long checkpointId) {
        return reader.snapshotState(checkpointId);
    }

    @Override
    public CompletableFuture<Void> isAvailable() {
        return reader.isAvailable();
    }

    @Override
    public void addSplits(List<SplitT> splits) {
        reader.addSplits(splits);
    }

    @Override
    public void notifyNoMoreSplits() {
        reader.notifyNoMoreSplits();
    }

    @Override
    public void handleSourceEvents(org.apache.flink.api.connector.source.SourceEvent sourceEvent) {
        reader.handleSourceEvents(sourceEvent);
    }

    @Override
    public void pauseOrResumeSplits(java.util.Collection<String> splitsToPause, java.util.Collection<String> splitsToResume) {
        reader.pauseOrResumeSplits(splitsToPause, splitsToResume);
    }

    @Override
    public void notifyCheckpointComplete(long checkpointId) throws Exception {
        reader.notifyCheckpointComplete(checkpointId);
    }

    @Override
    public void notifyCheckpointAborted(long checkpointId) throws Exception {
        reader.notifyCheckpointAborted(checkpointId);
    }

    @Override
    public void close() throws Exception {
        reader.close();
    }
}
