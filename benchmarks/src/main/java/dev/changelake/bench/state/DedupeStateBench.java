package dev.changelake.bench.state;

import java.io.IOException;
import java.io.PrintStream;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

/**
 * Measure P7 of BENCHMARKS.md: the ChangelogJob's dedupe state for N distinct keys with the TaskManager heap capped at
 * 1 GiB.
 *
 * <p>A JVM of its own ({@code -Xmx1g}, exits on the first {@code OutOfMemoryError}) runs a Flink mini-cluster (one
 * TaskManager with 2 slots) and in it, at parallelism 2, the job's real dedupe stage with the job's checkpoint and
 * state-backend set-up (embedded RocksDB, incremental checkpoints, dedupe state TTL; {@code DedupeStage}): N inserts
 * into {@code shop.orders} with ids 1..N and W1-like binlog positions, keyed by (table, primary key) as the job keys
 * them, into a discarding sink. The source ends only once a checkpoint taken after its last change has completed, so
 * the measured state holds every key. Measured: heap (pool peaks, samples every 200 ms, use after each GC), the local
 * RocksDB directories' size on disk (sampled every second), the size of the checkpoint that holds every key (Flink's
 * checkpoint statistics), the load rate, and whether it ran out of memory.
 *
 * <pre>{@code
 * DedupeStateResult r = DedupeStateBench.run(Path.of("target/p7"), 10_000_000, System.out);
 * System.out.println(r.p7Line());   // P7: <peak heap MiB> MiB heap, <n> MiB RocksDB for 10M keys
 * }</pre>
 *
 * <p>The child's classpath is this JVM's ({@code java.class.path}): run it from a classpath that has the benchmarks
 * module and its dependencies (the module's test classpath, or {@code dependency:build-classpath}). Its files stay in
 * the work dir: {@code samples.csv} (heap and sizes over time), {@code gc.log}, {@code child.out}, {@code flink.log},
 * {@code result.properties}; a heap dump on OOM.
 */
public final class DedupeStateBench {
    /** The TaskManager heap P7 allows. */
    public static final String HEAP = "-Xmx1g";
    /** P7's key count. */
    public static final long P7_KEYS = 10_000_000L;
    /** The ChangelogJob's default checkpoint interval ({@code ChangelogJobOptions.DEFAULT_CHECKPOINT_INTERVAL}). */
    public static final Duration DEFAULT_CHECKPOINT_INTERVAL = Duration.ofSeconds(30);

    /**
     * What Flink needs on Java 17: the parent pom's {@code flink.jvm.flags}, as deploy writes them into its jar
     * ({@code changelake-jvm.flags}, on this module's classpath), the same list tests and {@code bin/changelake} use.
     */
    static final List<String> FLINK_JVM_FLAGS = flinkJvmFlags();

    private static List<String> flinkJvmFlags() {
        try (java.io.InputStream in = DedupeStateBench.class.getResourceAsStream("/changelake-jvm.flags")) {
            if (in == null) {
                throw new IllegalStateException("changelake-jvm.flags (from changelake-deploy) is not on the classpath");
            }
            return List.of(new String(in.readAllBytes(), StandardCharsets.UTF_8).trim().split("\\s+"));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static final int OOM_EXIT_CODE = 3; // -XX:+ExitOnOutOfMemoryError
    private static final Duration PROGRESS_EVERY = Duration.ofSeconds(15);

    private DedupeStateBench() {
    }

    /**
     * Runs P7 with {@code keys} distinct keys and the ChangelogJob's default checkpoint interval (30 s).
     *
     * @param workDir created if missing; the run's files go here (a previous run's are replaced)
     * @param log progress lines and the result go here
     * @return what was measured; {@link DedupeStateResult#outOfMemory()} tells an OOM, which is a result, not an error
     * @throws IOException when the measured JVM fails otherwise or does not finish in time (its output quoted)
     */
    public static DedupeStateResult run(Path workDir, long keys, PrintStream log) throws IOException, InterruptedException {
        return run(workDir, keys, DEFAULT_CHECKPOINT_INTERVAL, Map.of(), List.of(), log);
    }

    /**
     * As {@link #run(Path, long, PrintStream)}, with another checkpoint interval (a short one ends small runs sooner),
     * Flink settings added to the mini-cluster's configuration (a cluster setting, as on the TaskManagers: e.g.
     * {@code state.backend.rocksdb.use-bloom-filter=true} to measure a RocksDB tuning) and JVM options added to the
     * measured JVM's (e.g. {@code -XX:StartFlightRecording=filename=p7.jfr}).
     */
    public static DedupeStateResult run(Path workDir, long keys, Duration checkpointInterval,
            Map<String, String> flinkConfig, List<String> extraJvmOptions, PrintStream log)
            throws IOException, InterruptedException {
        if (keys < 1) {
            throw new IllegalArgumentException("keys must be positive: " + keys);
        }
        Path dir = Files.createDirectories(workDir).toAbsolutePath();
        for (String name : List.of(DedupeStateChild.RESULT_FILE, DedupeStateChild.SAMPLES_FILE, "child.out", "gc.log", "oom.hprof",
                "flink.log")) {
            Files.deleteIfExists(dir.resolve(name));
        }
        deleteTree(dir.resolve(DedupeStateChild.ROCKSDB_DIR));
        deleteTree(dir.resolve(DedupeStateChild.CHECKPOINT_DIR));
        deleteTree(dir.resolve("tmp"));
        Properties extra = new Properties();
        extra.putAll(flinkConfig);
        try (java.io.Writer w = Files.newBufferedWriter(dir.resolve(DedupeStateChild.FLINK_CONFIG_FILE), StandardCharsets.UTF_8)) {
            extra.store(w, "added to the mini-cluster's configuration");
        }
        Path log4j = dir.resolve("log4j2.xml");
        Files.writeString(log4j, LOG4J_CONFIG.replace("@FILE@", dir.resolve("flink.log").toString()), StandardCharsets.UTF_8);

        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(FLINK_JVM_FLAGS);
        command.add(HEAP);
        command.add("-XX:+ExitOnOutOfMemoryError");
        command.add("-XX:+HeapDumpOnOutOfMemoryError");
        command.add("-XX:HeapDumpPath=" + dir.resolve("oom.hprof"));
        command.add("-Xlog:gc:file=" + dir.resolve("gc.log") + ":uptime,level,tags");
        command.add("-Dlog4j2.configurationFile=" + log4j.toUri());
        command.addAll(extraJvmOptions);
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(DedupeStateChild.class.getName());
        command.add(dir.toString());
        command.add(Long.toString(keys));
        command.add(Long.toString(checkpointInterval.toMillis()));
        command.add(Long.toString(ProcessHandle.current().pid()));

        Path console = dir.resolve("child.out");
        log.printf("P7: %,d distinct keys through the dedupe stage, heap %s, checkpoints every %d s%s; files in %s%n",
                keys, HEAP, checkpointInterval.toSeconds(), flinkConfig.isEmpty() ? "" : ", Flink settings " + flinkConfig,
                dir);
        Process process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(console.toFile()).start();
        Thread stopper = new Thread(process::destroyForcibly, "dedupe-state-bench-stopper");
        Runtime.getRuntime().addShutdownHook(stopper);
        try {
            // Generous: ~25k keys/s are expected on 2 busy cores; a 10M-key run then takes ~7 min.
            long deadline = System.nanoTime() + Duration.ofMinutes(10).plusSeconds(keys / 2_000).toNanos();
            while (!process.waitFor(PROGRESS_EVERY.toMillis(), TimeUnit.MILLISECONDS)) {
                if (System.nanoTime() > deadline) {
                    process.destroyForcibly().waitFor();
                    throw new IOException("the P7 run did not finish in time" + tail(console));
                }
                lastSample(dir).ifPresent(s -> log.println("  " + s));
            }
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(stopper);
            } catch (IllegalStateException shuttingDown) {
                // the hook runs anyway
            }
            if (process.isAlive()) {
                process.destroyForcibly();
            }
        }

        int code = process.exitValue();
        Path resultFile = dir.resolve(DedupeStateChild.RESULT_FILE);
        DedupeStateResult result;
        if (code == 0 && Files.exists(resultFile)) {
            result = DedupeStateResult.completed(load(resultFile), dir);
        } else if (code == OOM_EXIT_CODE || Files.readString(console, StandardCharsets.UTF_8).contains("OutOfMemoryError")) {
            result = DedupeStateResult.failed(fromSamples(dir, keys), true, dir);
        } else {
            throw new IOException("the P7 run exited with code " + code + tail(console));
        }
        log.println(result);
        return result;
    }

    /**
     * {@code DedupeStateBench [work dir (target/p7)] [keys (10000000)] [checkpoint interval s (30)] [key=value Flink
     * setting | JVM option]...}: runs P7 and prints the result. Exit code 0 when the heap stayed under the limit, 1
     * otherwise.
     */
    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args.length > 0 ? args[0] : "target/p7");
        long keys = args.length > 1 ? Long.parseLong(args[1].replace("_", "")) : P7_KEYS;
        Duration interval = args.length > 2 ? Duration.ofSeconds(Long.parseLong(args[2])) : DEFAULT_CHECKPOINT_INTERVAL;
        Map<String, String> flink = new java.util.LinkedHashMap<>();
        List<String> jvm = new ArrayList<>();
        for (int i = 3; i < args.length; i++) {
            int eq = args[i].indexOf('=');
            if (args[i].startsWith("-") || eq < 0) {
                jvm.add(args[i]);
            } else {
                flink.put(args[i].substring(0, eq), args[i].substring(eq + 1));
            }
        }
        DedupeStateResult r = run(dir, keys, interval, flink, jvm, System.out);
        System.exit(r.withinHeapLimit() ? 0 : 1);
    }

    private static Properties load(Path file) throws IOException {
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(r);
        }
        return p;
    }

    /** After an OOM: the heap limit as the peak, and the last sizes the child sampled. */
    private static Properties fromSamples(Path dir, long keys) throws IOException {
        Properties p = new Properties();
        p.setProperty("keys", Long.toString(keys));
        p.setProperty("heapLimitBytes", Long.toString(1L << 30));
        p.setProperty("peakHeapBytes", Long.toString(1L << 30));
        Path samples = dir.resolve(DedupeStateChild.SAMPLES_FILE);
        if (Files.exists(samples)) {
            long seen = 0;
            long rocks = 0;
            for (String line : Files.readAllLines(samples, StandardCharsets.UTF_8)) {
                String[] f = line.split(",");
                if (f.length == 6 && Character.isDigit(f[0].charAt(0))) {
                    seen = Math.max(seen, Long.parseLong(f[1]));
                    rocks = Math.max(rocks, Long.parseLong(f[4]) << 20);
                }
            }
            p.setProperty("keysSeen", Long.toString(seen));
            p.setProperty("rocksDbBytes", Long.toString(rocks));
        }
        return p;
    }

    private static java.util.Optional<String> lastSample(Path dir) {
        try {
            List<String> lines = Files.readAllLines(dir.resolve(DedupeStateChild.SAMPLES_FILE), StandardCharsets.UTF_8);
            if (lines.size() < 2) {
                return java.util.Optional.empty();
            }
            String[] f = lines.get(lines.size() - 1).split(",");
            return java.util.Optional.of(String.format(java.util.Locale.ROOT,
                    "%s s: %,d keys in state, heap %s MiB (max after GC %s), RocksDB %s MiB, checkpoints %s MiB",
                    f[0], Long.parseLong(f[1]), f[2], f[3], f[4], f[5]));
        } catch (IOException | RuntimeException e) {
            return java.util.Optional.empty();
        }
    }

    private static String tail(Path file) {
        try {
            List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
            return "\n--- last lines of " + file + ":\n"
                    + String.join("\n", lines.subList(Math.max(0, lines.size() - 60), lines.size()));
        } catch (IOException | RuntimeException e) {
            return " (" + file + " unreadable: " + e + ")";
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (var paths = Files.walk(dir)) {
            for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    /** Flink's log in the work dir, warnings and the checkpoint coordinator's lines only. */
    private static final String LOG4J_CONFIG = """
            <?xml version="1.0" encoding="UTF-8"?>
            <Configuration status="WARN">
              <Appenders>
                <File name="file" fileName="@FILE@" append="false">
                  <PatternLayout pattern="%d{HH:mm:ss.SSS} [%t] %-5level %c - %msg%n"/>
                </File>
              </Appenders>
              <Loggers>
                <Logger name="org.apache.flink.runtime.checkpoint.CheckpointCoordinator" level="INFO"/>
                <Logger name="org.apache.flink.contrib.streaming.state" level="INFO"/>
                <Root level="WARN"><AppenderRef ref="file"/></Root>
              </Loggers>
            </Configuration>
            """;
}
