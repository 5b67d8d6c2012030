package dev.changelake.jobs.session;

import dev.changelake.jobs.checkpoint.CheckpointSettings;
import dev.changelake.lake.catalog.CatalogOptions;
import dev.changelake.lake.catalog.LakeCatalogs;
import java.io.Closeable;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.apache.flink.api.common.JobID;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.CoreOptions;
import org.apache.flink.configuration.MemorySize;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.runtime.jobgraph.SavepointRestoreSettings;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.minicluster.MiniClusterConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.graph.StreamGraph;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.data.IcebergGenerics;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.io.CloseableIterable;

/**
 * Runs the SessionJob on a mini-cluster against a JDBC (SQLite) catalog with tables on the local disk: start, cancel,
 * restore from the newest retained checkpoint, and read a lake table's rows.
 */
final class SessionJobRunner implements AutoCloseable {
    private final MiniCluster cluster;
    final CatalogOptions catalog;
    final CheckpointSettings checkpoint;
    private JobID job;

    SessionJobRunner(Path dir) throws Exception {
        Configuration conf = new Configuration();
        conf.set(RestOptions.BIND_ADDRESS, "127.0.0.1");
        conf.set(RestOptions.PORT, 0);
        conf.set(TaskManagerOptions.MANAGED_MEMORY_SIZE, MemorySize.parse("128m"));
        conf.set(CoreOptions.CHECK_LEAKED_CLASSLOADER, false); // the test reads lake tables in this JVM
        cluster = new MiniCluster(new MiniClusterConfiguration.Builder().setConfiguration(conf)
                .setNumTaskManagers(1).setNumSlotsPerTaskManager(2).build());
        cluster.start();
        catalog = new CatalogOptions("lake", CatalogOptions.Type.JDBC, dir.resolve("warehouse").toUri().toString(),
                Map.of("uri", "jdbc:sqlite:" + dir.resolve("catalog.db"), "jdbc.schema-version", "V1",
                        "io-impl", "org.apache.iceberg.hadoop.HadoopFileIO"));
        checkpoint = new CheckpointSettings(Duration.ofSeconds(1), Duration.ofSeconds(5),
                Files.createDirectories(dir.resolve("checkpoints")).toUri().toString(), Duration.ofMillis(200),
                Duration.ofMinutes(2), 3);
    }

    /** Starts the job, restored from the newest checkpoint of the previous run when {@code restore}. */
    void start(SessionJobOptions options, boolean restore) throws Exception {
        Optional<String> from = restore ? latestCheckpoint() : Optional.empty();
        if (restore && from.isEmpty()) {
            throw new IllegalStateException("no completed checkpoint to restore from");
        }
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        SessionJob.build(env, options);
        StreamGraph graph = env.getStreamGraph();
        graph.setJobName("sessions-it");
        from.ifPresent(p -> graph.setSavepointRestoreSettings(SavepointRestoreSettings.forPath(p, false)));
        job = cluster.submitJob(graph.getJobGraph()).get().getJobID();
    }

    void cancel() throws Exception {
        cluster.cancelJob(job).get();
        cluster.requestJobResult(job).get();
    }

    boolean running() throws Exception {
        return !cluster.getJobStatus(job).get().isGloballyTerminalState();
    }

    Optional<String> latestCheckpoint() throws IOException {
        Path jobDir = Paths.get(URI.create(checkpoint.dir())).resolve(job.toHexString());
        if (!Files.isDirectory(jobDir)) {
            return Optional.empty();
        }
        try (Stream<Path> dirs = Files.list(jobDir)) {
            return dirs.filter(d -> d.getFileName().toString().startsWith("chk-"))
                    .filter(d -> Files.exists(d.resolve("_metadata")))
                    .max(Comparator.comparingLong(d -> Long.parseLong(d.getFileName().toString().substring(4))))
                    .map(d -> d.toUri().toString());
        }
    }

    /** Every row of {@code table} (namespace.table), rendered by {@code render}, sorted. */
    List<String> rows(String table, java.util.function.Function<Record, String> render) throws IOException {
        Catalog c = LakeCatalogs.open(catalog);
        try {
            TableIdentifier id = TableIdentifier.parse(table);
            if (!c.tableExists(id)) {
                return List.of();
            }
            Table t = c.loadTable(id);
            List<String> out = new ArrayList<>();
            try (CloseableIterable<Record> records = IcebergGenerics.read(t).build()) {
                records.forEach(r -> out.add(render.apply(r)));
            }
            out.sort(null);
            return out;
        } finally {
            if (c instanceof Closeable closeable) {
                closeable.close();
            }
        }
    }

    static long millis(Object timestamptz) {
        return ((java.time.OffsetDateTime) timestamptz).toInstant().toEpochMilli();
    }

    static Instant instant(Object timestamptz) {
        return ((java.time.OffsetDateTime) timestamptz).toInstant();
    }

    @Override
    public void close() throws Exception {
        if (job != null && running()) {
            cancel();
        }
        cluster.close();
    }
}
