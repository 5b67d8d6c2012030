package dev.changelake.jobs.session;

import dev.changelake.fixtures.KafkaServices;
import dev.changelake.ingest.events.EventFormat;
import dev.changelake.ingest.events.KafkaEventSink;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.admin.AdminClient;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** SessionJob over a Kafka topic of JSON events, against a real broker, with a restart from a checkpoint midway. */
class KafkaSessionJobIT {
    @TempDir
    Path dir;

    @Test
    void lakeHoldsExactlyTheKnownSessionsAndLateEventsAcrossARestart() throws Exception {
        try (KafkaServices kafka = KafkaServices.start(dir.resolve("kafka"));
             SessionJobRunner runner = new SessionJobRunner(dir)) {
            Properties p = new Properties();
            p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
            try (AdminClient admin = AdminClient.create(p)) {
                // One partition: the scenario's order (out-of-order and late events) is the order the job reads.
                admin.createTopics(List.of(new NewTopic("events", 1, (short) 1))).all().get();
            }
            SessionJobOptions options = SessionScenario.configure(SessionJobOptions.builder()
                            .kafka(kafka.bootstrapServers(), "events", SessionJobOptions.Format.JSON))
                    .catalog(runner.catalog).checkpoint(runner.checkpoint).build();
            SessionScenario scenario = new SessionScenario();
            try (KafkaEventSink sink = new KafkaEventSink(kafka.bootstrapServers(), "events", Map.of())) {
                SessionScenario.Heartbeat heartbeat = (e, format) -> sink.sendToEveryPartition(e.userId(), format.encode(e));
                SessionScenarioCheck.run(runner, options,
                        () -> scenario.phase1(sink, EventFormat.JSON, heartbeat),
                        () -> scenario.phase2(sink, EventFormat.JSON, heartbeat));
            }
        }
    }
}
