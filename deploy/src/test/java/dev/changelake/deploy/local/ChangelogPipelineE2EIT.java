package dev.changelake.deploy.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.changelake.fixtures.workload.DemoWorkload;
import dev.changelake.lake.catalog.LakeCatalogs;
import dev.changelake.lake.verify.VerifyReport;
import dev.changelake.schema.TableId;
import dev.changelake.schema.TableSchema;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import dev.changelake.deploy.cli.ChangelakeCli;
import java.io.PrintWriter;
import java.io.StringWriter;
import picocli.CommandLine;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.flink.api.common.JobStatus;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import java.util.Set;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.catalog.Catalog;
import org.junit.jupiter.api.Test;

/**
 * The whole path on real services: MariaDB → Debezium on Kafka Connect → Kafka → Flink ChangelogJob → Iceberg on S3,
 * with inserts, hot-key updates and deletes flowing while the job is cancelled and restored from its last checkpoint.
 */
class ChangelogPipelineE2EIT extends PipelineE2E {

    @Test
    void lakeEqualsDatabaseAfterChangesAndARestoreFromCheckpoint() throws Exception {
        DemoWorkload workload = new DemoWorkload(DB, 7);
        try (Connection db = DriverManager.getConnection(stack.mariaDb().jdbcUrl(DB), stack.mariaDb().rootUser(),
                stack.mariaDb().rootPassword());
             LocalMirror mirror = new LocalMirror(stack, flink, DB, Duration.ofSeconds(2), 2)) {
            workload.createSchema(db);
            workload.seed(db, 50, 200);
            try (Statement s = db.createStatement()) {
                // Bad input: a table without primary key is captured by Debezium, but cannot be upserted.
                s.execute("CREATE TABLE " + DB + ".audit_log (at DATETIME(6), message VARCHAR(100))");
                s.execute("INSERT INTO " + DB + ".audit_log VALUES (NOW(6), 'no key here')");
            }
            mirror.startCapture();
            Map<TableId, TableSchema> tables = mirror.awaitTables(t -> t.containsAll(Set.of(CUSTOMERS, ORDERS)), Duration.ofMinutes(2));
            assertThat(tables).as("a table without primary key is left out").doesNotContainKey(new TableId(DB, "audit_log"));
            mirror.startJob(tables, false);
            // Bad input: a record that is not JSON in a mirrored table's topic is skipped, and nothing after it lost.
            produce(mirror.jobOptions().topicOf(ORDERS), "{\"id\":1}", "this is not a Debezium envelope");

            changeWhileRestoringFromCheckpoint(mirror, workload);

            VerifyReport report = mirror.awaitMirror(Duration.ofMinutes(3));

            assertThat(report.ok()).as(report.details()).isTrue();
            assertThat(flink.status(mirror.job())).as("the bad record did not stop the job").isEqualTo(JobStatus.RUNNING);
            assertDeadLetter(mirror.jobOptions().deadLetterTopic(), mirror.jobOptions().topicOf(ORDERS));
            assertThat(report.tables()).extracting(t -> t.table()).containsExactlyInAnyOrder(CUSTOMERS, ORDERS);
            assertThat(report.rows()).isEqualTo(count(db, "customers") + count(db, "orders"));
            assertEachCheckpointCommittedOnce(mirror, ORDERS);
            assertEachCheckpointCommittedOnce(mirror, CUSTOMERS);
            // The same comparison from the command line, driven by the stack's pipeline.yaml.
            Path config = LocalPipelineConfig.write(stack, DB, mirror);
            StringWriter cliOut = new StringWriter();
            CommandLine cli = ChangelakeCli.commandLine().setOut(new PrintWriter(cliOut));
            assertThat(cli.execute("verify", "--config", config.toString())).as(cliOut.toString()).isZero();
            assertThat(cliOut.toString()).contains("verify: OK 2 tables, " + report.rows() + " rows");

            // Debezium is at-least-once: a connector restarting from an older offset sends changes again. Replay every
            // orders change captured so far; the lake must not change (no duplicates, no resurrected deletes).
            long replayed = replayTopic(mirror.jobOptions().topicOf(ORDERS));
            await().atMost(Duration.ofMinutes(2)).until(() -> mirror.metric("replaysDropped") >= replayed);
            VerifyReport afterReplay = mirror.awaitMirror(Duration.ofMinutes(2));
            assertThat(afterReplay.ok()).as(afterReplay.details()).isTrue();
            assertThat(afterReplay.rows()).isEqualTo(report.rows());
        }
    }

    /**
     * Every Iceberg commit of the sink records a distinct, increasing checkpoint id, from the first job and from the job
     * restored from its checkpoint: the restored job found the restored checkpoint's commit in the table and did not
     * commit it again (Iceberg's dynamic sink keeps that check in the snapshot summaries).
     */
    private static void assertEachCheckpointCommittedOnce(LocalMirror mirror, TableId table) throws Exception {
        Catalog catalog = LakeCatalogs.open(mirror.jobOptions().catalog());
        try {
            List<Long> checkpoints = new ArrayList<>();
            Set<String> jobs = new java.util.HashSet<>();
            for (Snapshot s : catalog.loadTable(mirror.jobOptions().lakeTableOf(table)).snapshots()) {
                String checkpoint = s.summary().get("flink.max-committed-checkpoint-id");
                if (checkpoint != null) {
                    checkpoints.add(Long.parseLong(checkpoint));
                    jobs.add(s.summary().get("flink.job-id"));
                }
            }
            assertThat(jobs).as("commits of the first and the restored job in " + table).hasSize(2);
            assertThat(checkpoints).as("checkpoint ids committed to " + table + ", in commit order")
                    .isSorted().doesNotHaveDuplicates();
        } finally {
            if (catalog instanceof java.io.Closeable closeable) {
                closeable.close();
            }
        }
    }

    /** The bad record is in the dead-letter topic (committed), bytes untouched, with where it came from and why. */
    private static void assertDeadLetter(String deadLetters, String source) {
        Properties c = new Properties();
        c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.kafka().bootstrapServers());
        c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        c.put(ConsumerConfig.GROUP_ID_CONFIG, "e2e-dead-letters");
        c.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        c.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(c)) {
            consumer.subscribe(List.of(deadLetters));
            List<ConsumerRecord<byte[], byte[]>> letters = new ArrayList<>();
            await().atMost(Duration.ofMinutes(1)).until(() -> {
                consumer.poll(Duration.ofMillis(500)).forEach(letters::add);
                return !letters.isEmpty();
            });
            ConsumerRecord<byte[], byte[]> letter = letters.get(0);
            assertThat(new String(letter.value(), StandardCharsets.UTF_8)).isEqualTo("this is not a Debezium envelope");
            assertThat(header(letter, "changelake.reason")).contains("value is not valid JSON");
            assertThat(header(letter, "changelake.stage")).isEqualTo("decode");
            assertThat(header(letter, "changelake.source.topic")).isEqualTo(source);
            assertThat(header(letter, "changelake.source.offset")).matches("\\d+");
        }
    }

    private static String header(ConsumerRecord<byte[], byte[]> r, String name) {
        return new String(r.headers().lastHeader(name).value(), StandardCharsets.UTF_8);
    }



}
