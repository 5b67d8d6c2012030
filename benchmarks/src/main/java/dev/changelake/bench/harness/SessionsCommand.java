package dev.changelake.bench.harness;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.changelake.deploy.local.LocalFlinkCluster;
import dev.changelake.fixtures.KafkaServices;
import dev.changelake.ingest.events.Event;
import dev.changelake.ingest.events.EventFormat;
import dev.changelake.ingest.events.EventGenerator;
import dev.changelake.ingest.events.KafkaEventSink;
import dev.changelake.jobs.checkpoint.CheckpointSettings;
import dev.changelake.jobs.session.SessionJob;
import dev.changelake.jobs.session.SessionJobOptions;
import dev.changelake.lake.catalog.CatalogOptions;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.locks.LockSupport;
import org.apache.flink.api.common.JobID;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code changelake bench sessions}: what the SessionJob sustains here, and what its state weighs.
 *
 * <p>Throughput: {@code --events} generated shop events (JSON, {@code --users} users, 1 ms of event time apart, 0.1 %
 * late) pre-loaded into a 2-partition topic, then drained by the SessionJob (gap 30 s, seven aggregates as in the local
 * run, RocksDB, checkpoints every 5 s, sessions to an Iceberg table on local disk); events/s = events / time until the
 * job's committed offsets reach the end of the topic (start-up included). State: {@code --active-users} users with two
 * events each, none of whose sessions closes (gap 30 min), drained by a fresh job; the size of its next completed
 * checkpoint (Flink's full state size of the RocksDB state) divided per 100k users.
 */
@Command(name = "sessions", mixinStandardHelpOptions = true,
        description = "Measures the SessionJob: events/s drained from Kafka, and checkpointed state per 100k active users.")
final class SessionsCommand implements Callable<Integer> {
    @Option(names = "--events", defaultValue = "1000000", description = "Events for the throughput run (default ${DEFAULT-VALUE}).")
    int events;

    @Option(names = "--users", defaultValue = "10000", description = "Users in the throughput run (default ${DEFAULT-VALUE}).")
    int users;

    @Option(names = "--active-users", defaultValue = "100000", description = "Open sessions in the state run (default ${DEFAULT-VALUE}).")
    int activeUsers;

    @Option(names = "--parallelism", defaultValue = "2", description = "Job parallelism (default ${DEFAULT-VALUE}).")
    int parallelism;

    @Option(names = "--work-dir", defaultValue = ".changelake/bench-sessions", description = "Work dir (default ${DEFAULT-VALUE}).")
    Path workDir;

    private static final ObjectMapper JSON = new ObjectMapper();

    @Override
    public Integer call() throws Exception {
        Path dir = Files.createDirectories(workDir.resolve("run-" + System.currentTimeMillis()));
        try (KafkaServices kafka = KafkaServices.start(dir.resolve("kafka"));
             LocalFlinkCluster flink = LocalFlinkCluster.start(0, parallelism)) {
            try (Admin admin = W1Topics.admin(kafka.bootstrapServers())) {
                admin.createTopics(List.of(new NewTopic("bench.events", 2, (short) 1), new NewTopic("bench.active", 2, (short) 1)))
                        .all().get();
            }
            long t0 = 1_767_261_600_000L;
            long[] clock = {t0};
            EventGenerator generator = new EventGenerator(users, 0.001, 42, () -> clock[0]++);
            long loadStart = System.nanoTime();
            try (KafkaEventSink sink = new KafkaEventSink(kafka.bootstrapServers(), "bench.events", Map.of())) {
                for (int i = 0; i < events; i++) {
                    Event e = generator.next();
                    sink.send(e.userId(), EventFormat.JSON.encode(e));
                }
            }
            System.out.printf("loaded %d events for %d users in %.1f s%n", events, users, (System.nanoTime() - loadStart) / 1e9);
            double seconds = drain(kafka, flink, dir.resolve("throughput"), "bench.events", Duration.ofSeconds(30), events, false);
            System.out.printf("sessions throughput: %d events in %.1f s = %.0f events/s (parallelism %d, start-up included)%n",
                    events, seconds, events / seconds, parallelism);

            try (KafkaEventSink sink = new KafkaEventSink(kafka.bootstrapServers(), "bench.active", Map.of())) {
                for (int round = 0; round < 2; round++) {
                    for (int u = 0; u < activeUsers; u++) {
                        Event e = new Event(String.format("u-%07d", u), round == 0 ? "view" : "add_to_cart",
                                "sku-" + (u % 5000) + "-" + round, round * 12.5, t0 + round * 60_000L + u % 1000, u);
                        sink.send(e.userId(), EventFormat.JSON.encode(e));
                    }
                }
            }
            drain(kafka, flink, dir.resolve("state"), "bench.active", Duration.ofMinutes(30), 2L * activeUsers, true);
            return 0;
        }
    }

    /** Runs the SessionJob on {@code topic} until it has committed every record; returns the seconds it took. */
    private double drain(KafkaServices kafka, LocalFlinkCluster flink, Path dir, String topic, Duration gap, long records,
            boolean reportState) throws Exception {
        CatalogOptions catalog = new CatalogOptions("lake", CatalogOptions.Type.JDBC, dir.resolve("warehouse").toUri().toString(),
                Map.of("uri", "jdbc:sqlite:" + dir.resolve("catalog.db"), "jdbc.schema-version", "V1",
                        "io-impl", "org.apache.iceberg.hadoop.HadoopFileIO"));
        String group = "bench-" + topic;
        SessionJobOptions options = dev.changelake.deploy.local.LocalSessions.demoAggregates(SessionJobOptions.builder())
                .kafka(kafka.bootstrapServers(), topic, SessionJobOptions.Format.JSON).groupId(group)
                .gap(gap).maxOutOfOrderness(Duration.ofSeconds(5)).idleness(Duration.ZERO)
                .catalog(catalog).table("bench.sessions").lateTable("bench.late_events")
                .checkpoint(new CheckpointSettings(Duration.ofSeconds(5), Duration.ofSeconds(30),
                        Files.createDirectories(dir.resolve("checkpoints")).toUri().toString(), Duration.ofSeconds(1),
                        Duration.ofMinutes(10), 3))
                .parallelism(parallelism).build();
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        SessionJob.build(env, options);
        long start = System.nanoTime();
        JobID job = flink.submit(env, "bench-sessions", Optional.empty());
        try (Admin admin = W1Topics.admin(kafka.bootstrapServers())) {
            long end = W1Topics.endOffsets(admin, topic);
            while (W1Topics.committedOffsets(admin, group, topic) < end) {
                LockSupport.parkNanos(Duration.ofMillis(200).toNanos()); // the next checkpoint commits the offsets
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        if (reportState) {
            long completed = checkpoints(flink, job).path("counts").path("completed").asLong();
            JsonNode latest;
            do { // a checkpoint taken after every record was in state
                LockSupport.parkNanos(Duration.ofMillis(500).toNanos());
                latest = checkpoints(flink, job);
            } while (latest.path("counts").path("completed").asLong() < completed + 1);
            long stateBytes = latest.path("latest").path("completed").path("state_size").asLong();
            System.out.printf("sessions state: %d open sessions (%d events) -> checkpoint state %.1f MiB = %.1f MiB per 100k "
                            + "active users (%.0f bytes/user; RocksDB, incremental, seven aggregates incl. distinct_count)%n",
                    activeUsers, records, stateBytes / 1048576.0, stateBytes / 1048576.0 * 100_000 / activeUsers,
                    (double) stateBytes / activeUsers);
        }
        flink.cancel(job);
        return seconds;
    }

    private static JsonNode checkpoints(LocalFlinkCluster flink, JobID job) throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create(flink.webUrl() + "/jobs/" + job.toHexString() + "/checkpoints")).build(),
                HttpResponse.BodyHandlers.ofString());
        return JSON.readTree(r.body());
    }
}
