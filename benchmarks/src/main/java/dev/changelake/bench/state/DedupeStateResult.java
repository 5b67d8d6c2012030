package dev.changelake.bench.state;

import java.nio.file.Path;
import java.util.Locale;
import java.util.Properties;

/**
 * What one {@link DedupeStateBench} run measured (measure P7). Sizes in bytes; -1 where the run did not get that far
 * (for example after an out-of-memory error).
 */
public final class DedupeStateResult {
    private static final long MIB = 1L << 20;

    private final long keys;
    private final long keysSeen;
    private final boolean idChecksumMatches;
    private final boolean completed;
    private final boolean outOfMemory;
    private final long peakHeapBytes;
    private final long maxHeapUsedBytes;
    private final long maxHeapAfterGcBytes;
    private final long heapLimitBytes;
    private final long rocksDbBytes;
    private final long checkpointBytes;
    private final long checkpointedBytes;
    private final long checkpointDirBytes;
    private final long peakRssBytes;
    private final double seconds;
    private final double jobSeconds;
    private final Path workDir;

    private DedupeStateResult(Properties p, boolean completed, boolean outOfMemory, Path workDir) {
        this.keys = num(p, "keys");
        this.keysSeen = num(p, "keysSeen");
        long n = keys;
        this.idChecksumMatches = keysSeen == keys && num(p, "idSum") == (n % 2 == 0 ? (n / 2) * (n + 1) : n * ((n + 1) / 2));
        this.completed = completed;
        this.outOfMemory = outOfMemory;
        this.peakHeapBytes = num(p, "peakHeapBytes");
        this.maxHeapUsedBytes = num(p, "maxHeapUsedBytes");
        this.maxHeapAfterGcBytes = num(p, "maxHeapAfterGcBytes");
        this.heapLimitBytes = num(p, "heapLimitBytes");
        this.rocksDbBytes = num(p, "rocksDbBytes");
        this.checkpointBytes = num(p, "checkpointBytes");
        this.checkpointedBytes = num(p, "checkpointedBytes");
        this.checkpointDirBytes = num(p, "checkpointDirBytes");
        this.peakRssBytes = num(p, "peakRssBytes");
        this.seconds = dec(p, "loadSeconds");
        this.jobSeconds = dec(p, "jobSeconds");
        this.workDir = workDir;
    }

    static DedupeStateResult completed(Properties p, Path workDir) {
        return new DedupeStateResult(p, true, false, workDir);
    }

    /** A run that did not finish: what its samples showed until it stopped. */
    static DedupeStateResult failed(Properties p, boolean outOfMemory, Path workDir) {
        return new DedupeStateResult(p, false, outOfMemory, workDir);
    }

    private static long num(Properties p, String key) {
        String v = p.getProperty(key);
        return v == null ? -1 : Long.parseLong(v);
    }

    private static double dec(Properties p, String key) {
        String v = p.getProperty(key);
        return v == null ? -1 : Double.parseDouble(v);
    }

    /** The distinct keys the source made. */
    public long keys() {
        return keys;
    }

    /** The changes that passed the dedupe stage (every one is the first of its key, so {@link #keys()} when all went well). */
    public long keysSeen() {
        return keysSeen;
    }

    /** Whether exactly the ids 1..keys passed dedupe (count and sum of ids). */
    public boolean allKeysSeen() {
        return idChecksumMatches;
    }

    /** Whether the job finished, with a checkpoint holding every key. */
    public boolean completed() {
        return completed;
    }

    /** Whether the measured JVM ran out of heap (it exits on the first {@code OutOfMemoryError}). */
    public boolean outOfMemory() {
        return outOfMemory;
    }

    /**
     * Peak heap used by the JVM running the mini-cluster (TaskManager and JobManager): the sum of the heap memory pools'
     * peaks, an upper bound (young and old generation peak at different times); the heap limit after an OOM.
     */
    public long peakHeapBytes() {
        return peakHeapBytes;
    }

    /** The highest total heap use sampled (every 200 ms); at most {@link #peakHeapBytes()}. */
    public long maxHeapUsedBytes() {
        return maxHeapUsedBytes;
    }

    /** The highest heap use right after a garbage collection: what the heap must hold (garbage in old regions aside). */
    public long maxHeapAfterGcBytes() {
        return maxHeapAfterGcBytes;
    }

    /** The measured JVM's maximum heap ({@code -Xmx1g}, as the JVM reports it). */
    public long heapLimitBytes() {
        return heapLimitBytes;
    }

    /** The largest size on disk of the local RocksDB directories (both subtasks), sampled every second. */
    public long rocksDbBytes() {
        return rocksDbBytes;
    }

    /** The full state size of the first checkpoint that holds every key, as Flink's checkpoint statistics give it. */
    public long checkpointBytes() {
        return checkpointBytes;
    }

    /** What that (incremental) checkpoint uploaded itself, as Flink's checkpoint statistics give it. */
    public long checkpointedBytes() {
        return checkpointedBytes;
    }

    /** The largest size on disk of the checkpoint directory, sampled every second. */
    public long checkpointDirBytes() {
        return checkpointDirBytes;
    }

    /** The measured process's peak resident memory (heap, RocksDB's native memory, everything); -1 off Linux. */
    public long peakRssBytes() {
        return peakRssBytes;
    }

    /** Seconds from the first to the last change through dedupe (loading the keys into state). */
    public double seconds() {
        return seconds;
    }

    /** Seconds from job submission to its end (includes waiting for the checkpoint that covers every key). */
    public double jobSeconds() {
        return jobSeconds;
    }

    /** Keys loaded into dedupe state per second ({@link #keysSeen()} / {@link #seconds()}). */
    public double recordsPerSecond() {
        return seconds > 0 ? keysSeen / seconds : 0;
    }

    /** Whether the peak heap stayed under the heap limit and the run completed. */
    public boolean withinHeapLimit() {
        return completed && !outOfMemory && peakHeapBytes < heapLimitBytes;
    }

    /** Where the run's files are: samples.csv, gc.log, child.out, flink.log. */
    public Path workDir() {
        return workDir;
    }

    /** The P7 line, e.g. {@code P7: 412 MiB heap, 563 MiB RocksDB for 10M keys}. */
    public String p7Line() {
        String count = keys % 1_000_000 == 0 ? keys / 1_000_000 + "M" : keys % 1_000 == 0 ? keys / 1_000 + "k" : Long.toString(keys);
        return "P7: " + (peakHeapBytes < 0 ? "?" : Long.toString(peakHeapBytes / MIB)) + " MiB heap, "
                + (rocksDbBytes < 0 ? "?" : Long.toString(rocksDbBytes / MIB)) + " MiB RocksDB for " + count + " keys"
                + (outOfMemory ? " (OUT OF MEMORY)" : completed ? "" : " (DID NOT COMPLETE)");
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "%s%n  keys %,d, seen %,d (all ids: %s), completed %s, OOM %s%n"
                        + "  heap: peak (pools) %d MiB, max sampled %d MiB, max after GC %d MiB, limit %d MiB; peak RSS %d MiB%n"
                        + "  RocksDB local %d MiB; checkpoint state %d MiB (uploaded %d MiB), checkpoint dir %d MiB%n"
                        + "  load %.1f s (%,.0f keys/s), job %.1f s; files in %s",
                p7Line(), keys, keysSeen, idChecksumMatches, completed, outOfMemory,
                peakHeapBytes / MIB, maxHeapUsedBytes / MIB, maxHeapAfterGcBytes / MIB, heapLimitBytes / MIB,
                peakRssBytes / MIB, rocksDbBytes / MIB, checkpointBytes / MIB, checkpointedBytes / MIB,
                checkpointDirBytes / MIB, seconds, recordsPerSecond(), jobSeconds, workDir);
    }
}
