package dev.changelake.jobs.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.changelake.fixtures.Kinesalite;
import dev.changelake.ingest.events.EventFormat;
import dev.changelake.ingest.events.KinesisEventSink;
import java.net.URI;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SessionJob over a Kinesis stream of Avro events (kinesalite, read with the FLIP-27 KinesisStreamsSource through the
 * StreamARN proxy), with a restart from a checkpoint midway. Where Node.js is missing the test is aborted with the
 * reason, which the test report shows; it is never skipped silently.
 */
class KinesisSessionJobIT {
    @TempDir
    Path dir;

    @Test
    void lakeHoldsExactlyTheKnownSessionsAndLateEventsAcrossARestart() throws Exception {
        Optional<String> missing = Kinesalite.unavailableReason();
        if (missing.isPresent()) {
            System.err.println("KinesisSessionJobIT NOT RUN: " + missing.get());
        }
        assumeTrue(missing.isEmpty(), () -> "KinesisSessionJobIT not run: " + missing.orElse(""));
        try (Kinesalite kinesis = Kinesalite.start(dir);
             SessionJobRunner runner = new SessionJobRunner(dir)) {
            kinesis.createStream("events", 1); // one shard: the scenario's order is the order the job reads
            assertThat(kinesis.streams()).contains("events");
            SessionJobOptions options = SessionScenario.configure(SessionJobOptions.builder()
                            .kinesis(Kinesalite.streamArn("events"), Map.of(
                                    "aws.region", Kinesalite.REGION,
                                    "aws.endpoint", kinesis.endpoint(),
                                    "aws.credentials.provider", "BASIC",
                                    "aws.credentials.provider.basic.accesskeyid", "local",
                                    "aws.credentials.provider.basic.secretkey", "local"),
                                    SessionJobOptions.Format.AVRO))
                    .catalog(runner.catalog).checkpoint(runner.checkpoint).build();
            SessionScenario scenario = new SessionScenario();
            try (KinesisEventSink sink = new KinesisEventSink("events", Kinesalite.REGION, URI.create(kinesis.endpoint()))) {
                SessionScenario.Heartbeat heartbeat = (e, format) -> sink.send(e.userId(), format.encode(e));
                SessionScenarioCheck.run(runner, options,
                        () -> scenario.phase1(sink, EventFormat.AVRO, heartbeat),
                        () -> scenario.phase2(sink, EventFormat.AVRO, heartbeat));
            }
        }
    }
}
