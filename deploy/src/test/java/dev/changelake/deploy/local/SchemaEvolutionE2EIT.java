package dev.changelake.deploy.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.changelake.jobs.changelog.SchemaEvolution;
import dev.changelake.jobs.changelog.TableOptions;
import dev.changelake.jobs.clean.CleaningRules;
import dev.changelake.lake.iceberg.PartitionTransforms;
import dev.changelake.schema.Encoding;
import dev.changelake.schema.TableId;
import dev.changelake.schema.TableSchema;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Table;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.types.Types;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;

/**
 * {@code ALTER TABLE} at the source under each schema-evolution mode: {@code evolve} adds and widens lake columns
 * before the rows that need them and keeps dropped and renamed columns; {@code fail} sets changes with new columns
 * aside; {@code ignore} keeps the lake schema and writes what fits. JSON here; Avro in the subclass.
 */
class SchemaEvolutionE2EIT extends PipelineE2E {
    static final TableId EVOLVING = new TableId(DB, "evo_items");
    static final TableId STRICT = new TableId(DB, "strict_items");
    static final TableId LOOSE = new TableId(DB, "loose_items");

    Encoding encoding() {
        return Encoding.JSON;
    }

    @Test
    void eachModeHandlesAlterTableAsDocumented() throws Exception {
        try (Connection db = connect();
             LocalMirror mirror = new LocalMirror(stack, flink, DB, Duration.ofSeconds(2), 2, encoding())) {
            try (Statement s = db.createStatement()) {
                s.execute("CREATE TABLE " + EVOLVING + " (id INT PRIMARY KEY, qty INT, price FLOAT, amount DECIMAL(8,2), "
                        + "label VARCHAR(20), gone VARCHAR(10), old_name VARCHAR(10))");
                s.execute("INSERT INTO " + EVOLVING + " VALUES (1, 5, 1.5, 10.25, 'a', 'g1', 'o1'), (2, 6, 2.5, 20.50, 'b', 'g2', 'o2')");
                s.execute("CREATE TABLE " + STRICT + " (id INT PRIMARY KEY, v VARCHAR(10))");
                s.execute("INSERT INTO " + STRICT + " VALUES (1, 'x')");
                s.execute("CREATE TABLE " + LOOSE + " (id INT PRIMARY KEY, v VARCHAR(10), n INT)");
                s.execute("INSERT INTO " + LOOSE + " VALUES (1, 'x', 1)");
            }
            mirror.configure(b -> b.databases(List.of()).tableOptions(List.of(
                    entry(EVOLVING, SchemaEvolution.EVOLVE), entry(STRICT, SchemaEvolution.FAIL),
                    entry(LOOSE, SchemaEvolution.IGNORE))));
            mirror.startCapture();
            Map<TableId, TableSchema> tables = mirror.awaitTables(t -> t.size() == 3, Duration.ofMinutes(2));
            mirror.startJob(tables, false);
            await().atMost(Duration.ofMinutes(2)).until(() -> rows(mirror, EVOLVING).size() == 2
                    && rows(mirror, STRICT).size() == 1 && rows(mirror, LOOSE).size() == 1);

            try (Statement s = db.createStatement()) {
                s.execute("ALTER TABLE " + EVOLVING + " ADD COLUMN note VARCHAR(20), MODIFY qty BIGINT, MODIFY price DOUBLE, "
                        + "MODIFY amount DECIMAL(12,2), DROP COLUMN gone, RENAME COLUMN old_name TO new_name");
                s.execute("INSERT INTO " + EVOLVING + " (id, qty, price, amount, label, note, new_name) "
                        + "VALUES (3, 5000000000, 3.25, 1234567890.12, 'c', 'hello', 'n3')");
                s.execute("UPDATE " + EVOLVING + " SET note = 'updated' WHERE id = 1");
                s.execute("ALTER TABLE " + STRICT + " ADD COLUMN extra INT");
                s.execute("INSERT INTO " + STRICT + " VALUES (2, 'y', 7)");
                s.execute("ALTER TABLE " + LOOSE + " ADD COLUMN extra INT, MODIFY n BIGINT");
                s.execute("INSERT INTO " + LOOSE + " VALUES (2, 'y', 2, 9), (3, 'z', 5000000000, 9)");
            }

            await().atMost(Duration.ofMinutes(2)).until(() -> rows(mirror, EVOLVING).size() == 3
                    && rows(mirror, LOOSE).size() == 2 && deadLetters(mirror).size() >= 2);

            // evolve: new column, widened types, the dropped and the renamed column kept with NULL in new rows.
            Schema evolved = lakeTable(mirror, EVOLVING).schema();
            assertThat(evolved.findType("note")).isEqualTo(Types.StringType.get());
            assertThat(evolved.findType("qty")).isEqualTo(Types.LongType.get());
            assertThat(evolved.findType("price")).isEqualTo(Types.DoubleType.get());
            assertThat(evolved.findType("amount")).isEqualTo(Types.DecimalType.of(12, 2));
            assertThat(evolved.findField("gone")).isNotNull();
            assertThat(evolved.findField("old_name")).isNotNull();
            assertThat(evolved.findType("new_name")).isEqualTo(Types.StringType.get());
            Map<Object, Record> evo = rows(mirror, EVOLVING);
            assertThat(evo.get(3).getField("qty")).isEqualTo(5_000_000_000L);
            assertThat(evo.get(3).getField("amount")).isEqualTo(new BigDecimal("1234567890.12"));
            assertThat(evo.get(3).getField("new_name")).isEqualTo("n3");
            assertThat(evo.get(3).getField("gone")).isNull();
            assertThat(evo.get(3).getField("old_name")).isNull();
            assertThat(evo.get(2).getField("gone")).as("rows written before the drop keep their value").isEqualTo("g2");
            assertThat(evo.get(1).getField("note")).isEqualTo("updated");
            assertThat(evo.get(1).getField("qty")).isEqualTo(5L);

            // fail: the lake table is unchanged and the change is a dead letter saying why.
            assertThat(rows(mirror, STRICT)).containsOnlyKeys(1);
            assertThat(lakeTable(mirror, STRICT).schema().findField("extra")).isNull();
            // ignore: the lake schema stays; a value that fits is written, one that does not is set aside.
            Table loose = lakeTable(mirror, LOOSE);
            assertThat(loose.schema().findField("extra")).isNull();
            assertThat(loose.schema().findType("n")).isEqualTo(Types.IntegerType.get());
            assertThat(rows(mirror, LOOSE).get(2).getField("n")).isEqualTo(2);
            assertThat(rows(mirror, LOOSE)).doesNotContainKey(3);
            assertThat(deadLetters(mirror)).containsExactlyInAnyOrder(
                    mirror.jobOptions().topicOf(STRICT) + " schema-change-refused",
                    mirror.jobOptions().topicOf(LOOSE) + " value-out-of-range");
        }
    }

    private static TableOptions entry(TableId table, SchemaEvolution mode) {
        return new TableOptions(table, null, null, null, PartitionTransforms.parse(List.of()), Map.of(), mode,
                CleaningRules.of(null, Map.of(), List.of()));
    }

    /** "source topic reason-code" of every dead letter so far. */
    private static List<String> deadLetters(LocalMirror mirror) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.kafka().bootstrapServers());
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        List<String> letters = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(p)) {
            String topic = mirror.jobOptions().deadLetterTopic();
            if (!c.listTopics().containsKey(topic)) {
                return letters;
            }
            List<org.apache.kafka.common.TopicPartition> tps = c.partitionsFor(topic).stream()
                    .map(i -> new org.apache.kafka.common.TopicPartition(topic, i.partition())).toList();
            c.assign(tps);
            c.seekToBeginning(tps);
            Map<org.apache.kafka.common.TopicPartition, Long> end = c.endOffsets(tps);
            while (tps.stream().anyMatch(tp -> c.position(tp) < end.get(tp))) {
                for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(500))) {
                    letters.add(header(r, "changelake.source.topic") + " " + header(r, "changelake.reason-code"));
                }
            }
        }
        return letters;
    }

    private static String header(ConsumerRecord<byte[], byte[]> r, String name) {
        return new String(r.headers().lastHeader(name).value(), StandardCharsets.UTF_8);
    }


    private static Table lakeTable(LocalMirror mirror, TableId source) throws Exception {
        return lakeTable(mirror, mirror.jobOptions().lakeTableOf(source));
    }

    private static Map<Object, Record> rows(LocalMirror mirror, TableId source) throws Exception {
        return lakeRowsById(mirror, mirror.jobOptions().lakeTableOf(source));
    }
}
