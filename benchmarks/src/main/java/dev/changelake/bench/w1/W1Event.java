package dev.changelake.bench.w1;

import dev.changelake.schema.Op;

/**
 * One change of W1's {@code orders} table, with the source block Debezium would give it. A snapshot read
 * ({@link Op#READ}) has only {@link #after}; an insert only {@link #after}; an update both; a delete only
 * {@link #before}. Encoders turn it into Kafka key and value bytes ({@link EnvelopeEncoder}).
 */
public final class W1Event {
    /** Position in its stream: the n-th snapshot row, or the n-th change event (both from 0). */
    public final long index;
    public final Op op;
    public final long id;
    public final W1Row before;
    public final W1Row after;
    /** {@code source.snapshot}: "first", "true", "last" while snapshotting, "false" for streamed changes. */
    public final String snapshot;
    public final long serverId;
    public final String gtid;
    public final String binlogFile;
    public final long binlogPosition;
    public final int rowInEvent;
    /** {@code source.ts_ms}: when the change was committed (the binlog has whole seconds). */
    public final long sourceTsMillis;
    /** {@code ts_ns} of the envelope: when Debezium processed the change (ts_ms and ts_us follow from it). */
    public final long processedTsNanos;

    W1Event(long index, Op op, long id, W1Row before, W1Row after, String snapshot, long serverId, String gtid,
            String binlogFile, long binlogPosition, int rowInEvent, long sourceTsMillis, long processedTsNanos) {
        this.index = index;
        this.op = op;
        this.id = id;
        this.before = before;
        this.after = after;
        this.snapshot = snapshot;
        this.serverId = serverId;
        this.gtid = gtid;
        this.binlogFile = binlogFile;
        this.binlogPosition = binlogPosition;
        this.rowInEvent = rowInEvent;
        this.sourceTsMillis = sourceTsMillis;
        this.processedTsNanos = processedTsNanos;
    }

    /** Debezium follows a delete with a tombstone (same key, null value): {@code tombstones.on.delete=true}. */
    public boolean followedByTombstone() {
        return op == Op.DELETE;
    }

    @Override
    public String toString() {
        return "#" + index + " " + op.code() + " id=" + id + (before == null ? "" : " v" + before.version + "→")
                + (after == null ? "" : (before == null ? " v" : "v") + after.version);
    }
}
