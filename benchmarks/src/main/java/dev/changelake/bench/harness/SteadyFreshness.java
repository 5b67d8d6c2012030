package dev.changelake.bench.harness;

import dev.changelake.bench.w1.DebeziumJsonEncoder;
import dev.changelake.bench.w1.EnvelopeEncoder;
import dev.changelake.bench.w1.W1Config;
import dev.changelake.bench.w1.W1Event;
import dev.changelake.bench.w1.W1Generator;
import dev.changelake.deploy.local.LocalFlinkCluster;
import dev.changelake.schema.Encoding;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.locks.LockSupport;
import org.apache.flink.api.common.JobID;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * P5: the ChangelogJob at a steady rate. W1-shaped changes are produced at {@code rate} events/s, each sent when its
 * {@code source.ts_ms} comes (the source commits it now), while the job runs; freshness is the job's own
 * {@code freshnessMillis} histogram (source time to the completion of the checkpoint whose lake commit holds the
 * change), read once the last change is committed.
 */
final class SteadyFreshness {
    /** p50 and p99 in milliseconds, the largest over the writer subtasks; how many events went out on time. */
    static final class Result {
        final long p50Millis;
        final long p99Millis;
        final long events;
        final double achievedRate;

        Result(long p50Millis, long p99Millis, long events, double achievedRate) {
            this.p50Millis = p50Millis;
            this.p99Millis = p99Millis;
            this.events = events;
            this.achievedRate = achievedRate;
        }
    }

    /** The run number of the steady job (its group, namespace, checkpoints): apart from the drain runs' 0 (warm-up), 1, 2… */
    private static final int STEADY = 99;

    private SteadyFreshness() {
    }

    static Result run(LocalFlinkCluster flink, Admin admin, Contender.Setup setup, int rate,
            Duration duration, long seed, PrintStream log) throws Exception {
        Instant now = Instant.now();
        W1Config config = W1Config.builder().rows(10_000).events(rate * duration.toSeconds()).seed(seed)
                .topicPrefix("w1steady").snapshotTime(now).changesStart(now.plusSeconds(20)).changesPerSecond(rate).build();
        admin.createTopics(List.of(new NewTopic(config.topic(), W1Topics.PARTITIONS, (short) 1)
                .configs(Map.of("compression.type", "lz4")))).all().get();
        Contender ours = new Contender.Ours(Encoding.JSON, config.topicPrefix, config.database, config.table);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        ours.build(env, setup, STEADY);
        JobID job = flink.submit(env, "bench-steady", Optional.empty());
        FlinkRest rest = new FlinkRest(flink.webUrl());
        log.printf("  steady    %,d events/s for %s: job %s started%n", rate, duration, job);

        W1Generator generator = new W1Generator(config);
        EnvelopeEncoder encoder = new DebeziumJsonEncoder(config);
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, setup.bootstrapServers);
        p.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        p.put(ProducerConfig.LINGER_MS_CONFIG, "5");
        long sent = 0;
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
            for (Iterator<W1Event> events : List.of(generator.snapshot(), generator.changes())) {
                while (events.hasNext()) {
                    W1Event e = events.next();
                    long due = e.sourceTsMillis - System.currentTimeMillis();
                    if (due > 0) {
                        LockSupport.parkNanos(Duration.ofMillis(due).toNanos()); // pacing: sent when "committed"
                    }
                    W1Topics.send(producer, config.topic(), encoder, e);
                    sent++;
                }
            }
        }
        double achieved = config.events / Math.max(0.001, (System.currentTimeMillis() - config.changesStart.toEpochMilli()) / 1000.0);

        // until the last change is in a lake commit
        long end = W1Topics.endOffsets(admin, config.topic());
        while (W1Topics.committedOffsets(admin, ours.run(STEADY), config.topic()) < end) {
            LockSupport.parkNanos(Duration.ofSeconds(1).toNanos());
        }
        long seen = System.currentTimeMillis();
        while (rest.checkpoints(job).path("latest").path("completed").path("trigger_timestamp").asLong() <= seen) {
            LockSupport.parkNanos(Duration.ofSeconds(1).toNanos()); // then every lake commit before it is done
        }
        // The REST metric store refreshes on its own schedule, and lists a metric only once fetched: read after one
        // refresh, and again until both are there (on a loaded machine the median once came without the p99's peer).
        long p50 = -1;
        long p99 = -1;
        long until = System.currentTimeMillis() + 30_000;
        do {
            LockSupport.parkNanos(Duration.ofSeconds(3).toNanos());
            p50 = rest.operatorMetricMax(job, "freshnessMillis_median").orElse(-1);
            p99 = rest.operatorMetricMax(job, "freshnessMillis_p99").orElse(-1);
        } while ((p50 < 0 || p99 < 0) && System.currentTimeMillis() < until);
        if (p50 < 0 || p99 < 0) {
            throw new IllegalStateException("the job's freshnessMillis histogram never showed in Flink's REST metrics");
        }
        flink.cancel(job);
        log.printf("  steady    freshness p50 %.1f s, p99 %.1f s over %,d events (%,.0f events/s achieved)%n",
                p50 / 1000.0, p99 / 1000.0, sent, achieved);
        return new Result(p50, p99, sent, achieved);
    }

}
