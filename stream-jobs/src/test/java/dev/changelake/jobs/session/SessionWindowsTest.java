package dev.changelake.jobs.session;

import static org.assertj.core.api.Assertions.assertThat;

import dev.changelake.jobs.checkpoint.CheckpointSettings;
import dev.changelake.lake.catalog.CatalogOptions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.dag.Transformation;
import org.apache.flink.api.java.typeutils.PojoTypeInfo;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.api.operators.SimpleOperatorFactory;
import org.apache.flink.streaming.api.transformations.OneInputTransformation;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.table.data.RowData;
import org.junit.jupiter.api.Test;

/** The session window operator as the job builds it, driven by hand: what it emits, when, and what state it keeps. */
class SessionWindowsTest {
    private static final long GAP = 10_000;

    private static SessionJobOptions options(Duration lateness) {
        return SessionJobOptions.builder().kafka("unused:9092", "events", SessionJobOptions.Format.JSON)
                .gap(Duration.ofMillis(GAP)).allowedLateness(lateness)
                .aggregate("events", AggregateSpec.Function.COUNT, null)
                .aggregate("revenue", AggregateSpec.Function.SUM, "amount")
                .aggregate("items", AggregateSpec.Function.DISTINCT_COUNT, "item")
                .catalog(new CatalogOptions("lake", CatalogOptions.Type.JDBC, "file:///unused", Map.of()))
                .checkpoint(new CheckpointSettings(Duration.ofSeconds(1), Duration.ofSeconds(1), "file:///unused",
                        Duration.ofSeconds(1), Duration.ofSeconds(1), 0))
                .table("s.sessions").lateTable("s.late").build();
    }

    @SuppressWarnings("unchecked")
    private static KeyedOneInputStreamOperatorTestHarness<String, SessionEvent, RowData> harness(SessionJobOptions options)
            throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        SingleOutputStreamOperator<RowData> sessions = SessionJob.sessions(
                env.fromData(List.of(event("x", 0, 0, "i")), TypeInformation.of(SessionEvent.class)), options);
        Transformation<RowData> t = sessions.getTransformation();
        OneInputStreamOperator<SessionEvent, RowData> operator = (OneInputStreamOperator<SessionEvent, RowData>)
                ((SimpleOperatorFactory<RowData>) ((OneInputTransformation<SessionEvent, RowData>) t).getOperatorFactory()).getOperator();
        KeyedOneInputStreamOperatorTestHarness<String, SessionEvent, RowData> h =
                new KeyedOneInputStreamOperatorTestHarness<>(operator, e -> e.key, Types.STRING);
        h.open();
        return h;
    }

    private static SessionEvent event(String key, long time, double amount, String item) {
        return new SessionEvent(key, time, new double[] {Double.NaN, amount, Double.NaN}, new String[] {null, null, item});
    }

    private static void send(KeyedOneInputStreamOperatorTestHarness<String, SessionEvent, RowData> h, SessionEvent e)
            throws Exception {
        h.processElement(new StreamRecord<>(e, e.time));
    }

    private static List<String> rows(ConcurrentLinkedQueue<Object> output) {
        return output.stream().filter(o -> o instanceof StreamRecord<?>).map(o -> (RowData) ((StreamRecord<?>) o).getValue())
                .map(r -> r.getString(0) + "|" + r.getTimestamp(1, 3).getMillisecond() + "|"
                        + r.getTimestamp(2, 3).getMillisecond() + "|" + r.getLong(3) + "|" + r.getDouble(4) + "|" + r.getLong(5))
                .toList();
    }

    @Test
    void sessionIsWrittenOnceWhenTheWatermarkPassesItsEndAndItsStateIsGone() throws Exception {
        try (var h = harness(options(Duration.ZERO))) {
            send(h, event("u1", 1_000, 2.5, "p1"));
            send(h, event("u1", 5_000, 1.5, "p2"));
            send(h, event("u2", 2_000, 0, "p1"));
            h.processWatermark(14_000); // u2's session ended at 12 s; u1's ends at 5 s + gap = 15 s: still open
            assertThat(rows(h.getOutput())).containsExactly("u2|2000|2000|1|0.0|1");
            assertThat(h.numKeyedStateEntries()).isPositive();

            h.processWatermark(15_000);
            assertThat(rows(h.getOutput())).containsExactly("u2|2000|2000|1|0.0|1", "u1|1000|5000|2|4.0|2");
            // Every session closed: no accumulator, no merging-window bookkeeping, no timer is left behind.
            assertThat(h.numKeyedStateEntries()).isZero();
            assertThat(h.numEventTimeTimers()).isZero();
        }
    }

    @Test
    void outOfOrderEventBridgesTwoOpenSessionsIntoOne() throws Exception {
        try (var h = harness(options(Duration.ZERO))) {
            send(h, event("u", 0, 1, "a"));
            send(h, event("u", 14_000, 2, "b"));
            send(h, event("u", 7_000, 4, "a")); // 7 s from both: one session
            h.processWatermark(100_000);
            assertThat(rows(h.getOutput())).containsExactly("u|0|14000|3|7.0|2");
        }
    }

    @Test
    void eventBehindAClosedSessionGoesToTheLateOutputNotIntoTheLake() throws Exception {
        try (var h = harness(options(Duration.ofSeconds(5)))) {
            send(h, event("u", 0, 1, "a"));
            h.processWatermark(12_000); // closed at 10 s + 5 s lateness: still open for stragglers
            send(h, event("u", 3_000, 1, "b")); // 9 s behind the watermark, within the allowed lateness: joins
            assertThat(rows(h.getOutput())).isEmpty();
            h.processWatermark(20_000);
            assertThat(rows(h.getOutput())).containsExactly("u|0|3000|2|2.0|2");

            send(h, event("u", 4_000, 9, "late"));
            assertThat(rows(h.getOutput())).hasSize(1);
            assertThat(h.getSideOutput(SessionJob.LATE)).extracting(r -> r.getValue().time).containsExactly(4_000L);
            assertThat(h.numKeyedStateEntries()).isZero();
        }
    }

    @Test
    void eventAndAccumulatorAreFlinkPojosNotKryo() {
        assertThat(TypeInformation.of(SessionEvent.class)).isInstanceOf(PojoTypeInfo.class);
        assertThat(TypeInformation.of(SessionAccumulator.class)).isInstanceOf(PojoTypeInfo.class);
    }

    @Test
    void distinctValuesMergeAsSortedSets() {
        assertThat(SessionAggregate.union(new String[] {"a", "c"}, new String[] {"b", "c", "d"}))
                .containsExactly("a", "b", "c", "d");
        assertThat(SessionAggregate.union(null, new String[] {"x"})).containsExactly("x");
    }
}
