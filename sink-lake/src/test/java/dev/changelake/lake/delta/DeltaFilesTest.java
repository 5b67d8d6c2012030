package dev.changelake.lake.delta;

import static dev.changelake.lake.delta.DeltaFixtures.comparable;
import static dev.changelake.lake.delta.DeltaFixtures.order;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.delta.kernel.data.Row;
import io.delta.kernel.engine.Engine;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DeltaFilesTest {
    final Engine engine = DeltaFixtures.engine();

    @TempDir
    Path dir;

    @Test
    void everyColumnKindRoundTripsThroughParquet() {
        String table = DeltaFixtures.ordersTable(engine, dir);
        Map<String, Object> withNulls = order("acme", 3);
        for (String c : List.of("qty", "paid", "ratio", "weight", "amount", "flags", "ship_date", "wait",
                "created_at")) {
            withNulls.put(c, null);
        }
        List<Map<String, Object>> rows = List.of(order("acme", 1), order("acme", 2), withNulls);

        List<Row> adds = DeltaFiles.write(engine, table, rows);
        DeltaCommitter.commit(engine, table, "test", 1, adds);

        assertThat(comparable(DeltaFiles.readAll(engine, table))).containsExactlyInAnyOrderElementsOf(comparable(rows));
    }

    @Test
    void writtenFilesAreInvisibleUntilCommitted() {
        String table = DeltaFixtures.ordersTable(engine, dir);

        List<Row> adds = DeltaFiles.write(engine, table, List.of(order("acme", 1)));

        assertThat(adds).hasSize(1);
        assertThat(DeltaFiles.liveFiles(engine, table)).isEmpty();
    }

    @Test
    void rowsAreWrittenOneFileSetPerPartition() {
        String table = DeltaFixtures.ordersTable(engine, dir);

        List<Row> adds = DeltaFiles.write(engine, table,
                List.of(order("acme", 1), order("globex", 2), order("acme", 3)));
        DeltaCommitter.commit(engine, table, "test", 1, adds);

        List<DeltaFiles.LiveFile> files = DeltaFiles.liveFiles(engine, table);
        assertThat(files).hasSize(2);
        Map<String, List<Object>> idsByTenant = new HashMap<>();
        for (DeltaFiles.LiveFile f : files) {
            List<Object> ids = new ArrayList<>();
            f.read(engine).forEach(r -> ids.add(r.get("id")));
            idsByTenant.put(f.partitionValues().get("tenant"), ids);
        }
        assertThat(idsByTenant).containsOnlyKeys("acme", "globex");
        assertThat(idsByTenant.get("acme")).containsExactlyInAnyOrder(1L, 3L);
        assertThat(idsByTenant.get("globex")).containsExactly(2L);
    }

    @Test
    void filesCarryKeyStatisticsForCandidatePruning() {
        String table = DeltaFixtures.ordersTable(engine, dir);
        DeltaCommitter.commit(engine, table, "test", 1,
                DeltaFiles.write(engine, table, List.of(order("acme", 7), order("acme", 42), order("acme", 13))));

        DeltaFiles.LiveFile file = DeltaFiles.liveFiles(engine, table).get(0);

        assertThat(file.statsJson()).isPresent();
        String stats = file.statsJson().get();
        assertThat(stats).contains("\"numRecords\":3").contains("\"minValues\":{").contains("\"maxValues\":{");
        // Keyed by physical name: the table maps columns by name.
        String id = DeltaLayout.of(DeltaTables.snapshot(engine, table)).physicalName("id");
        assertThat(id).startsWith("col-");
        assertThat(stats.substring(stats.indexOf("minValues"))).contains("\"" + id + "\":7");
        assertThat(stats.substring(stats.indexOf("maxValues"))).contains("\"" + id + "\":42");
    }

    @Test
    void partitionValuesThatNeedEscapingReadBack() {
        String table = DeltaFixtures.ordersTable(engine, dir);
        List<Map<String, Object>> rows = List.of(order("a b/c%d=e", 1), order("ü:x", 2));

        DeltaCommitter.commit(engine, table, "test", 1, DeltaFiles.write(engine, table, rows));

        assertThat(comparable(DeltaFiles.readAll(engine, table))).containsExactlyInAnyOrderElementsOf(comparable(rows));
        assertThat(DeltaFiles.liveFiles(engine, table)).extracting(f -> f.partitionValues().get("tenant"))
                .containsExactlyInAnyOrder("a b/c%d=e", "ü:x");
    }

    @Test
    void timestampStatisticsAreTruncatedToMilliseconds() {
        // Pins a Kernel 4.4 fact that candidate-file pruning on a timestamp key must allow for (max + 1 ms).
        String table = DeltaFixtures.ordersTable(engine, dir);
        Map<String, Object> row = order("acme", 1);
        row.put("updated_at", 1_700_000_000_123_456L);
        DeltaCommitter.commit(engine, table, "test", 1, DeltaFiles.write(engine, table, List.of(row)));

        String stats = DeltaFiles.liveFiles(engine, table).get(0).statsJson().orElseThrow();

        String updatedAt = DeltaLayout.of(DeltaTables.snapshot(engine, table)).physicalName("updated_at");
        assertThat(stats).contains("\"" + updatedAt + "\":\"2023-11-14T22:13:20.123Z\"").doesNotContain("123456");
    }

    @Test
    void missingNotNullValueIsRefusedBeforeWriting() {
        String table = DeltaFixtures.ordersTable(engine, dir);
        Map<String, Object> row = order("acme", 1);
        row.remove("updated_at");

        assertThatThrownBy(() -> DeltaFiles.write(engine, table, List.of(row)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'updated_at'");
        try (java.util.stream.Stream<Path> files = java.nio.file.Files.walk(dir)) {
            assertThat(files.filter(p -> p.toString().endsWith(".parquet"))).isEmpty();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void emptyBatchWritesNothing() {
        String table = DeltaFixtures.ordersTable(engine, dir);

        assertThat(DeltaFiles.write(engine, table, List.of())).isEmpty();
    }
}
