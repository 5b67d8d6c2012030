package dev.changelake.jobs.changelog;

import java.util.Iterator;
import java.util.Map;
import java.util.TreeMap;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.runtime.metrics.DescriptiveStatisticsHistogram;

/**
 * One table's way into the lake, as one collapse subtask sees it: rows handed to the lake writer, and when the
 * checkpoint they went out before completes (the lake commit follows it; Iceberg's and our Delta committer commit on
 * that notification), how many rows that commit carried and how fresh they were.
 *
 * <p>Metrics, in the table's group ({@code TableMetrics}):
 * <ul>
 *   <li>{@code rowsCommitted}: rows written to the lake by completed checkpoints (after collapse: one per key per
 *       commit; inserts, updates and deletes alike).
 *   <li>{@code freshnessMillis}: histogram, source commit ({@code source.ts_ms}) to the checkpoint that made the change
 *       visible, over a bounded sample per checkpoint (last 10,000 samples); CloudWatch takes no histograms, so
 *       {@code freshnessP50Millis} and {@code freshnessP99Millis} are gauges of it.
 *   <li>{@code lastCommitFreshnessMillis}: the oldest change of the last commit, source to commit.
 *   <li>{@code lastCommitTime}: epoch milliseconds of the last completed checkpoint that committed rows of the table.
 *   <li>{@code lagSeconds}: age of the oldest change this subtask has read but not yet committed, 0 when none:
 *       how far the lake is behind the source for what the job holds. Records not read yet are {@code lagRecords}.
 * </ul>
 * Not thread-safe: called from the operator's thread; gauges read only volatile fields or the histogram.
 */
final class TableProgress {
    private static final int SAMPLE = 256;

    private final Histogram histogram;
    private final Counter rowsCommitted;
    /** checkpoint id → [source times sampled…, oldest, rows] */
    private final TreeMap<Long, long[]> pending = new TreeMap<>();
    private long[] current = new long[SAMPLE];
    private int seen;
    private long rows;
    private long oldest = Long.MAX_VALUE;
    /** Oldest source time of changes received since the last barrier (held by collapse, or emitted early). */
    private long oldestHeld = Long.MAX_VALUE;
    private volatile long oldestUncommitted = Long.MAX_VALUE;
    private volatile long lastCommitMillis = -1;
    private volatile long lastCommitTime = -1;

    TableProgress(MetricGroup metrics) {
        this.histogram = metrics.histogram("freshnessMillis", new DescriptiveStatisticsHistogram(10_000));
        this.rowsCommitted = metrics.counter("rowsCommitted");
        metrics.gauge("freshnessP50Millis", () -> (long) histogram.getStatistics().getQuantile(0.5));
        metrics.gauge("freshnessP99Millis", () -> (long) histogram.getStatistics().getQuantile(0.99));
        metrics.gauge("lastCommitFreshnessMillis", () -> lastCommitMillis);
        metrics.gauge("lastCommitTime", () -> lastCommitTime);
        metrics.gauge("lagSeconds", () -> lagSeconds(System.currentTimeMillis()));
    }

    /** A change of the table reached collapse. */
    void received(long sourceTimestampMillis) {
        if (sourceTimestampMillis > 0 && sourceTimestampMillis < oldestHeld) {
            oldestHeld = sourceTimestampMillis;
            if (sourceTimestampMillis < oldestUncommitted) {
                oldestUncommitted = sourceTimestampMillis;
            }
        }
    }

    /** A row went out to the writer; {@code sourceTimestampMillis} ≤ 0 when the record carries no source time. */
    void emitted(long sourceTimestampMillis) {
        rows++;
        if (sourceTimestampMillis <= 0) {
            return;
        }
        // Reservoir sampling: every change of the checkpoint equally likely to be in the sample.
        int slot = seen < SAMPLE ? seen : (int) (Math.random() * (seen + 1));
        if (slot < SAMPLE) {
            current[slot] = sourceTimestampMillis;
        }
        seen++;
        oldest = Math.min(oldest, sourceTimestampMillis);
    }

    /** Everything emitted since the last barrier belongs to checkpoint {@code id}. */
    void barrier(long id) {
        int n = Math.min(seen, SAMPLE);
        if (rows > 0 || oldestHeld != Long.MAX_VALUE) {
            long[] entry = java.util.Arrays.copyOf(current, n + 2);
            entry[n] = Math.min(oldest, oldestHeld); // kept apart: the gauges report it
            entry[n + 1] = rows;
            pending.put(id, entry);
        }
        seen = 0;
        rows = 0;
        oldest = Long.MAX_VALUE;
        oldestHeld = Long.MAX_VALUE;
    }

    /** Checkpoint {@code id} completed at {@code nowMillis}: its rows, and those of older pending ones, are committed. */
    void committed(long id, long nowMillis) {
        long worst = -1;
        long committedRows = 0;
        for (Iterator<Map.Entry<Long, long[]>> it = pending.headMap(id, true).entrySet().iterator(); it.hasNext();) {
            long[] entry = it.next().getValue();
            int n = entry.length - 2;
            for (int i = 0; i < n; i++) {
                histogram.update(Math.max(0, nowMillis - entry[i]));
            }
            if (entry[n] != Long.MAX_VALUE) {
                worst = Math.max(worst, nowMillis - entry[n]);
            }
            committedRows += entry[n + 1];
            it.remove();
        }
        if (worst >= 0) {
            lastCommitMillis = worst;
        }
        if (committedRows > 0) {
            rowsCommitted.inc(committedRows);
            lastCommitTime = nowMillis;
        }
        long stillOpen = oldestHeld;
        for (long[] entry : pending.values()) {
            stillOpen = Math.min(stillOpen, entry[entry.length - 2]);
        }
        oldestUncommitted = stillOpen;
    }

    Histogram histogram() {
        return histogram;
    }

    long lastCommitMillis() {
        return lastCommitMillis;
    }

    long rowsCommitted() {
        return rowsCommitted.getCount();
    }

    long lagSeconds(long nowMillis) {
        long since = oldestUncommitted;
        return since == Long.MAX_VALUE ? 0L : Math.max(0L, (nowMillis - since) / 1000);
    }
}
