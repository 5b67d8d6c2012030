package dev.changelake.lake.delta;

import static dev.changelake.lake.delta.DeltaFixtures.comparable;
import static dev.changelake.lake.delta.DeltaFixtures.order;
import static org.assertj.core.api.Assertions.assertThat;

import io.delta.kernel.engine.Engine;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CopyOnWriteTest {
    final Engine engine = DeltaFixtures.engine();

    @TempDir
    Path dir;

    /** Commits ids {@code from..to} of tenant acme as one file, returns the rows. */
    private List<Map<String, Object>> commitFile(String table, long version, long from, long to) {
        List<Map<String, Object>> rows = new ArrayList<>();
        for (long id = from; id <= to; id++) {
            rows.add(order("acme", id));
        }
        DeltaCommitter.commit(engine, table, "test", version, DeltaFiles.write(engine, table, rows));
        return rows;
    }

    private CopyOnWrite.Result apply(String table, Map<List<Object>, Map<String, Object>> changes, Set<List<Object>> created) {
        CopyOnWrite.Result r = CopyOnWrite.apply(engine, DeltaTables.snapshot(engine, table),
                DeltaFiles.liveFiles(engine, table), changes, created, 0, System.currentTimeMillis());
        return r;
    }

    @Test
    void updateRewritesOnlyTheFileWhoseKeyRangeHoldsTheKey() {
        String table = DeltaFixtures.ordersTable(engine, dir);
        List<Map<String, Object>> expected = new ArrayList<>(commitFile(table, 1, 1, 10));
        expected.addAll(commitFile(table, 2, 11, 20));
        Map<String, Object> updated = order("acme", 15);
        updated.put("qty", -1);
        expected.set(14, updated);

        CopyOnWrite.Result r = apply(table, Map.of(List.of("acme", 15L), updated), Set.of());
        DeltaCommitter.commit(engine, table, "test", 3, r.actions);

        assertThat(r.filesRead).isEqualTo(1);
        assertThat(r.filesRewritten).isEqualTo(1);
        assertThat(r.rowsKept).isEqualTo(9);
        assertThat(comparable(DeltaFiles.readAll(engine, table))).containsExactlyInAnyOrderElementsOf(comparable(expected));
    }

    @Test
    void deleteLeavesNoRowAndAKeyInNoFileRewritesNothing() {
        String table = DeltaFixtures.ordersTable(engine, dir);
        List<Map<String, Object>> rows = new ArrayList<>(commitFile(table, 1, 1, 10));
        Map<List<Object>, Map<String, Object>> changes = new LinkedHashMap<>();
        changes.put(List.of("acme", 3L), null);
        changes.put(List.of("globex", 3L), null); // another partition: no file there
        changes.put(List.of("acme", 99L), null); // outside every file's key range

        CopyOnWrite.Result r = apply(table, changes, Set.of());
        DeltaCommitter.commit(engine, table, "test", 2, r.actions);

        rows.remove(2);
        assertThat(r.filesRewritten).isEqualTo(1);
        assertThat(comparable(DeltaFiles.readAll(engine, table))).containsExactlyInAnyOrderElementsOf(comparable(rows));
    }

    @Test
    void keysKnownToBeNewAreWrittenWithoutReadingAnyFile() {
        String table = DeltaFixtures.ordersTable(engine, dir);
        List<Map<String, Object>> rows = new ArrayList<>(commitFile(table, 1, 1, 10));
        Map<String, Object> fresh = order("acme", 5_000);

        CopyOnWrite.Result r = apply(table, Map.of(List.of("acme", 5_000L), fresh), Set.of(List.of("acme", 5_000L)));
        DeltaCommitter.commit(engine, table, "test", 2, r.actions);

        rows.add(fresh);
        assertThat(r.filesRead).isZero();
        assertThat(comparable(DeltaFiles.readAll(engine, table))).containsExactlyInAnyOrderElementsOf(comparable(rows));
    }

    @Test
    void smallFilesOfATouchedPartitionAreFoldedIntoOne() {
        String table = DeltaFixtures.ordersTable(engine, dir);
        List<Map<String, Object>> rows = new ArrayList<>();
        for (int v = 1; v <= 4; v++) {
            rows.addAll(commitFile(table, v, v * 10, v * 10 + 2));
        }
        Map<String, Object> fresh = order("acme", 7_000);

        CopyOnWrite.Result r = CopyOnWrite.apply(engine, DeltaTables.snapshot(engine, table),
                DeltaFiles.liveFiles(engine, table), Map.of(List.of("acme", 7_000L), fresh), Set.of(), 1L << 20,
                System.currentTimeMillis());
        DeltaCommitter.commit(engine, table, "test", 5, r.actions);

        rows.add(fresh);
        assertThat(DeltaFiles.liveFiles(engine, table)).hasSize(1);
        assertThat(comparable(DeltaFiles.readAll(engine, table))).containsExactlyInAnyOrderElementsOf(comparable(rows));
    }

    @Test
    void addedColumnReadsNullInOldFilesAndTakesNewValues() {
        String table = DeltaFixtures.ordersTable(engine, dir);
        commitFile(table, 1, 1, 2);
        List<dev.changelake.schema.TableSchema.Column> columns = new ArrayList<>(DeltaFixtures.ORDERS.columns());
        columns.add(new dev.changelake.schema.TableSchema.Column("note", dev.changelake.schema.ColumnType.of(
                dev.changelake.schema.ColumnType.Kind.STRING), true));
        dev.changelake.schema.TableSchema wider = new dev.changelake.schema.TableSchema(DeltaFixtures.ORDERS.table(),
                columns, DeltaFixtures.ORDERS.primaryKey());

        assertThat(DeltaTables.addColumns(engine, table, wider)).containsExactly("note");
        Map<String, Object> noted = order("acme", 3);
        noted.put("note", "hello");
        DeltaCommitter.commit(engine, table, "test", 2, apply(table, Map.of(List.of("acme", 3L), noted), Set.of()).actions);

        Map<Object, Object> notes = new java.util.HashMap<>();
        DeltaFiles.readAll(engine, table).forEach(r -> notes.put(r.get("id"), r.get("note")));
        assertThat(notes).containsEntry(1L, null).containsEntry(2L, null).containsEntry(3L, "hello");
        assertThat(DeltaTables.addColumns(engine, table, wider)).isEmpty();
    }
}
