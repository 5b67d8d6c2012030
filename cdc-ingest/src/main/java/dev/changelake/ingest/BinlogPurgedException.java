package dev.changelake.ingest;

import java.io.IOException;

/**
 * The capture cannot resume because the binlog its stored offset points into is gone from the server (purged by
 * binlog retention while the capture was stopped or behind). The changes of that gap were never read, so waiting or
 * restarting cannot help: the way out is {@link CaptureRunner#restartFromCurrentBinlog} plus a snapshot of the affected
 * tables ({@link CaptureRunner#requestSnapshot}), as docs/operations.md describes.
 */
public final class BinlogPurgedException extends IOException {
    BinlogPurgedException(String connector, String server, String detail) {
        super("Debezium connector " + connector + " cannot resume: the binlog position in its stored offsets is no "
                + "longer on " + server + " (purged by the server's binlog retention, expire_logs_days / "
                + "binlog_expire_logs_seconds, while the capture was stopped or behind). Changes made in that gap were "
                + "never captured, so the lake may miss them. To recover, restart the capture from the current binlog "
                + "position and snapshot the affected tables again through the signal table: docs/operations.md, "
                + "\"The binlog was purged\". To prevent it, keep binlogs longer than the capture can be down. "
                + "Found: " + detail);
    }
}
