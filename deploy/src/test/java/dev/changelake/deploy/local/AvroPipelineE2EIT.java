package dev.changelake.deploy.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.changelake.fixtures.workload.DemoWorkload;
import dev.changelake.lake.verify.VerifyReport;
import dev.changelake.jobs.changelog.ChangelogJobOptions;
import dev.changelake.lake.catalog.LakeCatalogs;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Collectors;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.data.IcebergGenerics;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.io.CloseableIterable;

import dev.changelake.schema.Encoding;
import dev.changelake.schema.TableId;
import dev.changelake.schema.TableSchema;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.apache.flink.api.common.JobStatus;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;

/**
 * {@link ChangelogPipelineE2EIT}'s scenario with the capture writing Avro: Debezium on Kafka Connect with changelake's
 * single-object Avro converter (writer schemas in the stack's schema store) → Kafka → the ChangelogJob decoding with
 * {@code DebeziumAvroDecoder} → Iceberg on S3, through a restore from checkpoint, ending with the verifier OK.
 */
class AvroPipelineE2EIT extends PipelineE2E {
    static final TableId AUDIT_LOG = new TableId("shop", "audit_log");
    /** Column names Avro cannot hold as they are: they travel escaped and land under their MySQL names. */
    static final TableId ODD_NAMES = new TableId(DB, "odd_names");

    @Test
    void avroCapturedLakeEqualsDatabaseAfterChangesAndARestoreFromCheckpoint() throws Exception {
        DemoWorkload workload = new DemoWorkload(DB, 11);
        try (Connection db = DriverManager.getConnection(stack.mariaDb().jdbcUrl(DB), stack.mariaDb().rootUser(),
                stack.mariaDb().rootPassword());
             LocalMirror mirror = new LocalMirror(stack, flink, DB, Duration.ofSeconds(2), 2, Encoding.AVRO)
                     .tablesWithoutPrimaryKey(ChangelogJobOptions.TablesWithoutPrimaryKey.APPEND)) {
            workload.createSchema(db);
            workload.seed(db, 50, 200);
            try (Statement s = db.createStatement()) {
                // A table without primary key cannot be upserted; with the APPEND rule its changes form a changelog table.
                s.execute("CREATE TABLE " + DB + ".audit_log (at DATETIME(6), message VARCHAR(100))");
                s.execute("INSERT INTO " + DB + ".audit_log VALUES (NOW(6), 'no key here')");
                s.execute("CREATE TABLE " + DB + ".odd_names (`id` INT PRIMARY KEY, `order-id` INT, `1st` VARCHAR(10), "
                        + "`größe` DECIMAL(5,1), `x_u0041` VARCHAR(3))");
                s.execute("INSERT INTO " + DB + ".odd_names VALUES (1, 10, 'a', 1.5, 'u'), (2, NULL, 'b b', -0.5, NULL)");
            }
            mirror.startCapture();
            Map<TableId, TableSchema> tables = mirror.awaitTables(t -> t.containsAll(Set.of(CUSTOMERS, ORDERS, ODD_NAMES, AUDIT_LOG)),
                    Duration.ofMinutes(2));
            assertThat(tables.get(ODD_NAMES).columns()).extracting(TableSchema.Column::name)
                    .containsExactly("id", "order-id", "1st", "größe", "x_u0041");
            assertThat(tables.get(AUDIT_LOG).hasPrimaryKey()).isFalse();
            assertCapturedAsSingleObjectAvro(mirror.jobOptions().topicOf(ORDERS), mirror.captureOptions().avroSchemaStore());
            mirror.startJob(tables, false);
            // Bad input: a record that is not Avro in a mirrored table's topic is skipped, and nothing after it lost.
            produce(mirror.jobOptions().topicOf(ORDERS), "{\"id\":1}", "this is not a Debezium envelope");

            changeWhileRestoringFromCheckpoint(mirror, workload);
            try (Statement s = db.createStatement()) {
                s.execute("INSERT INTO " + DB + ".audit_log VALUES ('2024-02-29 10:00:00', 'second'), ('2024-02-29 11:00:00', 'third')");
                s.execute("UPDATE " + DB + ".audit_log SET message = 'second, edited' WHERE message = 'second'");
                s.execute("DELETE FROM " + DB + ".audit_log WHERE message = 'third'");
            }

            VerifyReport report = mirror.awaitMirror(Duration.ofMinutes(3));

            assertThat(report.ok()).as(report.details()).isTrue();
            assertThat(flink.status(mirror.job())).as("the bad record did not stop the job").isEqualTo(JobStatus.RUNNING);
            assertThat(report.tables()).extracting(t -> t.table()).containsExactlyInAnyOrder(CUSTOMERS, ORDERS, ODD_NAMES, AUDIT_LOG);
            assertThat(report.summaryLine()).endsWith("(1 append-only changelog tables not compared)");
            // Every change of the keyless table, once, in binlog order (the restart and replays notwithstanding).
            assertThat(changelog(mirror)).containsExactly("r no key here", "c second", "c third", "u second, edited", "d third");
            assertThat(report.rows()).isEqualTo(count(db, "customers") + count(db, "orders") + count(db, "odd_names"));
        }
    }

    /** The append-only changelog table of audit_log as "op message", in binlog order. */
    private static List<String> changelog(LocalMirror mirror) throws Exception {
        Catalog catalog = LakeCatalogs.open(mirror.jobOptions().catalog());
        try (CloseableIterable<Record> rows = IcebergGenerics.read(
                catalog.loadTable(mirror.jobOptions().lakeTableOf(AUDIT_LOG))).build()) {
            List<Record> sorted = new ArrayList<>();
            rows.forEach(sorted::add);
            sorted.sort(Comparator.comparing((Record r) -> !(Boolean) r.getField("_snapshot"))
                    .thenComparing(r -> (Long) r.getField("_binlog_file")).thenComparing(r -> (Long) r.getField("_binlog_pos"))
                    .thenComparing(r -> (Integer) r.getField("_binlog_row")));
            return sorted.stream().map(r -> r.getField("_change_op") + " " + r.getField("message")).collect(Collectors.toList());
        } finally {
            ((java.io.Closeable) catalog).close();
        }
    }

    /** The topic's first records are single-object encoded, and the store holds the writer schema each names. */
    private static void assertCapturedAsSingleObjectAvro(String topic, java.net.URI schemaStore) {
        Properties c = new Properties();
        c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.kafka().bootstrapServers());
        c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        c.put(ConsumerConfig.GROUP_ID_CONFIG, "avro-e2e-peek");
        c.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        c.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        List<ConsumerRecord<byte[], byte[]>> seen = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(c)) {
            consumer.subscribe(List.of(topic));
            await().atMost(Duration.ofMinutes(1)).until(() -> {
                consumer.poll(Duration.ofMillis(200)).forEach(seen::add);
                return seen.size() >= 10;
            });
        }
        Path store = Path.of(schemaStore);
        for (ConsumerRecord<byte[], byte[]> r : seen) {
            for (byte[] bytes : new byte[][] {r.key(), r.value()}) {
                if (bytes == null) {
                    continue; // a tombstone
                }
                assertThat(bytes[0]).as("single-object marker").isEqualTo((byte) 0xC3);
                assertThat(bytes[1]).as("single-object marker").isEqualTo((byte) 0x01);
                long fingerprint = ByteBuffer.wrap(bytes, 2, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
                assertThat(store.resolve(String.format(Locale.ROOT, "%016x.avsc", fingerprint))).exists();
            }
        }
        assertThat(Files.isDirectory(store)).isTrue();
    }


}
