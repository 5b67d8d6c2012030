package dev.changelake.deploy.local;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.net.URI;
import java.util.Comparator;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.stream.Stream;
import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.configuration.CoreOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.MemorySize;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.runtime.jobgraph.JobGraph;
import org.apache.flink.runtime.jobgraph.SavepointRestoreSettings;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.minicluster.MiniClusterConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.graph.StreamGraph;

/** A Flink mini-cluster in this JVM, with the web UI on a loopback port, that runs, cancels and restores jobs. */
public final class LocalFlinkCluster implements AutoCloseable {
    private final MiniCluster cluster;
    private final String webUrl;

    private LocalFlinkCluster(MiniCluster cluster, String webUrl) {
        this.cluster = cluster;
        this.webUrl = webUrl;
    }

    /** @param webPort the web UI's port, 0 for any free one */
    public static LocalFlinkCluster start(int webPort, int slots) throws Exception {
        return start(webPort, slots, new Configuration());
    }

    /** As {@link #start(int, int)}, with {@code extra} settings on top (the benchmark's metric and history settings). */
    public static LocalFlinkCluster start(int webPort, int slots, Configuration extra) throws Exception {
        Configuration conf = new Configuration();
        conf.set(RestOptions.BIND_ADDRESS, "127.0.0.1");
        conf.set(RestOptions.ADDRESS, "127.0.0.1");
        conf.set(RestOptions.PORT, webPort);
        conf.set(TaskManagerOptions.MANAGED_MEMORY_SIZE, MemorySize.parse("256m"));
        // Tools read lake tables in this JVM after a job ends; Flink's leak check would close their class loader.
        conf.set(CoreOptions.CHECK_LEAKED_CLASSLOADER, false);
        // Buffer debloating keeps in-flight data to about a second's worth, so barriers overtake less data and
        // aligned checkpoints stay short under backlog. A cluster setting: on MSF it is the service's to set.
        conf.set(TaskManagerOptions.BUFFER_DEBLOAT_ENABLED, true);
        // The per-table metrics, for the progress output and the tests (TableMetricsReporter).
        conf.setString("metrics.reporter.changelake.factory.class", TableMetricsReporter.Factory.class.getName());
        conf.addAll(extra);
        MiniCluster cluster = new MiniCluster(new MiniClusterConfiguration.Builder()
                .setConfiguration(conf).setNumTaskManagers(1).setNumSlotsPerTaskManager(slots).build());
        cluster.start();
        URI rest = cluster.getRestAddress().get();
        return new LocalFlinkCluster(cluster, "http://127.0.0.1:" + rest.getPort());
    }

    public String webUrl() {
        return webUrl;
    }

    /** Submits the job built in {@code env}, restored from {@code restorePath} when given. */
    public JobID submit(StreamExecutionEnvironment env, String jobName, Optional<String> restorePath) throws Exception {
        StreamGraph graph = env.getStreamGraph();
        graph.setJobName(jobName);
        restorePath.ifPresent(p -> graph.setSavepointRestoreSettings(SavepointRestoreSettings.forPath(p, false)));
        JobGraph job = graph.getJobGraph();
        return cluster.submitJob(job).get().getJobID();
    }

    public JobStatus status(JobID job) throws ExecutionException, InterruptedException {
        return cluster.getJobStatus(job).get();
    }

    /** Cancels the job and waits until it is gone; its retained checkpoints stay. */
    public void cancel(JobID job) throws ExecutionException, InterruptedException {
        if (!status(job).isGloballyTerminalState()) {
            cluster.cancelJob(job).get();
            cluster.requestJobResult(job).get();
        }
    }

    /**
     * Kills the TaskManager the way a lost machine would (its tasks fail, the job restarts by its restart strategy)
     * and starts a new one with the same slots, for the job to restart on.
     */
    public void replaceTaskManager() throws Exception {
        cluster.terminateTaskManager(0).get();
        cluster.startTaskManager();
    }

    /** The newest completed checkpoint of {@code job} under {@code checkpointDir}, if there is one. */
    public static Optional<String> latestCheckpoint(String checkpointDir, JobID job) {
        Path jobDir = Paths.get(URI.create(checkpointDir)).resolve(job.toHexString());
        if (!Files.isDirectory(jobDir)) {
            return Optional.empty();
        }
        try (Stream<Path> dirs = Files.list(jobDir)) {
            return dirs.filter(d -> d.getFileName().toString().startsWith("chk-"))
                    .filter(d -> Files.exists(d.resolve("_metadata")))
                    .max(Comparator.comparingLong(d -> Long.parseLong(d.getFileName().toString().substring(4))))
                    .map(d -> d.toUri().toString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() throws Exception {
        cluster.close();
    }
}
