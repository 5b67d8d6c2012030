package dev.changelake.jobs.changelog;

import java.util.Iterator;
import java.util.Map;
import java.util.TreeMap;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.runtime.metrics.DescriptiveStatisticsHistogram;

/**
 * How long a change takes from its commit at the source ({@code source.ts_ms}) to the lake commit that makes it
 * visible: the checkpoint it went out before completes, and with it the Iceberg commit. Per checkpoint a bounded
 * sample of source times is kept; when the checkpoint completes each becomes a latency in the {@code freshnessMillis}
 * histogram (p50/p99 over the last 10,000), and the oldest change of the last commit is the
 * {@code lastCommitFreshnessMillis} gauge.
 *
 * <p>The lake commit itself follows checkpoint completion by the committer's commit time; this measures up to the
 * checkpoint's completion.
 */
final class Freshness {
    private static final int SAMPLE = 256;

    private final Histogram histogram;
    private final TreeMap<Long, long[]> pending = new TreeMap<>();
    private long[] current = new long[SAMPLE];
    private int seen;
    private long oldest = Long.MAX_VALUE;
    private volatile long lastCommitMillis = -1;

    Freshness(MetricGroup metrics) {
        this.histogram = metrics.histogram("freshnessMillis", new DescriptiveStatisticsHistogram(10_000));
        metrics.gauge("lastCommitFreshnessMillis", () -> lastCommitMillis);
    }

    /** A change with this source time went out to the writer. */
    void emitted(long sourceTimestampMillis) {
        if (sourceTimestampMillis <= 0) {
            return; // no source time (a record that carries none)
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
        long[] sample = java.util.Arrays.copyOf(current, Math.min(seen, SAMPLE));
        if (sample.length > 0) {
            long[] withOldest = java.util.Arrays.copyOf(sample, sample.length + 1);
            withOldest[sample.length] = oldest; // kept apart: the gauge reports it
            pending.put(id, withOldest);
        }
        seen = 0;
        oldest = Long.MAX_VALUE;
    }

    /** Checkpoint {@code id} completed at {@code nowMillis}: its changes, and any older pending ones, are visible. */
    void committed(long id, long nowMillis) {
        long worst = -1;
        for (Iterator<Map.Entry<Long, long[]>> it = pending.headMap(id, true).entrySet().iterator(); it.hasNext();) {
            long[] times = it.next().getValue();
            for (int i = 0; i < times.length - 1; i++) {
                histogram.update(Math.max(0, nowMillis - times[i]));
            }
            worst = Math.max(worst, nowMillis - times[times.length - 1]);
            it.remove();
        }
        if (worst >= 0) {
            lastCommitMillis = worst;
        }
    }

    Histogram histogram() {
        return histogram;
    }

    long lastCommitMillis() {
        return lastCommitMillis;
    }
}
