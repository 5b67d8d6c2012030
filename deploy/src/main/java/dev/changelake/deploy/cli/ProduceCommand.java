package dev.changelake.deploy.cli;

import dev.changelake.ingest.events.EventFormat;
import dev.changelake.ingest.events.EventGenerator;
import dev.changelake.ingest.events.EventProducer;
import dev.changelake.ingest.events.EventSink;
import dev.changelake.ingest.events.KafkaEventSink;
import dev.changelake.ingest.events.KinesisEventSink;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import org.apache.flink.util.TimeUtils;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code changelake produce}: realistic user events into a Kafka topic or a Kinesis stream, at a steady rate. */
@Command(name = "produce", mixinStandardHelpOptions = true,
        description = {"Sends shop events (user_id, event_type, item, amount, event_time, seq) as JSON or Avro to a Kafka",
                "topic or a Kinesis stream: users visit in bursts, event times jitter, some arrive out of order and a",
                "fraction (--late-fraction) arrives far too late, as real devices do."})
final class ProduceCommand implements Callable<Integer> {
    enum Target { KAFKA, KINESIS }

    @Option(names = "--to", required = true, description = "kafka or kinesis.")
    String to;

    @Option(names = "--rate", defaultValue = "1000", description = "Events per second (default ${DEFAULT-VALUE}).")
    int rate;

    @Option(names = "--users", defaultValue = "10000", description = "Distinct users (default ${DEFAULT-VALUE}).")
    int users;

    @Option(names = "--late-fraction", defaultValue = "0.01", description = "Share of events 10 min or more behind the clock (default ${DEFAULT-VALUE}).")
    double lateFraction;

    @Option(names = "--duration", defaultValue = "1m", description = "How long to produce, e.g. 30s, 5m (default ${DEFAULT-VALUE}).")
    String duration;

    @Option(names = "--format", defaultValue = "JSON", description = "${COMPLETION-CANDIDATES} (default ${DEFAULT-VALUE}).")
    EventFormat format;

    @Option(names = "--bootstrap-servers", defaultValue = "127.0.0.1:9092", description = "Kafka (default ${DEFAULT-VALUE}).")
    String bootstrapServers;

    @Option(names = "--topic", defaultValue = "events", description = "Kafka topic (default ${DEFAULT-VALUE}).")
    String topic;

    @Option(names = "--stream", defaultValue = "events", description = "Kinesis stream name (default ${DEFAULT-VALUE}).")
    String stream;

    @Option(names = "--region", defaultValue = "us-east-1", description = "AWS region of the stream (default ${DEFAULT-VALUE}).")
    String region;

    @Option(names = "--endpoint", description = "Kinesis endpoint override, e.g. a local kinesalite http://127.0.0.1:4567 "
            + "(then with dummy credentials and JSON instead of CBOR); default AWS's, with the default credentials chain.")
    URI endpoint;

    @Option(names = "--seed", description = "Random seed, for a repeatable stream (default: the time).")
    Long seed;

    @Override
    public Integer call() throws Exception {
        Target target = Target.valueOf(to.toUpperCase(java.util.Locale.ROOT));
        Duration runFor = TimeUtils.parseDuration(duration);
        try (EventSink sink = target == Target.KAFKA ? new KafkaEventSink(bootstrapServers, topic, Map.of())
                : new KinesisEventSink(stream, region, endpoint)) {
            EventGenerator generator = new EventGenerator(users, lateFraction, seed != null ? seed : System.nanoTime(),
                    System::currentTimeMillis);
            long sent = produce(new EventProducer(generator, format, sink), rate, runFor, new AtomicBoolean());
            System.out.printf("produced %d events (%d late on purpose) for %d users to %s in %s%n", sent,
                    generator.late(), users, sink.describe(), format);
            return 0;
        }
    }

    /** Runs {@code producer} with a progress bar (a line every ten seconds when not on a terminal). */
    static long produce(EventProducer producer, int rate, Duration runFor, AtomicBoolean stop) throws Exception {
        ExecutorService pool = Executors.newSingleThreadExecutor(r -> new Thread(r, "producer"));
        try {
            Future<Long> run = pool.submit(() -> producer.run(rate, runFor, stop));
            long start = System.nanoTime();
            long lastLine = 0;
            ProgressBar bar = System.console() == null ? null : new ProgressBarBuilder().setTaskName("produce")
                    .setInitialMax(rate * Math.max(1, runFor.toSeconds())).setUnit(" events", 1)
                    .setStyle(ProgressBarStyle.ASCII).setMaxRenderedLength(120).showSpeed().build();
            try {
                while (!run.isDone()) {
                    long generated = producer.generator().generated();
                    long elapsed = (System.nanoTime() - start) / 1_000_000_000L;
                    if (bar != null) {
                        bar.stepTo(generated);
                        bar.setExtraMessage(" stored " + producer.sink().acknowledged());
                    } else if (elapsed - lastLine >= 10) {
                        lastLine = elapsed;
                        System.out.printf("[%4d s] %d events sent, %d stored%n", elapsed, generated, producer.sink().acknowledged());
                    }
                    try {
                        run.get(500, TimeUnit.MILLISECONDS);
                    } catch (java.util.concurrent.TimeoutException stillRunning) {
                        // refresh the progress
                    }
                }
                if (bar != null) {
                    bar.stepTo(producer.generator().generated());
                }
            } finally {
                if (bar != null) {
                    bar.close();
                }
            }
            return run.get();
        } finally {
            pool.shutdownNow();
        }
    }
}
