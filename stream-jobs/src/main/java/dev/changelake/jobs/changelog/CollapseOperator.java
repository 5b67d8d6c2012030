package dev.changelake.jobs.changelog;

import dev.changelake.lake.catalog.LakeCatalogs;
import dev.changelake.lake.metrics.TableMetrics;
import dev.changelake.schema.ChangeRecord;
import dev.changelake.schema.Op;
import dev.changelake.schema.TableId;
import java.io.Closeable;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.SnapshotSummary;
import org.apache.iceberg.catalog.Catalog;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
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

    private static final Logger LOG = LoggerFactory.getLogger(CollapseOperator.class);

    private final long maxBytes;
    /** For the Iceberg tables' file counts; null: none reported (benchmarks, unit tests). */
    private final ChangelogJobOptions options;
    private transient Map<String, Pending> pending;
    private transient long bytes;
    private transient Counter changesIn;
    private transient Counter rowsOut;
    private transient Counter earlyFlushes;
    private transient Map<TableId, PerTable> tables;
    private transient Catalog catalog;

    CollapseOperator(long maxBytes) {
        this(maxBytes, null);
    }

    /** @param options when given, the Iceberg tables' file counts are read after each commit that changed them */
    CollapseOperator(long maxBytes, ChangelogJobOptions options) {
        this.maxBytes = maxBytes;
        this.options = options;
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
        tables = new HashMap<>();
    }

    @Override
    public void close() throws Exception {
        try {
            if (catalog instanceof Closeable) {
                ((Closeable) catalog).close();
            }
        } finally {
            super.close();
        }
    }

    @Override
    public void processElement(StreamRecord<ChangeRecord> element) {
        ChangeRecord change = element.getValue();
        changesIn.inc();
        table(change.table()).progress.received(change.sourceTimestampMillis());
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
        for (PerTable t : tables.values()) {
            t.progress.barrier(checkpointId); // what went out so far is in this checkpoint's lake commit
            if (t.emittedSinceBarrier) {
                t.changedBy = checkpointId;
                t.emittedSinceBarrier = false;
            }
        }
    }

    @Override
    public void notifyCheckpointComplete(long checkpointId) throws Exception {
        super.notifyCheckpointComplete(checkpointId);
        long now = System.currentTimeMillis();
        for (Map.Entry<TableId, PerTable> e : tables.entrySet()) {
            e.getValue().progress.committed(checkpointId, now);
            refreshFileCounts(e.getKey(), e.getValue(), checkpointId);
        }
    }

    /** The table's progress in this subtask; null-safe for a table seen for the first time. */
    TableProgress progress(TableId table) {
        return table(table).progress;
    }

    private PerTable table(TableId table) {
        PerTable t = tables.get(table);
        if (t == null) {
            MetricGroup group = TableMetrics.of(getMetricGroup(), table);
            t = new PerTable(new TableProgress(group));
            if (options != null && options.formatOf(table).iceberg()) {
                PerTable counts = t;
                group.gauge("icebergDataFiles", () -> counts.dataFiles);
                group.gauge("icebergDeleteFiles", () -> counts.deleteFiles);
                t.iceberg = true;
            }
            tables.put(table, t);
        }
        return t;
    }

    /**
     * Reads the Iceberg table's file counts from its current snapshot's summary (one metadata read, no scan) when the
     * checkpoint that carried rows of it completes, and once more at the next completion: the committer commits on
     * the same notification as this one, in no set order, so the first read may still see the snapshot before.
     */
    private void refreshFileCounts(TableId table, PerTable t, long checkpointId) {
        if (t.changedBy >= 0 && checkpointId >= t.changedBy) {
            t.refreshesDue = 2;
            t.changedBy = -1;
        }
        if (!t.iceberg || t.refreshesDue == 0) {
            return;
        }
        t.refreshesDue--;
        try {
            if (catalog == null) {
                catalog = LakeCatalogs.loader(options.catalog()).loadCatalog();
            }
            Snapshot snapshot = catalog.loadTable(options.lakeTableOf(table)).currentSnapshot();
            if (snapshot != null) {
                t.dataFiles = summaryLong(snapshot, SnapshotSummary.TOTAL_DATA_FILES_PROP);
                t.deleteFiles = summaryLong(snapshot, SnapshotSummary.TOTAL_DELETE_FILES_PROP);
            }
        } catch (RuntimeException e) {
            // A metric must not fail the job; the commit path reports a lake that is really gone.
            LOG.warn("cannot read the file counts of the lake table of {}: {}", table, e.toString());
        }
    }

    private static long summaryLong(Snapshot snapshot, String property) {
        String v = snapshot.summary().get(property);
        return v == null ? -1 : Long.parseLong(v);
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
        PerTable t = table(change.table());
        t.progress.emitted(change.sourceTimestampMillis());
        t.emittedSinceBarrier = true;
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

    /** One table's progress and, for an Iceberg table, its file counts (-1 until read). */
    private static final class PerTable {
        final TableProgress progress;
        boolean iceberg;
        boolean emittedSinceBarrier;
        /** The checkpoint whose commit changes the table, -1 when none is awaited. */
        long changedBy = -1;
        int refreshesDue;
        volatile long dataFiles = -1;
        volatile long deleteFiles = -1;

        PerTable(TableProgress progress) {
            this.progress = progress;
        }
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
