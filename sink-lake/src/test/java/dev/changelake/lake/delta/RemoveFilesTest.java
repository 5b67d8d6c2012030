package dev.changelake.lake.delta;

import static dev.changelake.lake.delta.DeltaFixtures.order;
import static org.assertj.core.api.Assertions.assertThat;

import io.delta.kernel.data.Row;
import io.delta.kernel.engine.Engine;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The canary for Kernel's internal classes behind {@link RemoveFiles}: if a Kernel upgrade changes AddFile or
 * SingleAction, this fails to compile or fails here. Do not upgrade Kernel without it passing.
 */
class RemoveFilesTest {
    final Engine engine = DeltaFixtures.engine();

    @TempDir
    Path dir;

    @Test
    void removeActionNamesTheLiveFile() {
        String table = DeltaFixtures.ordersTable(engine, dir);
        DeltaCommitter.commit(engine, table, "test", 1, DeltaFiles.write(engine, table, List.of(order("acme", 1))));
        DeltaFiles.LiveFile file = DeltaFiles.liveFiles(engine, table).get(0);

        Row action = RemoveFiles.removeAction(file, 1_234L);

        Row remove = action.getStruct(action.getSchema().indexOf("remove"));
        assertThat(action.isNullAt(action.getSchema().indexOf("add"))).isTrue();
        assertThat(remove.getString(remove.getSchema().indexOf("path"))).isEqualTo(file.path());
        assertThat(remove.getBoolean(remove.getSchema().indexOf("dataChange"))).isTrue();
        assertThat(remove.getLong(remove.getSchema().indexOf("deletionTimestamp"))).isEqualTo(1_234L);
        assertThat(remove.getLong(remove.getSchema().indexOf("size"))).isEqualTo(file.size());
    }

    @Test
    void committedRemoveIsWrittenToTheLogAndHidesTheFilesRows() throws Exception {
        String table = DeltaFixtures.ordersTable(engine, dir);
        DeltaCommitter.commit(engine, table, "test", 1, DeltaFiles.write(engine, table, List.of(order("acme", 1))));
        DeltaCommitter.commit(engine, table, "test", 2, DeltaFiles.write(engine, table, List.of(order("acme", 2))));
        DeltaFiles.LiveFile first = DeltaFiles.liveFiles(engine, table).stream()
                .filter(f -> f.read(engine).get(0).get("id").equals(1L)).findFirst().orElseThrow();

        DeltaCommitter.Outcome outcome = DeltaCommitter.commit(engine, table, "test", 3,
                List.of(RemoveFiles.removeAction(first, System.currentTimeMillis())));

        assertThat(outcome).isEqualTo(DeltaCommitter.Outcome.COMMITTED);
        assertThat(DeltaFiles.readAll(engine, table)).extracting(r -> r.get("id")).containsExactly(2L);
        String commit3 = Files.readString(dir.resolve("orders/_delta_log/00000000000000000003.json"));
        assertThat(commit3).contains("\"remove\":{\"path\":\"" + first.path() + "\"");
        try (Stream<Path> data = Files.walk(dir.resolve("orders"))) {
            // Removal is logical: the Parquet file stays until vacuum.
            assertThat(data.filter(p -> p.toString().endsWith(".parquet")).count()).isEqualTo(2);
        }
    }
}
