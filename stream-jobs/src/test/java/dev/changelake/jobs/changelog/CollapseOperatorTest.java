package dev.changelake.jobs.changelog;

import static dev.changelake.jobs.changelog.DedupeFunctionTest.CUSTOMERS;
import static dev.changelake.jobs.changelog.DedupeFunctionTest.ORDERS;
import static dev.changelake.jobs.changelog.DedupeFunctionTest.change;
import static org.assertj.core.api.Assertions.assertThat;

import dev.changelake.schema.ChangeRecord;
import dev.changelake.schema.Op;
import dev.changelake.schema.SourcePosition;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

class CollapseOperatorTest {

    private static List<String> emitted(OneInputStreamOperatorTestHarness<ChangeRecord, ChangeRecord> h) {
        return h.extractOutputValues().stream()
                .map(c -> c.op().code() + " " + (c.key().isEmpty() ? "{}" : c.key().get("id")) + " "
                        + (c.after() == null ? "-" : c.after().get("status")))
                .collect(Collectors.toList());
    }

    private static OneInputStreamOperatorTestHarness<ChangeRecord, ChangeRecord> harness(long maxBytes) throws Exception {
        OneInputStreamOperatorTestHarness<ChangeRecord, ChangeRecord> h =
                new OneInputStreamOperatorTestHarness<>(new CollapseOperator(maxBytes));
        h.open();
        return h;
    }

    private static void feed(OneInputStreamOperatorTestHarness<ChangeRecord, ChangeRecord> h, ChangeRecord... changes)
            throws Exception {
        for (ChangeRecord c : changes) {
            h.processElement(new StreamRecord<>(c));
        }
    }

    @Test
    void onlyTheLatestChangeOfAKeyLeavesAtTheBarrierAndAKeyInsertedSinceTheLastOneAsAPlainInsert() throws Exception {
        try (var h = harness(1 << 20)) {
            feed(h, change(ORDERS, Op.CREATE, 1, 10, "NEW"), change(ORDERS, Op.UPDATE, 1, 11, "PAID"),
                    change(ORDERS, Op.UPDATE, 2, 12, "PAID"), change(ORDERS, Op.UPDATE, 1, 13, "SHIPPED"));
            assertThat(emitted(h)).as("nothing before the barrier").isEmpty();

            h.prepareSnapshotPreBarrier(1);

            assertThat(emitted(h)).as("c: no row of key 1 in the lake, written without an equality delete; u: an upsert")
                    .containsExactly("c 1 SHIPPED", "u 2 PAID");
        }
    }

    @Test
    void insertThenDeleteWithinACheckpointWritesNothingButUpdateThenDeleteWritesTheDelete() throws Exception {
        try (var h = harness(1 << 20)) {
            feed(h, change(ORDERS, Op.CREATE, 1, 10, "NEW"), change(ORDERS, Op.DELETE, 1, 11, "NEW"),
                    change(ORDERS, Op.UPDATE, 2, 12, "PAID"), change(ORDERS, Op.DELETE, 2, 13, "PAID"),
                    change(ORDERS, Op.READ, 3, 14, "NEW"), change(ORDERS, Op.DELETE, 3, 15, "NEW"));
            h.prepareSnapshotPreBarrier(1);

            assertThat(emitted(h)).as("a snapshot read may repeat a row the lake has: its delete stays")
                    .containsExactly("d 2 -", "d 3 -");
        }
    }

    @Test
    void deleteThenReinsertIsAnUpsertOfTheNewRow() throws Exception {
        try (var h = harness(1 << 20)) {
            feed(h, change(ORDERS, Op.UPDATE, 1, 10, "PAID"), change(ORDERS, Op.DELETE, 1, 11, "PAID"),
                    change(ORDERS, Op.CREATE, 1, 12, "NEW"));
            h.prepareSnapshotPreBarrier(1);

            assertThat(emitted(h)).as("the lake may still hold the row of before the delete: an upsert")
                    .containsExactly("u 1 NEW");
        }
    }

    @Test
    void changesOfATableWithoutKeyAreAllRows() throws Exception {
        try (var h = harness(1 << 20)) {
            ChangeRecord keyless = new ChangeRecord(ORDERS, Op.CREATE, new java.util.LinkedHashMap<>(), null,
                    new java.util.LinkedHashMap<>(Map.of("status", "x")),
                    new SourcePosition(false, 1, 5, 0, null), 0);
            feed(h, keyless, keyless);

            assertThat(emitted(h)).containsExactly("c {} x", "c {} x");
        }
    }

    @Test
    void pastItsMemoryBoundItEmitsEarlyAndStaysCorrect() throws Exception {
        try (var h = harness(1_000)) {
            for (int i = 0; i < 20; i++) {
                feed(h, change(ORDERS, Op.UPDATE, i, 10 + i, "PAID"));
            }
            assertThat(emitted(h)).as("emitted before any barrier").isNotEmpty();
            feed(h, change(ORDERS, Op.CREATE, 100, 50, "NEW"), change(ORDERS, Op.DELETE, 100, 51, "NEW"));
            h.prepareSnapshotPreBarrier(1);

            List<String> out = emitted(h);
            assertThat(out).filteredOn(e -> e.startsWith("u ") && !e.contains(" 100 ")).hasSize(20);
            // Held or flushed early: either way the key ends deleted (or never written) in the lake.
            List<String> key100 = out.stream().filter(e -> e.contains(" 100 ")).collect(Collectors.toList());
            assertThat(key100).isIn(List.of(), List.of("u 100 NEW", "d 100 -"));
        }
    }

    @Test
    void anInsertFlushedEarlyIsAnUpsertBecauseItsKeyMayComeAgainInTheSameCommit() throws Exception {
        try (var h = harness(1)) {
            feed(h, change(ORDERS, Op.CREATE, 5, 10, "NEW"));
            assertThat(emitted(h)).containsExactly("u 5 NEW");

            feed(h, change(ORDERS, Op.UPDATE, 5, 11, "PAID"));
            h.prepareSnapshotPreBarrier(1);

            assertThat(emitted(h)).as("the second row of key 5 in this commit deletes the first")
                    .containsExactly("u 5 NEW", "u 5 PAID");
        }
    }

    @Test
    void freshnessIsMeasuredFromTheSourceCommitToTheCheckpointThatMakesItVisible() throws Exception {
        try (var h = harness(1 << 20)) {
            long now = System.currentTimeMillis();
            feed(h, withSourceTime(change(ORDERS, Op.UPDATE, 1, 10, "PAID"), now - 5_000),
                    withSourceTime(change(ORDERS, Op.UPDATE, 2, 11, "PAID"), now - 1_000));
            h.prepareSnapshotPreBarrier(1);
            CollapseOperator op = (CollapseOperator) h.getOneInputOperator();
            TableProgress orders = op.progress(ORDERS);
            assertThat(orders.histogram().getCount()).as("not visible before the checkpoint completes").isZero();

            h.notifyOfCompletedCheckpoint(1);

            assertThat(orders.histogram().getCount()).isEqualTo(2);
            assertThat(orders.lastCommitMillis()).isBetween(5_000L, 60_000L);
            assertThat(orders.histogram().getStatistics().getMin()).isBetween(1_000L, 56_000L);
        }
    }

    @Test
    void rowsCountAsCommittedPerTableWhenTheirCheckpointCompletesAndTheLagIsTheOldestChangeNotYetCommitted() throws Exception {
        try (var h = harness(1 << 20)) {
            long now = System.currentTimeMillis();
            feed(h, withSourceTime(change(ORDERS, Op.CREATE, 1, 10, "NEW"), now - 20_000),
                    withSourceTime(change(ORDERS, Op.UPDATE, 1, 11, "PAID"), now - 10_000),
                    withSourceTime(change(ORDERS, Op.UPDATE, 2, 12, "PAID"), now - 10_000),
                    withSourceTime(change(CUSTOMERS, Op.UPDATE, 7, 13, "VIP"), now - 5_000));
            CollapseOperator op = (CollapseOperator) h.getOneInputOperator();
            TableProgress orders = op.progress(ORDERS);
            TableProgress customers = op.progress(CUSTOMERS);
            assertThat(orders.lagSeconds(now)).as("held since the oldest change read").isBetween(19L, 21L);

            h.prepareSnapshotPreBarrier(1);
            feed(h, withSourceTime(change(ORDERS, Op.UPDATE, 3, 14, "PAID"), now - 2_000));
            assertThat(orders.rowsCommitted()).as("written, not committed").isZero();
            assertThat(orders.lagSeconds(now)).isBetween(19L, 21L);

            h.notifyOfCompletedCheckpoint(1);

            assertThat(orders.rowsCommitted()).as("keys 1 and 2, collapsed; key 3 waits for checkpoint 2").isEqualTo(2);
            assertThat(customers.rowsCommitted()).isEqualTo(1);
            assertThat(orders.lagSeconds(now)).as("only key 3 is not committed").isBetween(1L, 3L);
            assertThat(customers.lagSeconds(now)).isZero();

            h.prepareSnapshotPreBarrier(2);
            h.notifyOfCompletedCheckpoint(2);
            assertThat(orders.rowsCommitted()).isEqualTo(3);
            assertThat(orders.lagSeconds(now)).isZero();
        }
    }

    private static ChangeRecord withSourceTime(ChangeRecord c, long ts) {
        return new ChangeRecord(c.table(), c.op(), new java.util.LinkedHashMap<>(c.key()), null,
                new java.util.LinkedHashMap<>(c.after()), c.position(), ts);
    }
}
