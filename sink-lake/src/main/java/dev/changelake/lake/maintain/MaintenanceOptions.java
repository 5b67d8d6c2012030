package dev.changelake.lake.maintain;

import java.io.Serializable;
import java.time.Duration;

/**
 * How lake tables are kept fast and small beside the pipeline ({@code lake.maintenance} in {@code pipeline.yaml}):
 * how often a pass runs, and which of its steps do what. Iceberg: compaction (data files rewritten with their deletes
 * applied, up to the target size), removal of delete files no live row needs, manifest rewrite, snapshot expiry
 * (never past the newest snapshot a Flink job committed), orphan file removal. Delta: a log checkpoint and vacuum.
 */
public final class MaintenanceOptions implements Serializable {
    private static final long serialVersionUID = 1L;

    public static final String DEFAULT_INTERVAL = "1h";
    public static final long DEFAULT_TARGET_FILE_BYTES = 128L << 20;
    public static final String DEFAULT_SNAPSHOT_MAX_AGE = "1d";
    public static final int DEFAULT_RETAIN_LAST = 5;
    public static final String DEFAULT_ORPHAN_MIN_AGE = "3d";
    /** Younger files may belong to a checkpoint being written or restored: never orphans. */
    public static final Duration LEAST_ORPHAN_MIN_AGE = Duration.ofHours(1);

    private final boolean enabled;
    private final Duration interval;
    private final boolean compact;
    private final long targetFileBytes;
    private final boolean rewriteManifests;
    private final Duration snapshotMaxAge;
    private final int retainLast;
    private final Duration orphanMinAge;

    public MaintenanceOptions(boolean enabled, Duration interval, boolean compact, long targetFileBytes,
            boolean rewriteManifests, Duration snapshotMaxAge, int retainLast, Duration orphanMinAge) {
        if (targetFileBytes <= 0) {
            throw new IllegalArgumentException("target file size must be positive, got " + targetFileBytes);
        }
        if (retainLast < 1) {
            throw new IllegalArgumentException("retain-last must be at least 1, got " + retainLast);
        }
        this.enabled = enabled;
        this.interval = interval;
        this.compact = compact;
        this.targetFileBytes = targetFileBytes;
        this.rewriteManifests = rewriteManifests;
        this.snapshotMaxAge = snapshotMaxAge;
        this.retainLast = retainLast;
        this.orphanMinAge = orphanMinAge;
    }

    /** Every step on, with the defaults of {@code docs/configuration.md}. */
    public static MaintenanceOptions defaults() {
        return new MaintenanceOptions(true, Duration.ofHours(1), true, DEFAULT_TARGET_FILE_BYTES, true,
                Duration.ofDays(1), DEFAULT_RETAIN_LAST, Duration.ofDays(3));
    }

    /** As these, with another snapshot age and count and orphan age (tests and benchmarks, which cannot wait days). */
    public MaintenanceOptions withRetention(Duration newSnapshotMaxAge, int newRetainLast, Duration newOrphanMinAge) {
        return new MaintenanceOptions(enabled, interval, compact, targetFileBytes, rewriteManifests, newSnapshotMaxAge,
                newRetainLast, newOrphanMinAge);
    }

    public boolean enabled() {
        return enabled;
    }

    public Duration interval() {
        return interval;
    }

    public boolean compact() {
        return compact;
    }

    public long targetFileBytes() {
        return targetFileBytes;
    }

    public boolean rewriteManifests() {
        return rewriteManifests;
    }

    public Duration snapshotMaxAge() {
        return snapshotMaxAge;
    }

    public int retainLast() {
        return retainLast;
    }

    public Duration orphanMinAge() {
        return orphanMinAge;
    }
}
