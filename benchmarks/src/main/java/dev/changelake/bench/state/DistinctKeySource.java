package dev.changelake.bench.state;

import dev.changelake.schema.ChangeRecord;
import dev.changelake.schema.Op;
import dev.changelake.schema.SourcePosition;
import dev.changelake.schema.TableId;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.accumulators.LongMaximum;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.CheckpointListener;
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.runtime.state.FunctionSnapshotContext;
import org.apache.flink.streaming.api.checkpoint.CheckpointedFunction;
import org.apache.flink.streaming.api.functions.source.RichParallelSourceFunction;

/**
 * N inserts into {@code shop.orders}, one per id 1..N (so N distinct keys), split over the subtasks (subtask i makes the
 * ids with {@code (id - 1) % parallelism == i}), with source positions as W1's streamed inserts have them (MariaDB
 * binlog {@code binlog.000001} on, 512 bytes per event, files of 1 GiB, GTID {@code 0-1-<n>}), which is what the
 * decoders put in {@link SourcePosition}.
 *
 * <p>Bounded, but a subtask finishes only once a checkpoint taken after its last record has completed: then the
 * dedupe state of every key was checkpointed while the job still runs (the state of operators that have finished is
 * not kept in a checkpoint), and the local RocksDB directories can be measured holding every key.
 *
 * <p>A legacy {@code SourceFunction}: it knows when its own checkpoint barrier follows its last record (the barrier is
 * emitted under the checkpoint lock, after {@link #snapshotState}), which a FLIP-27 source does not expose simply.
 */
@SuppressWarnings("deprecation")
final class DistinctKeySource extends RichParallelSourceFunction<ChangeRecord>
        implements CheckpointedFunction, CheckpointListener {
    private static final long serialVersionUID = 1L;

    /** The accumulator holding the id of the first checkpoint that covers every record (max over the subtasks). */
    static final String COVERING_CHECKPOINT = "covering-checkpoint";

    static final TableId TABLE = new TableId("shop", "orders");
    private static final long FIRST_CHANGE_POSITION = 1_024;
    private static final long BYTES_PER_EVENT = 512;
    private static final long BINLOG_FILE_BYTES = 1L << 30;
    private static final long EVENTS_PER_FILE = (BINLOG_FILE_BYTES - FIRST_CHANGE_POSITION) / BYTES_PER_EVENT + 1;
    private static final long FIRST_GTID_SEQUENCE = 10;
    private static final long START_MILLIS = Instant.parse("2025-01-01T01:00:00Z").toEpochMilli();
    private static final int CHANGES_PER_SECOND = 5_000;
    private static final int BATCH = 256;

    private final long keys;

    private transient volatile boolean running;
    private transient volatile boolean emittedAll;
    /** The first checkpoint snapshotted after the last record; -1 until then. Written under the checkpoint lock. */
    private transient volatile long coveringCheckpoint;
    private transient CountDownLatch covered;
    private transient LongMaximum coveringAccumulator;

    DistinctKeySource(long keys) {
        this.keys = keys;
    }

    /** The change for key index {@code n} (0-based): an insert of id {@code n + 1}. */
    static ChangeRecord change(long n) {
        Long id = n + 1;
        long fileSequence = 1 + n / EVENTS_PER_FILE;
        long position = FIRST_CHANGE_POSITION + (n % EVENTS_PER_FILE) * BYTES_PER_EVENT;
        SourcePosition p = new SourcePosition(false, fileSequence, position, 0, "0-1-" + (FIRST_GTID_SEQUENCE + n));
        long ts = START_MILLIS + n * 1000 / CHANGES_PER_SECOND / 1000 * 1000; // binlog timestamps: whole seconds
        return new ChangeRecord(TABLE, Op.CREATE, Map.of("id", id), null, Map.of("id", id), p, ts);
    }

    @Override
    public void open(OpenContext openContext) {
        running = true;
        coveringCheckpoint = -1;
        covered = new CountDownLatch(1);
        coveringAccumulator = new LongMaximum(-1);
        getRuntimeContext().addAccumulator(COVERING_CHECKPOINT, coveringAccumulator);
    }

    @Override
    public void run(SourceContext<ChangeRecord> ctx) throws Exception {
        int subtask = getRuntimeContext().getTaskInfo().getIndexOfThisSubtask();
        int parallelism = getRuntimeContext().getTaskInfo().getNumberOfParallelSubtasks();
        Object lock = ctx.getCheckpointLock();
        long n = subtask;
        while (running && n < keys) {
            synchronized (lock) {
                for (int i = 0; i < BATCH && n < keys; i++, n += parallelism) {
                    ctx.collect(change(n));
                }
                if (n >= keys) {
                    emittedAll = true;
                }
            }
        }
        while (running && !covered.await(100, TimeUnit.MILLISECONDS)) {
            // waiting for a checkpoint after the last record (see notifyCheckpointComplete)
        }
    }

    @Override
    public void snapshotState(FunctionSnapshotContext context) {
        // Called under the checkpoint lock, before this checkpoint's barrier is emitted: after every record if set.
        if (emittedAll && coveringCheckpoint < 0) {
            coveringCheckpoint = context.getCheckpointId();
        }
    }

    @Override
    public void initializeState(FunctionInitializationContext context) {
        // no state: a benchmark run is not restored
    }

    @Override
    public void notifyCheckpointComplete(long checkpointId) {
        long c = coveringCheckpoint;
        // Only the first: the task may still be told of the final checkpoint it takes once this function has ended.
        if (c >= 0 && checkpointId >= c && covered.getCount() > 0) {
            coveringAccumulator.add(checkpointId);
            covered.countDown();
        }
    }

    @Override
    public void cancel() {
        running = false;
    }
}
