package dev.changelake.jobs.checkpoint;

import java.io.Serializable;
import java.time.Duration;
import java.util.Objects;

/**
 * How a job checkpoints (the {@code checkpoint:} section), shared by the ChangelogJob and the SessionJob: each
 * checkpoint commits to the lake, so the interval is also the lake's freshness.
 *
 * <p>A final value class with a record's accessors, equals, hashCode and toString (Java 11: it is in the MSF jar).
 */
public final class CheckpointSettings implements Serializable {
    private static final long serialVersionUID = 1L;

    private final Duration interval;
    private final Duration intervalDuringBacklog;
    private final String dir;
    private final Duration minPause;
    private final Duration timeout;
    private final int tolerableFailures;

    public CheckpointSettings(Duration interval, Duration intervalDuringBacklog, String dir, Duration minPause,
            Duration timeout, int tolerableFailures) {
        Objects.requireNonNull(dir, "checkpoint dir");
        if (interval.compareTo(Duration.ofMillis(100)) < 0) {
            throw new IllegalArgumentException("checkpoint interval " + interval + " is below 100 ms");
        }
        this.interval = interval;
        this.intervalDuringBacklog = intervalDuringBacklog;
        this.dir = dir;
        this.minPause = minPause;
        this.timeout = timeout;
        this.tolerableFailures = tolerableFailures;
    }

    public Duration interval() {
        return interval;
    }

    public Duration intervalDuringBacklog() {
        return intervalDuringBacklog;
    }

    public String dir() {
        return dir;
    }

    public Duration minPause() {
        return minPause;
    }

    public Duration timeout() {
        return timeout;
    }

    public int tolerableFailures() {
        return tolerableFailures;
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof CheckpointSettings)) {
            return false;
        }
        CheckpointSettings c = (CheckpointSettings) o;
        return Objects.equals(interval, c.interval) && Objects.equals(intervalDuringBacklog, c.intervalDuringBacklog)
                && dir.equals(c.dir) && Objects.equals(minPause, c.minPause) && Objects.equals(timeout, c.timeout)
                && tolerableFailures == c.tolerableFailures;
    }

    @Override
    public int hashCode() {
        return Objects.hash(interval, intervalDuringBacklog, dir, minPause, timeout, tolerableFailures);
    }

    @Override
    public String toString() {
        return "CheckpointSettings[interval=" + interval + ", intervalDuringBacklog=" + intervalDuringBacklog + ", dir="
                + dir + ", minPause=" + minPause + ", timeout=" + timeout + ", tolerableFailures=" + tolerableFailures
                + "]";
    }
}
