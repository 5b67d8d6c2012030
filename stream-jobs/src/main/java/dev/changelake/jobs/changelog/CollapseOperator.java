package dev.changelake.jobs.changelog;

import dev.changelake.schema.ChangeRecord;
import dev.changelake.schema.Op;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.BoundedOneInput;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;

/**
 * Between two checkpoint barriers, passes only the latest change of each (table, key) to the lake writer: an insert
 * followed by updates becomes the final image, an insert then a delete of a key the lake cannot hold yet becomes
 * nothing, anything followed by a delete becomes the delete. A hot key updated a thousand times in a checkpoint is
 * written once, not as a thousand deletes and inserts.
 *
 * <p>Runs right after dedupe, whose keyed stream sends every change of a key to the same subtask in order; what it
 * holds is emitted in {@link #prepareSnapshotPreBarrier}, before the barrier, so nothing needs to be in its state
 * and exactly-once is unaffected. Memory is bounded: past {@code maxBytes} (estimated) it emits early, which is
 * still correct, only less collapsed. Changes of tables without primary key are all rows of an append-only table
 * and pass straight through.
 *
 * <p>What it emits tells the writer how to write it. A {@link Op#CREATE} means the lake holds no row of the key, not
 * in an earlier commit and not in this one: a key inserted since the last barrier, emitted at the barrier (its only
 * row in this commit), is written as a plain insert, saving the equality delete an upsert writes first (a fifth of
 * W1's changes). Anything else is an upsert: an early flush writes an insert as an upsert, since the key may come
 * again before the barrier, and in one commit an equality delete does not reach rows added by the same commit.
 */
final class CollapseOperator extends AbstractStreamOperator<ChangeRecord>
        implements OneInputStreamOperator<ChangeRecord, ChangeRecord>, BoundedOneInput {
    private static final long serialVersionUID = 1L;

    private final long maxBytes;
    private transient Map<String, Pending> pending;
    private transient long bytes;
    private transient Counter changesIn;
    private transient Counter rowsOut;
    private transient Counter earlyFlushes;
    private transient Freshness freshness;

    CollapseOperator(long maxBytes) {
        this.maxBytes = maxBytes;
        // Chained to dedupe: the changes are already in the task, no need to serialize them again.
        setChainingStrategy(org.apache.flink.streaming.api.operators.ChainingStrategy.ALWAYS);
    }

    @Override
    public void open() throws Exception {
        super.open();
        pending = new LinkedHashMap<>();
        changesIn = getMetricGroup().counter("collapseChangesIn");
        rowsOut = getMetricGroup().counter("collapseRowsOut");
        earlyFlushes = getMetricGroup().counter("collapseEarlyFlushes");
        freshness = new Freshness(getMetricGroup());
    }

    @Override
    public void processElement(StreamRecord<ChangeRecord> element) {
        ChangeRecord change = element.getValue();
        changesIn.inc();
        if (change.key().isEmpty()) {
            emit(change);
            return;
        }
        String key = DedupeFunction.keyOf(change);
        Pending p = pending.get(key);
        long size = estimatedBytes(change);
        if (p == null) {
            // Only a CREATE proves the lake has no row for the key yet; a snapshot READ may repeat one it has.
            pending.put(key, new Pending(change.op() == Op.CREATE, change, size));
            bytes += size + key.length() * 2L;
        } else {
            bytes += size - p.bytes;
            p.latest = change;
            p.bytes = size;
        }
        if (bytes > maxBytes) {
            earlyFlushes.inc();
            flush(false);
        }
    }

    @Override
    public void prepareSnapshotPreBarrier(long checkpointId) throws Exception {
        super.prepareSnapshotPreBarrier(checkpointId);
        flush(true);
        freshness.barrier(checkpointId); // what went out so far is in this checkpoint's lake commit
    }

    @Override
    public void notifyCheckpointComplete(long checkpointId) throws Exception {
        super.notifyCheckpointComplete(checkpointId);
        freshness.committed(checkpointId, System.currentTimeMillis());
    }

    Freshness freshness() {
        return freshness;
    }

    @Override
    public void endInput() {
        flush(true); // the last rows before the final commit: nothing of theirs comes after
    }

    /** @param atBarrier whether this is the last emission before the commit (else an early flush) */
    private void flush(boolean atBarrier) {
        for (Pending p : pending.values()) {
            if (p.latest.op() == Op.DELETE && p.insertedInWindow) {
                continue; // born and gone between two commits: the lake never needs to see it
            }
            if (p.latest.op() == Op.DELETE) {
                emit(p.latest);
            } else if (p.insertedInWindow && atBarrier) {
                emit(p.latest.withOp(Op.CREATE)); // new to the lake, and its only row in this commit
            } else {
                emit(p.latest.op() == Op.CREATE ? p.latest.withOp(Op.UPDATE) : p.latest); // an upsert
            }
        }
        pending.clear();
        bytes = 0;
    }

    private void emit(ChangeRecord change) {
        rowsOut.inc();
        freshness.emitted(change.sourceTimestampMillis());
        output.collect(new StreamRecord<>(change));
    }

    /** A rough size of what a held change keeps alive, to bound memory; not exact, and need not be. */
    static long estimatedBytes(ChangeRecord change) {
        long size = 200;
        Map<String, Object> row = change.after() != null ? change.after() : change.before();
        if (row != null) {
            for (Map.Entry<String, Object> e : row.entrySet()) {
                Object v = e.getValue();
                size += 48 + (v instanceof String ? ((String) v).length() * 2L : v instanceof byte[] ? ((byte[]) v).length : 16);
            }
        }
        return size;
    }

    /** The changes of one key since the last barrier: whether the first was an insert, and the latest. */
    private static final class Pending {
        final boolean insertedInWindow;
        ChangeRecord latest;
        long bytes;

        Pending(boolean insertedInWindow, ChangeRecord latest, long bytes) {
            this.insertedInWindow = insertedInWindow;
            this.latest = latest;
            this.bytes = bytes;
        }
    }
}
