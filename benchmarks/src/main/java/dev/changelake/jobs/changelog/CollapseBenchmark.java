package dev.changelake.jobs.changelog;

import dev.changelake.bench.jmh.W1Changes;
import dev.changelake.schema.ChangeRecord;
import java.lang.reflect.Field;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.Output;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.LatencyMarker;
import org.apache.flink.streaming.runtime.streamrecord.RecordAttributes;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.runtime.watermarkstatus.WatermarkStatus;
import org.apache.flink.runtime.metrics.groups.UnregisteredMetricGroups;
import org.apache.flink.util.OutputTag;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * The collapse stage's per-change cost: {@link CollapseOperator} holding the latest change of each (table, key)
 * between two barriers, over W1's first {@link #WINDOW} changes (inserts, Zipf-hot updates, deletes; ~a few seconds
 * of W1 at 5,000 changes/s). Scores are per change ({@code @OperationsPerInvocation}).
 * <ul>
 * <li>{@code addReplace}: the window's changes go in (new key: a map entry; known key: the latest replaced), then the
 *     held changes are dropped without emitting them.
 * <li>{@code addReplaceFlush}: the same, then the barrier's flush emits them downstream (to a {@link Blackhole}).
 *     The difference of the two is the flush.
 * </ul>
 * The operator runs outside a Flink task: its metric group is an unregistered one and its output a sink, set as
 * Flink's {@code setup} would (it lives in CollapseOperator's package because the operator is package-private).
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 5)
@Measurement(iterations = 5, time = 5)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@State(Scope.Thread)
public class CollapseBenchmark {
    static final int WINDOW = 16_384;

    private ChangeRecord[] changes;
    private StreamRecord<ChangeRecord>[] elements;
    private CollapseOperator operator;
    private Map<?, ?> pending;
    private Field bytes;
    private long emitted;

    @Setup(Level.Trial)
    @SuppressWarnings("unchecked")
    public void setUp(Blackhole blackhole) throws Exception {
        changes = W1Changes.decoded(WINDOW);
        elements = new StreamRecord[WINDOW];
        for (int i = 0; i < WINDOW; i++) {
            elements[i] = new StreamRecord<>(changes[i]); // the task hands over its reused StreamRecord
        }
        operator = new CollapseOperator(Long.MAX_VALUE);
        set(operator, AbstractStreamOperator.class, "metrics",
                UnregisteredMetricGroups.createUnregisteredOperatorMetricGroup());
        set(operator, AbstractStreamOperator.class, "output", new Sink(blackhole));
        operator.open();
        Field p = CollapseOperator.class.getDeclaredField("pending");
        p.setAccessible(true);
        pending = (Map<?, ?>) p.get(operator);
        bytes = CollapseOperator.class.getDeclaredField("bytes");
        bytes.setAccessible(true);
        for (StreamRecord<ChangeRecord> e : elements) {
            operator.processElement(e);
        }
        System.out.printf("%nW1 window: %d changes, %d keys held before the barrier%n", WINDOW, pending.size());
        operator.endInput();
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        System.out.printf("%n%d changes emitted%n", emitted);
    }

    private static void set(Object target, Class<?> owner, String field, Object value) throws Exception {
        Field f = owner.getDeclaredField(field);
        f.setAccessible(true);
        f.set(target, value);
    }

    @Benchmark
    @OperationsPerInvocation(WINDOW)
    public void addReplace() throws Exception {
        for (StreamRecord<ChangeRecord> e : elements) {
            operator.processElement(e);
        }
        pending.clear();
        bytes.setLong(operator, 0);
    }

    @Benchmark
    @OperationsPerInvocation(WINDOW)
    public void addReplaceFlush() throws Exception {
        for (StreamRecord<ChangeRecord> e : elements) {
            operator.processElement(e);
        }
        operator.prepareSnapshotPreBarrier(1);
    }

    /** Where the operator's output goes: nowhere, but seen by the JIT as used. */
    private final class Sink implements Output<StreamRecord<ChangeRecord>> {
        private final Blackhole blackhole;

        Sink(Blackhole blackhole) {
            this.blackhole = blackhole;
        }

        @Override
        public void collect(StreamRecord<ChangeRecord> record) {
            emitted++;
            blackhole.consume(record);
        }

        @Override
        public <X> void collect(OutputTag<X> outputTag, StreamRecord<X> record) {
            blackhole.consume(record);
        }

        @Override
        public void emitWatermark(Watermark mark) {
        }

        @Override
        public void emitWatermarkStatus(WatermarkStatus watermarkStatus) {
        }

        @Override
        public void emitLatencyMarker(LatencyMarker latencyMarker) {
        }

        @Override
        public void emitRecordAttributes(RecordAttributes recordAttributes) {
        }

        @Override
        public void close() {
        }
    }
}
