package dev.changelake.lake.delta;

import static dev.changelake.lake.delta.DeltaFixtures.comparable;
import static dev.changelake.lake.delta.DeltaFixtures.order;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.changelake.schema.ChangeRecord;
import dev.changelake.schema.Op;
import io.delta.kernel.engine.Engine;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.connector.sink2.Committer.CommitRequest;
import org.apache.flink.metrics.groups.UnregisteredMetricsGroup;
import org.apache.flink.runtime.metrics.groups.InternalSinkCommitterMetricGroup;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The sink's writer and committer driven as Flink drives them, checkpoint by checkpoint, without a cluster. */
class DeltaSinkWriterTest {
    final Engine engine = DeltaFixtures.engine();

    @TempDir
    Path dir;

    private DeltaSink sink(String id, String path) {
        return new DeltaSink(id, schema -> new DeltaSink.Target(path, List.of("tenant"), Map.of()), Map.of(), 0,
                Duration.ofDays(7), Duration.ZERO);
    }

    private static ChangeRecord change(Op op, Map<String, Object> row) {
        Map<String, Object> key = new LinkedHashMap<>();
        key.put("tenant", row.get("tenant"));
        key.put("id", row.get("id"));
        return new ChangeRecord(DeltaFixtures.ORDERS.table(), op, key, null, op == Op.DELETE ? null : row,
                new dev.changelake.schema.SourcePosition(false, 1, 4, 0, null), 0,
                DeltaFixtures.ORDERS);
    }

    private List<DeltaCommittable> checkpoint(DeltaWriter writer, long id) {
        List<DeltaCommittable> out = new ArrayList<>();
        writer.prepareCommit().forEach(c -> out.add(c.withCheckpointId(id)));
        writer.snapshotState(id);
        return out;
    }

    private void commit(DeltaSink sink, List<DeltaCommittable> committables) throws Exception {
        try (DeltaSinkCommitter committer = new DeltaSinkCommitter(sink, Duration.ofDays(7), Duration.ZERO,
                InternalSinkCommitterMetricGroup.wrap(UnregisteredMetricsGroup.createOperatorMetricGroup()))) {
            committer.commit(requests(committables));
        }
    }

    @Test
    void nextCheckpointBeforeThePreviousCommitSeesItsFiles() throws Exception {
        String path = dir.resolve("orders").toUri().toString();
        DeltaSink sink = sink("sink-a", path);
        DeltaWriter writer = new DeltaWriter(sink, UnregisteredMetricsGroup.createSinkWriterMetricGroup());

        writer.write(change(Op.CREATE, order("acme", 1)), null);
        writer.write(change(Op.CREATE, order("acme", 2)), null);
        List<DeltaCommittable> first = checkpoint(writer, 1);
        // Checkpoint 2's barrier comes before checkpoint 1's commit: key 1 is only in an uncommitted file.
        Map<String, Object> updated = order("acme", 1);
        updated.put("qty", 999);
        writer.write(change(Op.UPDATE, updated), null);
        writer.write(change(Op.DELETE, order("acme", 2)), null);
        List<DeltaCommittable> second = checkpoint(writer, 2);
        commit(sink, first);
        commit(sink, second);

        assertThat(comparable(DeltaFiles.readAll(engine, path))).containsExactlyInAnyOrderElementsOf(comparable(List.of(updated)));
        assertThat(DeltaCommitter.lastCommitted(engine, path, "sink-a")).contains(2L);
    }

    @Test
    void replayedCommittablesAfterARestoreChangeNothing() throws Exception {
        String path = dir.resolve("orders").toUri().toString();
        DeltaSink sink = sink("sink-a", path);
        DeltaWriter writer = new DeltaWriter(sink, UnregisteredMetricsGroup.createSinkWriterMetricGroup());
        writer.write(change(Op.READ, order("acme", 1)), null);
        List<DeltaCommittable> first = checkpoint(writer, 7);
        commit(sink, first);
        long version = DeltaTables.snapshot(engine, path).getVersion();

        commit(sink, first); // the committer's state restored from checkpoint 7 commits it again

        assertThat(DeltaTables.snapshot(engine, path).getVersion()).isEqualTo(version);
        assertThat(DeltaFiles.readAll(engine, path)).hasSize(1);
    }

    @Test
    void aTableWrittenByAnotherSinkIsRefused() throws Exception {
        String path = dir.resolve("orders").toUri().toString();
        DeltaSink a = sink("sink-a", path);
        DeltaWriter writerA = new DeltaWriter(a, UnregisteredMetricsGroup.createSinkWriterMetricGroup());
        writerA.write(change(Op.CREATE, order("acme", 1)), null);
        commit(a, checkpoint(writerA, 1));

        DeltaWriter writerB = new DeltaWriter(sink("sink-b", path), UnregisteredMetricsGroup.createSinkWriterMetricGroup());
        writerB.write(change(Op.CREATE, order("acme", 2)), null);

        assertThatThrownBy(writerB::prepareCommit).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("sink 'sink-a'").hasMessageContaining("one writer");
    }

    private static <T> Collection<CommitRequest<T>> requests(List<T> committables) {
        List<CommitRequest<T>> out = new ArrayList<>();
        for (T c : committables) {
            out.add(new CommitRequest<T>() {
                @Override
                public T getCommittable() {
                    return c;
                }

                @Override
                public int getNumberOfRetries() {
                    return 0;
                }

                @Override
                public void signalFailedWithKnownReason(Throwable t) {
                    throw new AssertionError(t);
                }

                @Override
                public void signalFailedWithUnknownReason(Throwable t) {
                    throw new AssertionError(t);
                }

                @Override
                public void retryLater() {
                    throw new AssertionError("retry");
                }

                @Override
                public void updateAndRetryLater(T committable) {
                    throw new AssertionError("retry");
                }

                @Override
                public void signalAlreadyCommitted() {
                }
            });
        }
        return out;
    }
}
