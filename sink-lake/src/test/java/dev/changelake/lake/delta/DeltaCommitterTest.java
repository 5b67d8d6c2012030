package dev.changelake.lake.delta;

import static dev.changelake.lake.delta.DeltaFixtures.order;
import static org.assertj.core.api.Assertions.assertThat;

import io.delta.kernel.Snapshot;
import io.delta.kernel.data.Row;
import io.delta.kernel.engine.Engine;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DeltaCommitterTest {
    final Engine engine = DeltaFixtures.engine();

    @TempDir
    Path dir;

    @Test
    void replayedCheckpointIsSkippedAndRowsAppearOnce() {
        String table = DeltaFixtures.ordersTable(engine, dir);
        List<Row> adds = DeltaFiles.write(engine, table, List.of(order("acme", 1), order("acme", 2)));

        DeltaCommitter.Outcome first = DeltaCommitter.commit(engine, table, "sink-1", 5, adds);
        DeltaCommitter.Outcome replay = DeltaCommitter.commit(engine, table, "sink-1", 5, adds);

        assertThat(first).isEqualTo(DeltaCommitter.Outcome.COMMITTED);
        assertThat(replay).isEqualTo(DeltaCommitter.Outcome.ALREADY_COMMITTED);
        assertThat(DeltaFiles.readAll(engine, table)).extracting(r -> r.get("id")).containsExactlyInAnyOrder(1L, 2L);
        assertThat(DeltaTables.snapshot(engine, table).getVersion()).isEqualTo(1);
        assertThat(DeltaCommitter.lastCommitted(engine, table, "sink-1")).contains(5L);
    }

    @Test
    void olderCheckpointAfterRestoreIsSkipped() {
        String table = DeltaFixtures.ordersTable(engine, dir);
        DeltaCommitter.commit(engine, table, "sink-1", 7, DeltaFiles.write(engine, table, List.of(order("acme", 1))));

        DeltaCommitter.Outcome older = DeltaCommitter.commit(engine, table, "sink-1", 6,
                DeltaFiles.write(engine, table, List.of(order("acme", 99))));

        assertThat(older).isEqualTo(DeltaCommitter.Outcome.ALREADY_COMMITTED);
        assertThat(DeltaFiles.readAll(engine, table)).extracting(r -> r.get("id")).containsExactly(1L);
    }

    @Test
    void anotherSinkIdCommitsIndependently() {
        String table = DeltaFixtures.ordersTable(engine, dir);
        DeltaCommitter.commit(engine, table, "sink-1", 5, DeltaFiles.write(engine, table, List.of(order("acme", 1))));

        DeltaCommitter.Outcome other = DeltaCommitter.commit(engine, table, "sink-2", 5,
                DeltaFiles.write(engine, table, List.of(order("acme", 2))));

        assertThat(other).isEqualTo(DeltaCommitter.Outcome.COMMITTED);
        assertThat(DeltaFiles.readAll(engine, table)).hasSize(2);
    }

    @Test
    void raceLostToTheSameTransactionIsAlreadyCommitted() {
        String table = DeltaFixtures.ordersTable(engine, dir);
        Snapshot stale = DeltaTables.snapshot(engine, table);
        List<Row> adds = DeltaFiles.write(engine, table, List.of(order("acme", 1)));
        DeltaCommitter.commit(engine, table, "sink-1", 5, adds);

        // The stale snapshot does not know (sink-1, 5): Kernel's conflict check must catch it.
        DeltaCommitter.Outcome late = DeltaCommitter.commit(engine, stale, "sink-1", 5, adds);

        assertThat(late).isEqualTo(DeltaCommitter.Outcome.ALREADY_COMMITTED);
        assertThat(DeltaFiles.readAll(engine, table)).hasSize(1);
        assertThat(DeltaTables.snapshot(engine, table).getVersion()).isEqualTo(1);
    }

    @Test
    void copyOnWriteCommitLeavesExactlyTheNewRows() {
        String table = DeltaFixtures.ordersTable(engine, dir);
        DeltaCommitter.commit(engine, table, "sink-1", 1,
                DeltaFiles.write(engine, table, List.of(order("acme", 1), order("acme", 2), order("acme", 3))));
        DeltaFiles.LiveFile a = DeltaFiles.liveFiles(engine, table).get(0);

        // Checkpoint 2: key 2 updated, key 3 deleted. Rewrite file A without the old rows, plus the new image.
        Map<String, Object> updated = order("acme", 2);
        updated.put("qty", 777);
        List<Map<String, Object>> kept = new ArrayList<>();
        for (Map<String, Object> r : a.read(engine)) {
            if (r.get("id").equals(1L)) {
                kept.add(r);
            }
        }
        kept.add(updated);
        List<Row> actions = new ArrayList<>(DeltaFiles.write(engine, table, kept));
        actions.add(RemoveFiles.removeAction(a, System.currentTimeMillis()));

        DeltaCommitter.Outcome outcome = DeltaCommitter.commit(engine, table, "sink-1", 2, actions);

        assertThat(outcome).isEqualTo(DeltaCommitter.Outcome.COMMITTED);
        assertThat(DeltaFixtures.comparable(DeltaFiles.readAll(engine, table)))
                .containsExactlyInAnyOrderElementsOf(DeltaFixtures.comparable(List.of(order("acme", 1), updated)));
        assertThat(DeltaFiles.liveFiles(engine, table)).extracting(DeltaFiles.LiveFile::path)
                .doesNotContain(a.path()).hasSize(1);
        assertThat(DeltaTables.snapshot(engine, table).getVersion()).isEqualTo(2);
    }
}
