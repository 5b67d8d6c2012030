package dev.changelake.schema;

import java.io.Serializable;
import java.util.Comparator;
import java.util.Objects;

/**
 * Where a change sits in the MySQL binlog, so that replays and out-of-order deliveries can be recognised.
 *
 * <p>Order: a snapshot read sorts before every streamed change (a snapshot row is the state before the binlog
 * position the snapshot started from); streamed changes order by binlog file sequence, position of the row event
 * and row index within that event. The GTID is kept for display only: binlog coordinates already order changes
 * of one server.
 */
public final class SourcePosition implements Comparable<SourcePosition>, Serializable {
    private static final long serialVersionUID = 1L;

    private static final Comparator<SourcePosition> ORDER = Comparator
            .comparing((SourcePosition p) -> !p.snapshot)
            .thenComparingLong(p -> p.fileSequence)
            .thenComparingLong(p -> p.position)
            .thenComparingInt(p -> p.rowIndex);

    private final boolean snapshot;
    private final long fileSequence;
    private final long position;
    private final int rowIndex;
    private final String gtid;

    public SourcePosition(boolean snapshot, long fileSequence, long position, int rowIndex, String gtid) {
        this.snapshot = snapshot;
        this.fileSequence = fileSequence;
        this.position = position;
        this.rowIndex = rowIndex;
        this.gtid = gtid;
    }

    /** The sequence number of a binlog file name such as {@code binlog.000042} (42). */
    public static long fileSequence(String binlogFile) {
        if (binlogFile == null || binlogFile.isEmpty()) {
            return 0;
        }
        int dot = binlogFile.lastIndexOf('.');
        try {
            return Long.parseLong(binlogFile.substring(dot + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("binlog file name '" + binlogFile + "' does not end in .<number>", e);
        }
    }

    public boolean snapshot() {
        return snapshot;
    }

    public long fileSequence() {
        return fileSequence;
    }

    public long position() {
        return position;
    }

    public int rowIndex() {
        return rowIndex;
    }

    public String gtid() {
        return gtid;
    }

    public boolean isAfter(SourcePosition other) {
        return compareTo(other) > 0;
    }

    @Override
    public int compareTo(SourcePosition o) {
        return ORDER.compare(this, o);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SourcePosition && compareTo((SourcePosition) o) == 0;
    }

    @Override
    public int hashCode() {
        return Objects.hash(snapshot, fileSequence, position, rowIndex);
    }

    @Override
    public String toString() {
        return (snapshot ? "snapshot@" : "") + fileSequence + ":" + position + "#" + rowIndex + (gtid == null ? "" : " gtid=" + gtid);
    }
}
