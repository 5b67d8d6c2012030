package dev.changelake.jobs.checkpoint;

import java.io.Serializable;
import java.time.Duration;
import java.util.Objects;

/**
 * How a job checkpoints (the {@code checkpoint:} section), shared by the ChangelogJob and the SessionJob: each
 * checkpoint commits to the lake, so the interval is also the lake's freshness.
 */
public record CheckpointSettings(Duration interval, Duration intervalDuringBacklog, String dir, Duration minPause,
        Duration timeout, int tolerableFailures) implements Serializable {
    public CheckpointSettings {
        Objects.requireNonNull(dir, "checkpoint dir");
        if (interval.compareTo(Duration.ofMillis(100)) < 0) {
            throw new IllegalArgumentException("checkpoint interval " + interval + " is below 100 ms");
        }
    }
}
