package dev.changelake.bench.state;

import com.sun.management.GarbageCollectionNotificationInfo;
import dev.changelake.jobs.changelog.ChangelogJobOptions;
import dev.changelake.jobs.changelog.DedupeStage;
import dev.changelake.jobs.types.ChangeRecordTypeInfo;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicLong;
import javax.management.NotificationEmitter;
import javax.management.openmbean.CompositeData;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.api.common.JobID;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.CoreOptions;
import org.apache.flink.configuration.MemorySize;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.contrib.streaming.state.RocksDBOptions;
import org.apache.flink.runtime.checkpoint.AbstractCheckpointStats;
import org.apache.flink.runtime.checkpoint.CheckpointStatsSnapshot;
import org.apache.flink.runtime.jobgraph.JobGraph;
import org.apache.flink.runtime.jobmaster.JobResult;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.minicluster.MiniClusterConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;

/**
 * The measured JVM of {@link DedupeStateBench} (started by it with {@code -Xmx1g}; not meant to be run by hand): a
 * Flink mini-cluster (one TaskManager, 2 slots, as {@code LocalFlinkCluster} configures it) running the dedupe stage
 * over N distinct keys, while a sampler thread records heap use and the size on disk of the local RocksDB directories
 * and the checkpoint directory. Writes {@code samples.csv} as it goes and {@code result.properties} at the end.
 *
 * <p>Arguments: {@code <work dir> <keys> <checkpoint interval ms> <parent pid>}.
 */
public final class DedupeStateChild {
    static final String RESULT_FILE = "result.properties";
    static final String SAMPLES_FILE = "samples.csv";
    static final String ROCKSDB_DIR = "rocksdb";
    static final String CHECKPOINT_DIR = "checkpoints";
    /** Settings added to the mini-cluster's configuration (a properties file; may be empty). */
    static final String FLINK_CONFIG_FILE = "flink-config.properties";

    private static final long SAMPLE_MILLIS = 200;
    private static final long DISK_SAMPLE_MILLIS = 1_000;

    private DedupeStateChild() {
    }

    public static void main(String[] args) throws Exception {
        Path workDir = Path.of(args[0]).toAbsolutePath();
        long keys = Long.parseLong(args[1]);
        Duration interval = Duration.ofMillis(Long.parseLong(args[2]));
        long parentPid = Long.parseLong(args[3]);
        int code;
        try {
            code = run(workDir, keys, interval, parentPid);
        } catch (Throwable t) {
            t.printStackTrace();
            code = 1;
        }
        System.exit(code); // Flink leaves non-daemon threads behind
    }

    private static int run(Path workDir, long keys, Duration interval, long parentPid) throws Exception {
        Path rocksDir = Files.createDirectories(workDir.resolve(ROCKSDB_DIR));
        Path checkpointDir = Files.createDirectories(workDir.resolve(CHECKPOINT_DIR));
        Path tmpDir = Files.createDirectories(workDir.resolve("tmp"));

        Sampler sampler = new Sampler(workDir.resolve(SAMPLES_FILE), rocksDir, checkpointDir, parentPid);
        sampler.start();

        Configuration conf = new Configuration();
        conf.set(RestOptions.BIND_ADDRESS, "127.0.0.1");
        conf.set(RestOptions.ADDRESS, "127.0.0.1");
        conf.set(RestOptions.PORT, 0);
        // As deploy's LocalFlinkCluster: the local run's TaskManager.
        conf.set(TaskManagerOptions.MANAGED_MEMORY_SIZE, MemorySize.parse("256m"));
        conf.set(TaskManagerOptions.BUFFER_DEBLOAT_ENABLED, true);
        // Only moved, so that they can be measured: RocksDB's working directories and Flink's temporary files.
        conf.set(RocksDBOptions.LOCAL_DIRECTORIES, rocksDir.toString());
        conf.set(CoreOptions.TMP_DIRS, tmpDir.toString());
        Path extra = workDir.resolve(FLINK_CONFIG_FILE);
        if (Files.exists(extra)) {
            Properties p = new Properties();
            try (java.io.Reader r = Files.newBufferedReader(extra, StandardCharsets.UTF_8)) {
                p.load(r);
            }
            p.stringPropertyNames().forEach(k -> conf.setString(k, p.getProperty(k)));
        }

        ChangelogJobOptions options = DedupeStage.options(checkpointDir.toUri().toString(), interval);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        DedupeStage.configure(env, options);
        DedupeStage.dedupe(env.addSource(new DistinctKeySource(keys), "distinct-keys", ChangeRecordTypeInfo.INSTANCE)
                                .uid("distinct-keys"), options)
                .flatMap(new CountingFunction()).uid("count").name("count").returns(ChangeRecordTypeInfo.INSTANCE)
                .sinkTo(new DiscardingSink<>()).uid("discard").name("discard");
        JobGraph job = env.getStreamGraph().getJobGraph();

        Properties out = new Properties();
        out.setProperty("keys", Long.toString(keys));
        out.setProperty("parallelism", Integer.toString(env.getParallelism()));
        out.setProperty("dedupeStateTtl", DedupeStage.dedupeStateTtl(options).toString());
        out.setProperty("checkpointIntervalMillis", Long.toString(interval.toMillis()));
        out.setProperty("heapLimitBytes", Long.toString(Runtime.getRuntime().maxMemory()));
        out.setProperty("gc", String.join(",", ManagementFactory.getGarbageCollectorMXBeans().stream()
                .map(GarbageCollectorMXBean::getName).toList()));

        long started = System.currentTimeMillis();
        JobResult result;
        try (MiniCluster cluster = new MiniCluster(new MiniClusterConfiguration.Builder()
                .setConfiguration(conf).setNumTaskManagers(1).setNumSlotsPerTaskManager(2).build())) {
            cluster.start();
            JobID id = cluster.submitJob(job).get().getJobID();
            result = cluster.requestJobResult(id).get();
            out.setProperty("jobSeconds", Double.toString((System.currentTimeMillis() - started) / 1000.0));
            if (!result.isSuccess()) {
                Optional<? extends Throwable> failure = result.getSerializedThrowable();
                failure.ifPresent(Throwable::printStackTrace);
                sampler.stop();
                return 1;
            }
            JobExecutionResult accumulators = result.toJobExecutionResult(DedupeStateChild.class.getClassLoader());
            long records = longAccumulator(accumulators, CountingFunction.RECORDS);
            long first = longAccumulator(accumulators, CountingFunction.FIRST_MILLIS);
            long last = longAccumulator(accumulators, CountingFunction.LAST_MILLIS);
            long covering = longAccumulator(accumulators, DistinctKeySource.COVERING_CHECKPOINT);
            out.setProperty("keysSeen", Long.toString(records));
            out.setProperty("idSum", Long.toString(longAccumulator(accumulators, CountingFunction.ID_SUM)));
            out.setProperty("loadSeconds", Double.toString(records == 0 ? 0 : (last - first + 1) / 1000.0));
            out.setProperty("coveringCheckpoint", Long.toString(covering));

            CheckpointStatsSnapshot stats = cluster.getArchivedExecutionGraph(id).get().getCheckpointStatsSnapshot();
            out.setProperty("checkpointsCompleted", Long.toString(stats.getCounts().getNumberOfCompletedCheckpoints()));
            out.setProperty("checkpointsFailed", Long.toString(stats.getCounts().getNumberOfFailedCheckpoints()));
            AbstractCheckpointStats c = stats.getHistory().getCheckpointById(covering);
            if (c != null) {
                out.setProperty("checkpointBytes", Long.toString(c.getStateSize()));
                out.setProperty("checkpointedBytes", Long.toString(c.getCheckpointedSize()));
                out.setProperty("checkpointMillis", Long.toString(c.getEndToEndDuration()));
            }
        }
        sampler.stop();
        out.setProperty("peakHeapBytes", Long.toString(heapPoolPeaks()));
        out.setProperty("maxHeapUsedBytes", Long.toString(sampler.maxHeapUsed.get()));
        out.setProperty("maxHeapAfterGcBytes", Long.toString(sampler.maxHeapAfterGc.get()));
        out.setProperty("rocksDbBytes", Long.toString(sampler.maxRocksDb.get()));
        out.setProperty("checkpointDirBytes", Long.toString(sampler.maxCheckpointDir.get()));
        out.setProperty("peakRssBytes", Long.toString(peakRss()));

        Path tmp = workDir.resolve(RESULT_FILE + ".tmp");
        try (Writer w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
            out.store(w, "DedupeStateBench result");
        }
        Files.move(tmp, workDir.resolve(RESULT_FILE), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        return 0;
    }

    private static long longAccumulator(JobExecutionResult r, String name) {
        Object v = r.getAccumulatorResult(name);
        if (v == null) {
            throw new IllegalStateException("the job reported no accumulator " + name);
        }
        return ((Number) v).longValue();
    }

    /** The sum of the heap pools' peak use: an upper bound of the heap's peak (the pools peak at different times). */
    static long heapPoolPeaks() {
        long sum = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP && pool.getPeakUsage() != null) {
                sum += pool.getPeakUsage().getUsed();
            }
        }
        return sum;
    }

    /** The process's peak resident set ({@code VmHWM}), heap and native (RocksDB) memory together; -1 if unknown. */
    static long peakRss() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmHWM:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux
        }
        return -1;
    }

    /** Bytes of the regular files under {@code dir}; files that vanish while it walks (compactions) are skipped. */
    static long sizeOf(Path dir) {
        long[] total = {0};
        try {
            Files.walkFileTree(dir, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                    if (attrs.isRegularFile()) {
                        total[0] += attrs.size();
                    }
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFileFailed(Path file, IOException exc) {
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return total[0];
    }

    /** Heap use (sampled, and after each collection), directory sizes; exits this JVM when the parent is gone. */
    private static final class Sampler implements Runnable {
        final AtomicLong maxHeapUsed = new AtomicLong();
        final AtomicLong maxHeapAfterGc = new AtomicLong();
        final AtomicLong maxRocksDb = new AtomicLong();
        final AtomicLong maxCheckpointDir = new AtomicLong();
        private final Path samples;
        private final Path rocksDir;
        private final Path checkpointDir;
        private final Optional<ProcessHandle> parent;
        private final long started = System.currentTimeMillis();
        private final Thread thread = new Thread(this, "dedupe-state-sampler");
        private volatile boolean running = true;

        Sampler(Path samples, Path rocksDir, Path checkpointDir, long parentPid) {
            this.samples = samples;
            this.rocksDir = rocksDir;
            this.checkpointDir = checkpointDir;
            this.parent = ProcessHandle.of(parentPid);
            thread.setDaemon(true);
        }

        void start() throws IOException {
            Files.writeString(samples, "seconds,keys_seen,heap_used_mib,max_heap_after_gc_mib,rocksdb_mib,checkpoints_mib\n");
            for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
                if (gc instanceof NotificationEmitter) {
                    ((NotificationEmitter) gc).addNotificationListener((n, handback) -> {
                        if (GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION.equals(n.getType())) {
                            GarbageCollectionNotificationInfo info =
                                    GarbageCollectionNotificationInfo.from((CompositeData) n.getUserData());
                            long after = 0;
                            for (Map.Entry<String, MemoryUsage> e : info.getGcInfo().getMemoryUsageAfterGc().entrySet()) {
                                if (isHeapPool(e.getKey())) {
                                    after += e.getValue().getUsed();
                                }
                            }
                            maxHeapAfterGc.accumulateAndGet(after, Math::max);
                        }
                    }, null, null);
                }
            }
            thread.start();
        }

        private static boolean isHeapPool(String name) {
            for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
                if (pool.getName().equals(name)) {
                    return pool.getType() == MemoryType.HEAP;
                }
            }
            return false;
        }

        void stop() throws InterruptedException {
            running = false;
            thread.interrupt();
            thread.join();
            sampleDisks();
        }

        private void sampleDisks() {
            maxRocksDb.accumulateAndGet(sizeOf(rocksDir), Math::max);
            maxCheckpointDir.accumulateAndGet(sizeOf(checkpointDir), Math::max);
        }

        @Override
        public void run() {
            long nextDisk = 0;
            while (running) {
                long used = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
                maxHeapUsed.accumulateAndGet(used, Math::max);
                long now = System.currentTimeMillis();
                if (now >= nextDisk) {
                    nextDisk = now + DISK_SAMPLE_MILLIS;
                    long rocks = sizeOf(rocksDir);
                    long checkpoints = sizeOf(checkpointDir);
                    maxRocksDb.accumulateAndGet(rocks, Math::max);
                    maxCheckpointDir.accumulateAndGet(checkpoints, Math::max);
                    try {
                        Files.writeString(samples, String.format(java.util.Locale.ROOT, "%.1f,%d,%d,%d,%d,%d%n",
                                        (now - started) / 1000.0, CountingFunction.PROGRESS.sum(), used >> 20,
                                        maxHeapAfterGc.get() >> 20, rocks >> 20, checkpoints >> 20),
                                StandardCharsets.UTF_8, java.nio.file.StandardOpenOption.APPEND);
                    } catch (IOException e) {
                        // progress only
                    }
                    if (parent.isPresent() && !parent.get().isAlive()) {
                        System.err.println("parent process gone: exiting");
                        Runtime.getRuntime().halt(2);
                    }
                }
                try {
                    Thread.sleep(SAMPLE_MILLIS);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }
    }
}
