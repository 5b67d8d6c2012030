package dev.changelake.deploy.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.changelake.fixtures.workload.DemoWorkload;
import dev.changelake.schema.TableId;
import dev.changelake.lake.catalog.LakeCatalogs;
import java.io.Closeable;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.data.IcebergGenerics;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.io.CloseableIterable;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
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
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the whole-pipeline tests share: the local stack and a mini-cluster per test class, the demo shop changing while
 * the job is cancelled and restored from its last checkpoint, and a way to put a bad record on a topic.
 */
abstract class PipelineE2E {
    static final String DB = "shop";
    static final TableId CUSTOMERS = new TableId(DB, "customers");
    static final TableId ORDERS = new TableId(DB, "orders");

    @TempDir
    static Path workDir;
    static LocalStack stack;
    static LocalFlinkCluster flink;

    @BeforeAll
    static void startServices() throws Exception {
        stack = LocalStack.start(workDir, DB);
        flink = LocalFlinkCluster.start(0, 4);
    }

    @AfterAll
    static void stopServices() throws Exception {
        if (flink != null) {
            flink.close();
        }
        if (stack != null) {
            stack.close();
        }
    }

    static Connection connect() throws Exception {
        return DriverManager.getConnection(stack.mariaDb().jdbcUrl(DB), stack.mariaDb().rootUser(), stack.mariaDb().rootPassword());
    }

    /**
     * Changes the shop for 40 s at 150 changes/s (inserts, hot-key updates, deletes) and, once something has been
     * committed through a checkpoint, cancels the job and restores it from its newest checkpoint mid-stream.
     */
    static void changeWhileRestoringFromCheckpoint(LocalMirror mirror, DemoWorkload workload) throws Exception {
        AtomicBoolean stop = new AtomicBoolean();
        ExecutorService writer = Executors.newSingleThreadExecutor();
        try (Connection writes = connect()) {
            Future<?> load = writer.submit(() -> {
                workload.run(writes, 150, Duration.ofSeconds(40), stop);
                return null;
            });
            await().atMost(Duration.ofMinutes(2)).until(() -> mirror.hasCheckpoint() && mirror.progress().committed > 250);
            mirror.restartJobFromLastCheckpoint();
            assertThat(mirror.lastRestore()).as("restored from a retained checkpoint").contains("chk-");
            load.get();
        } finally {
            stop.set(true);
            writer.shutdownNow();
        }
        assertThat(workload.updates()).isGreaterThan(100);
        assertThat(workload.deletes()).isGreaterThan(10);
    }

    static void produce(String topic, String key, String value) throws Exception {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.kafka().bootstrapServers());
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(p)) {
            producer.send(new ProducerRecord<>(topic, key, value)).get();
        }
    }

    /** Writes every record of {@code topic} to it again, key and value unchanged; returns how many were changes. */
    static long replayTopic(String topic) throws Exception {
        Properties c = new Properties();
        c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.kafka().bootstrapServers());
        c.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        c.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.kafka().bootstrapServers());
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        long changes = 0;
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(c);
             KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p)) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(i -> new TopicPartition(topic, i.partition())).collect(Collectors.toList());
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            List<ProducerRecord<byte[], byte[]>> copies = new ArrayList<>();
            while (partitions.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                    if (r.offset() < end.get(new TopicPartition(r.topic(), r.partition()))) {
                        copies.add(new ProducerRecord<>(topic, r.partition(), r.key(), r.value()));
                    }
                }
            }
            for (ProducerRecord<byte[], byte[]> copy : copies) {
                producer.send(copy);
                boolean isChange = copy.value() != null && new String(copy.value(), StandardCharsets.UTF_8).contains("\"op\"");
                changes += isChange ? 1 : 0; // tombstones and the bad record are not changes dedupe sees
            }
            producer.flush();
        }
        return changes;
    }

    static long count(Connection db, String table) throws Exception {
        try (Statement s = db.createStatement(); ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM " + DB + "." + table)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** The {@code id} of every row of {@code table} in MariaDB now. */
    static java.util.Set<Long> ids(Connection db, String table) throws Exception {
        java.util.Set<Long> ids = new java.util.HashSet<>();
        try (Statement s = db.createStatement(); ResultSet rs = s.executeQuery("SELECT id FROM " + DB + "." + table)) {
            while (rs.next()) {
                ids.add(rs.getLong(1));
            }
        }
        return ids;
    }

    /** The lake table's rows now, by their {@code id} column; empty while the table does not exist. */
    static Map<Object, Record> lakeRowsById(LocalMirror mirror, TableIdentifier id) throws Exception {
        Catalog catalog = LakeCatalogs.open(mirror.jobOptions().catalog());
        try {
            Map<Object, Record> rows = new HashMap<>();
            if (!catalog.tableExists(id)) {
                return rows;
            }
            try (CloseableIterable<Record> it = IcebergGenerics.read(catalog.loadTable(id)).build()) {
                for (Record r : it) {
                    rows.put(r.getField("id"), r);
                }
            }
            return rows;
        } finally {
            if (catalog instanceof Closeable) {
                ((Closeable) catalog).close();
            }
        }
    }

    static Table lakeTable(LocalMirror mirror, TableIdentifier id) throws Exception {
        Catalog catalog = LakeCatalogs.open(mirror.jobOptions().catalog());
        try {
            return catalog.loadTable(id);
        } finally {
            if (catalog instanceof Closeable) {
                ((Closeable) catalog).close();
            }
        }
    }
}
