package dev.changelake.bench.harness;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** P6: the checkpoints of ours while it drained the backlog: how many, how far apart, how long, how many failed. */
final class P6 {
    private P6() {
    }

    static String of(List<DrainRun.Result> runs, Duration normalInterval) {
        List<Double> gaps = new ArrayList<>();
        long count = 0;
        long failed = 0;
        double longest = 0;
        for (DrainRun.Result r : runs) {
            long previous = -1;
            for (JsonNode c : r.checkpoints) {
                long trigger = c.path("trigger_timestamp").asLong();
                if (trigger > r.endMillis) {
                    break; // after the drain: not under backlog
                }
                count++;
                failed += "FAILED".equals(c.path("status").asText()) ? 1 : 0;
                longest = Math.max(longest, c.path("end_to_end_duration").asLong() / 1000.0);
                if (previous >= 0) {
                    gaps.add((trigger - previous) / 1000.0);
                }
                previous = trigger;
            }
        }
        double gap = W1Report.median(gaps);
        return String.format(Locale.ROOT, "%d checkpoints during the drains of ours JSON, %s apart (normal "
                + "interval %d s), longest %.1f s, %d failed or timed out", count,
                Double.isNaN(gap) ? "none" : String.format(Locale.ROOT, "median %.0f s", gap),
                normalInterval.toSeconds(), longest, failed);
    }
}
