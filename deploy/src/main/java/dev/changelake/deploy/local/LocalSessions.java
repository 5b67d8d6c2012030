package dev.changelake.deploy.local;

import dev.changelake.fixtures.Kinesalite;
import dev.changelake.ingest.events.EventFormat;
import dev.changelake.ingest.events.EventGenerator;
import dev.changelake.ingest.events.EventProducer;
import dev.changelake.ingest.events.EventSink;
import dev.changelake.ingest.events.KafkaEventSink;
import dev.changelake.ingest.events.KinesisEventSink;
import dev.changelake.jobs.session.AggregateSpec;
import dev.changelake.jobs.session.SessionJob;
import dev.changelake.jobs.session.SessionJobOptions;
import dev.changelake.lake.catalog.LakeCatalogs;
import java.io.Closeable;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.flink.api.common.JobID;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.data.IcebergGenerics;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.kafka.clients.admin.AdminClient;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;

/**
 * The SessionJob beside the mirror in {@code changelake local --sessions}: events from the producer into a Kafka topic
 * (or, with {@code --kinesis}, a kinesalite stream), sessions of 10 s inactivity into {@code sessions.visits} and late
 * events into {@code sessions.late_events} in the same lake, and the counts at the end.
 */
public final class LocalSessions implements AutoCloseable {
    public static final String TOPIC = "changelake.events";
    public static final String STREAM = "changelake-events";
    public static final String TABLE = "sessions.visits";
    public static final String LATE_TABLE = "sessions.late_events";
    static final int EVENTS_PER_SECOND = 500;
    static final int USERS = 2_000;

    private final LocalFlinkCluster flink;
    private final SessionJobOptions options;
    private final Kinesalite kinesalite;
    private final EventSink sink;
    private final EventGenerator generator;
    private final ExecutorService producer = Executors.newSingleThreadExecutor(r -> new Thread(r, "event-producer"));
    private final AtomicBoolean stop = new AtomicBoolean();
    private Future<Long> produced;
    private JobID job;

    private LocalSessions(LocalFlinkCluster flink, SessionJobOptions options, Kinesalite kinesalite, EventSink sink) {
        this.flink = flink;
        this.options = options;
        this.kinesalite = kinesalite;
        this.sink = sink;
        this.generator = new EventGenerator(USERS, 0.01, System.nanoTime(), System::currentTimeMillis);
    }

    /**
     * Starts kinesalite when {@code kinesis} (else creates the Kafka topic) and the SessionJob; Kinesis needs Node.js,
     * and without it this fails with the reason rather than falling back.
     */
    public static LocalSessions start(LocalStack stack, LocalFlinkCluster flink, LocalMirror mirror, boolean kinesis,
            PrintStream out) throws Exception {
        SessionJobOptions.Builder b = SessionJobOptions.builder();
        Kinesalite k = null;
        EventSink sink;
        if (kinesis) {
            Optional<String> missing = Kinesalite.unavailableReason();
            if (missing.isPresent()) {
                throw new IllegalStateException("--kinesis: " + missing.get());
            }
            k = Kinesalite.start(stack.workDir());
            k.createStream(STREAM, 2);
            b.kinesis(Kinesalite.streamArn(STREAM), Map.of("aws.region", Kinesalite.REGION, "aws.endpoint", k.endpoint(),
                    "aws.credentials.provider", "BASIC", "aws.credentials.provider.basic.accesskeyid", "local",
                    "aws.credentials.provider.basic.secretkey", "local"), SessionJobOptions.Format.AVRO);
            sink = new KinesisEventSink(STREAM, Kinesalite.REGION, URI.create(k.endpoint()));
            out.println("  Kinesis    " + k.endpoint() + " (kinesalite " + Kinesalite.VERSION + ", stream " + STREAM + ")");
        } else {
            Properties p = new Properties();
            p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, stack.kafka().bootstrapServers());
            try (AdminClient admin = AdminClient.create(p)) {
                admin.createTopics(List.of(new NewTopic(TOPIC, 2, (short) 1))).all().get();
            }
            b.kafka(stack.kafka().bootstrapServers(), TOPIC, SessionJobOptions.Format.JSON);
            sink = new KafkaEventSink(stack.kafka().bootstrapServers(), TOPIC, Map.of());
        }
        var checkpoint = mirror.jobOptions().checkpointSettings();
        SessionJobOptions options = demoAggregates(b).key("user_id").eventTime("event_time")
                .gap(Duration.ofSeconds(10)).maxOutOfOrderness(Duration.ofSeconds(5)).allowedLateness(Duration.ofSeconds(2))
                .idleness(Duration.ofSeconds(10))
                .catalog(mirror.jobOptions().catalog()).table(TABLE).lateTable(LATE_TABLE)
                .checkpoint(new dev.changelake.jobs.checkpoint.CheckpointSettings(checkpoint.interval(),
                        checkpoint.intervalDuringBacklog(),
                        Files.createDirectories(stack.workDir().resolve("checkpoints-sessions")).toUri().toString(),
                        checkpoint.minPause(), checkpoint.timeout(), checkpoint.tolerableFailures()))
                .parallelism(1) // one slot beside the ChangelogJob on the local mini-cluster
                .build();
        LocalSessions s = new LocalSessions(flink, options, k, sink);
        try {
            StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
            SessionJob.build(env, options);
            s.job = flink.submit(env, "changelake-sessions", Optional.empty());
        } catch (Exception e) {
            s.close();
            throw e;
        }
        return s;
    }

    /** Produces events at {@link #EVENTS_PER_SECOND} for {@code runFor} (or until {@link #stopProducing()}). */
    public void produce(Duration runFor) {
        produced = producer.submit(() -> new EventProducer(generator, options.format() == SessionJobOptions.Format.AVRO
                ? EventFormat.AVRO : EventFormat.JSON, sink).run(EVENTS_PER_SECOND, runFor, stop));
    }

    public void stopProducing() {
        stop.set(true);
    }

    /** One line for the progress display. */
    public String progress() {
        return "events " + generator.generated();
    }

    /** Waits for the producer, then prints the sessions written so far and the late events. */
    public void report(PrintStream out) throws Exception {
        long sent = produced == null ? 0 : produced.get(2, TimeUnit.MINUTES);
        long[] sessions = count(TABLE);
        long[] late = count(LATE_TABLE);
        out.printf("sessions: %d events sent to %s (%d late on purpose); %d sessions closed and in %s (%d events in them), "
                        + "%d late events in %s; sessions still open close %d s after their last event%n",
                sent, sink.describe(), generator.late(), sessions[0], TABLE, sessions[1], late[0], LATE_TABLE,
                SessionJob.closeDelay(options).toSeconds());
    }

    /** Rows of the table, and the sum of its {@code events} column when it has one. */
    private long[] count(String table) throws Exception {
        Catalog catalog = LakeCatalogs.open(options.catalog());
        try {
            Table t = catalog.loadTable(TableIdentifier.parse(table));
            long rows = 0;
            long events = 0;
            try (CloseableIterable<Record> records = IcebergGenerics.read(t).build()) {
                for (Record r : records) {
                    rows++;
                    Object n = t.schema().findField("events") == null ? null : r.getField("events");
                    events += n == null ? 0 : (Long) n;
                }
            }
            return new long[] {rows, events};
        } finally {
            if (catalog instanceof Closeable c) {
                c.close();
            }
        }
    }

    @Override
    public void close() throws Exception {
        stop.set(true);
        producer.shutdownNow();
        try {
            sink.close();
        } catch (Exception e) {
            // the run is over; a failed flush of the last events changes nothing in what was reported
        }
        if (job != null) {
            flink.cancel(job);
        }
        if (kinesalite != null) {
            kinesalite.close();
        }
    }

    /** The demo's aggregates over the producer's events, one of each kind: the local run and the benchmark use them. */
    public static SessionJobOptions.Builder demoAggregates(SessionJobOptions.Builder b) {
        return b
                .aggregate("events", AggregateSpec.Function.COUNT, null)
                .aggregate("revenue", AggregateSpec.Function.SUM, "amount")
                .aggregate("largest_amount", AggregateSpec.Function.MAX, "amount")
                .aggregate("entry_page", AggregateSpec.Function.FIRST_VALUE, "item")
                .aggregate("exit_page", AggregateSpec.Function.LAST_VALUE, "item")
                .aggregate("distinct_items", AggregateSpec.Function.DISTINCT_COUNT, "item")
                .aggregate("duration_ms", AggregateSpec.Function.DURATION, null);
    }
}
