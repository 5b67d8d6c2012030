package dev.changelake.jobs.changelog;

import static org.assertj.core.api.Assertions.assertThat;

import dev.changelake.schema.ChangeRecord;
import dev.changelake.schema.Op;
import dev.changelake.schema.SourcePosition;
import dev.changelake.schema.TableId;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class DedupeFunctionTest {
    static final TableId ORDERS = new TableId("shop", "orders");
    static final TableId CUSTOMERS = new TableId("shop", "customers");

    private KeyedOneInputStreamOperatorTestHarness<String, ChangeRecord, ChangeRecord> harness;

    @BeforeEach
    void open() throws Exception {
        harness = new KeyedOneInputStreamOperatorTestHarness<>(
                new KeyedProcessOperator<>(new DedupeFunction(Duration.ofDays(7))), new ChangelogJob.TableKey(), Types.STRING);
        harness.open();
    }

    @AfterEach
    void close() throws Exception {
        harness.close();
    }

    static ChangeRecord change(TableId table, Op op, long id, long pos, String status) {
        Map<String, Object> key = new LinkedHashMap<>();
        key.put("id", id);
        Map<String, Object> row = new LinkedHashMap<>(key);
        row.put("status", status);
        boolean snapshot = op == Op.READ;
        return new ChangeRecord(table, op, key, op == Op.DELETE ? row : null, op == Op.DELETE ? null : row,
                new SourcePosition(snapshot, 1, pos, 0, null), 0);
    }

    private List<String> feed(ChangeRecord... changes) throws Exception {
        for (ChangeRecord c : changes) {
            harness.processElement(new StreamRecord<>(c));
        }
        return harness.extractOutputValues().stream()
                .map(c -> c.table().table() + " " + c.op().code() + " " + (c.key().isEmpty() ? "{}" : c.key().get("id"))
                        + "@" + c.position().position())
                .collect(Collectors.toList());
    }

    @Test
    void replayedChangesAreDropped() throws Exception {
        ChangeRecord insert = change(ORDERS, Op.CREATE, 1, 100, "NEW");
        ChangeRecord update = change(ORDERS, Op.UPDATE, 1, 200, "PAID");

        assertThat(feed(insert, update, insert, update)).containsExactly("orders c 1@100", "orders u 1@200");
    }

    @Test
    void olderChangeArrivingLateIsDropped() throws Exception {
        assertThat(feed(change(ORDERS, Op.UPDATE, 1, 300, "SHIPPED"), change(ORDERS, Op.UPDATE, 1, 200, "PAID")))
                .containsExactly("orders u 1@300");
    }

    @Test
    void deleteIsNotResurrectedByAReplayedInsert() throws Exception {
        assertThat(feed(change(ORDERS, Op.CREATE, 1, 100, "NEW"), change(ORDERS, Op.DELETE, 1, 200, "NEW"),
                change(ORDERS, Op.CREATE, 1, 100, "NEW")))
                .containsExactly("orders c 1@100", "orders d 1@200");
    }

    @Test
    void snapshotReadAfterAStreamedChangeOfTheSameKeyIsDropped() throws Exception {
        assertThat(feed(change(ORDERS, Op.UPDATE, 1, 50, "PAID"), change(ORDERS, Op.READ, 1, 9_999, "NEW")))
                .containsExactly("orders u 1@50");
    }

    @Test
    void sameKeyInAnotherTableIsIndependent() throws Exception {
        assertThat(feed(change(ORDERS, Op.CREATE, 1, 100, "NEW"), change(CUSTOMERS, Op.CREATE, 1, 90, "x")))
                .containsExactly("orders c 1@100", "customers c 1@90");
    }

    static ChangeRecord keyless(Op op, long pos, int row, boolean snapshot, String message) {
        Map<String, Object> image = new LinkedHashMap<>();
        image.put("message", message);
        return new ChangeRecord(new TableId("shop", "audit_log"), op, new LinkedHashMap<>(), op == Op.DELETE ? image : null,
                op == Op.DELETE ? null : image, new SourcePosition(snapshot, 1, pos, row, null), 0);
    }

    @Test
    void keylessBinlogChangesAreDroppedOnlyWhenTheSamePositionIsReplayed() throws Exception {
        ChangeRecord first = keyless(Op.CREATE, 100, 0, false, "a");
        ChangeRecord second = keyless(Op.CREATE, 100, 1, false, "b"); // same event, next row
        ChangeRecord earlier = keyless(Op.CREATE, 50, 0, false, "c"); // arrives late from another partition

        assertThat(feed(first, second, earlier, first, second)).containsExactly("audit_log c {}@100", "audit_log c {}@100",
                "audit_log c {}@50");
    }

    @Test
    void keylessSnapshotRowsAllPassThoughTheyShareOnePosition() throws Exception {
        assertThat(feed(keyless(Op.READ, 4, 0, true, "a"), keyless(Op.READ, 4, 0, true, "b"), keyless(Op.READ, 4, 0, true, "a")))
                .hasSize(3);
    }

    @Test
    void newestPositionSurvivesASnapshotAndRestore() throws Exception {
        feed(change(ORDERS, Op.UPDATE, 1, 200, "PAID"));
        var snapshot = harness.snapshot(1, 1);
        harness.close();
        harness = new KeyedOneInputStreamOperatorTestHarness<>(
                new KeyedProcessOperator<>(new DedupeFunction(Duration.ofDays(7))), new ChangelogJob.TableKey(), Types.STRING);
        harness.initializeState(snapshot);
        harness.open();

        assertThat(feed(change(ORDERS, Op.UPDATE, 1, 200, "PAID"), change(ORDERS, Op.UPDATE, 1, 201, "SHIPPED")))
                .containsExactly("orders u 1@201");
    }
}
