package dev.changelake.deploy.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.changelake.schema.TableId;
import dev.changelake.schema.TableSchema;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.data.IcebergGenerics;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.io.CloseableIterable;
import org.junit.jupiter.api.Test;

/** With {@code dead-letters.table}, set-aside records become rows of an Iceberg table instead of Kafka records. */
class DeadLetterTableE2EIT extends PipelineE2E {
    static final TableId ITEMS = new TableId(DB, "dl_items");
    static final TableIdentifier LETTERS = TableIdentifier.of("ops", "dead_letters");

    @Test
    void deadLettersAreAppendedToTheConfiguredIcebergTable() throws Exception {
        try (Connection db = connect(); LocalMirror mirror = new LocalMirror(stack, flink, DB, Duration.ofSeconds(2), 1)) {
            try (Statement s = db.createStatement()) {
                s.execute("CREATE TABLE " + ITEMS + " (id INT PRIMARY KEY, v VARCHAR(10))");
                s.execute("INSERT INTO " + ITEMS + " VALUES (1, 'a'), (2, 'b')");
            }
            mirror.configure(b -> b.databases(List.of()).tables(List.of(ITEMS)).deadLetterTable("ops.dead_letters"));
            mirror.startCapture();
            Map<TableId, TableSchema> tables = mirror.awaitTables(t -> t.contains(ITEMS), Duration.ofMinutes(2));
            mirror.startJob(tables, false);
            produce(mirror.jobOptions().topicOf(ITEMS), "{\"id\":3}", "not a change record");
            try (Statement s = db.createStatement()) {
                s.execute("INSERT INTO " + ITEMS + " VALUES (4, 'd')");
            }

            await().atMost(Duration.ofMinutes(2)).until(() -> lakeRowsById(mirror, mirror.jobOptions().lakeTableOf(ITEMS))
                    .size() == 3 && letters(mirror).size() == 1);

            Record letter = letters(mirror).get(0);
            assertThat(letter.getField("reason_code")).isEqualTo("undecodable");
            assertThat(letter.getField("stage")).isEqualTo("decode");
            assertThat((String) letter.getField("reason")).contains("value is not valid JSON");
            assertThat(letter.getField("source_topic")).isEqualTo(mirror.jobOptions().topicOf(ITEMS));
            assertThat(bytes(letter.getField("value"))).isEqualTo("not a change record".getBytes(StandardCharsets.UTF_8));
            assertThat(letter.getField("value_original_size")).isEqualTo(19L);
        }
    }

    private static List<Record> letters(LocalMirror mirror) throws Exception {
        List<Record> rows = new ArrayList<>();
        if (!lakeTableExists(mirror)) {
            return rows;
        }
        try (CloseableIterable<Record> it = IcebergGenerics.read(lakeTable(mirror, LETTERS)).build()) {
            it.forEach(rows::add);
        }
        return rows;
    }

    private static boolean lakeTableExists(LocalMirror mirror) {
        try {
            lakeTable(mirror, LETTERS);
            return true;
        } catch (Exception e) {
            return false;
        }
    }

    private static byte[] bytes(Object v) {
        ByteBuffer b = ((ByteBuffer) v).duplicate();
        byte[] out = new byte[b.remaining()];
        b.get(out);
        return out;
    }
}
