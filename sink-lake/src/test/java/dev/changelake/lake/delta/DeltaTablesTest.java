package dev.changelake.lake.delta;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.changelake.schema.ColumnType;
import dev.changelake.schema.TableSchema;
import io.delta.kernel.Snapshot;
import io.delta.kernel.engine.Engine;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DeltaTablesTest {
    final Engine engine = DeltaFixtures.engine();

    @TempDir
    Path dir;

    @Test
    void createdTableHasSchemaPartitionColumnsAndProperties() {
        String path = dir.resolve("t").toString();

        boolean created = DeltaTables.create(engine, path, DeltaFixtures.ORDERS, List.of("tenant"),
                Map.of("delta.appendOnly", "false", "changelake.source", "shop.orders"));

        assertThat(created).isTrue();
        Snapshot s = DeltaTables.snapshot(engine, path);
        assertThat(s.getVersion()).isZero();
        // Read back as created, but a TIME column reads as its storage, LONG microseconds.
        assertThat(DeltaTables.tableSchema(s, DeltaFixtures.ORDERS.table()).toString())
                .isEqualTo(DeltaFixtures.ORDERS.toString().replace("wait TIME", "wait LONG"));
        assertThat(s.getPartitionColumnNames()).containsExactly("tenant");
        assertThat(s.getTableProperties()).containsEntry("changelake.source", "shop.orders")
                .containsEntry(DeltaTables.PRIMARY_KEY_PROPERTY, "tenant,id")
                .containsEntry("delta.columnMapping.mode", "name");
    }

    @Test
    void creatingAnExistingTableIsANoOp() {
        String path = dir.resolve("t").toString();
        DeltaTables.create(engine, path, DeltaFixtures.ORDERS, List.of("tenant"), Map.of());
        TableSchema other = new TableSchema(DeltaFixtures.ORDERS.table(),
                List.of(new TableSchema.Column("x", ColumnType.of(ColumnType.Kind.INT), false)), List.of("x"));

        boolean created = DeltaTables.create(engine, path, other, List.of(), Map.of());

        assertThat(created).isFalse();
        Snapshot s = DeltaTables.snapshot(engine, path);
        assertThat(s.getVersion()).isZero();
        assertThat(s.getSchema().fieldNames()).contains("tenant", "id");
    }

    @Test
    void unknownPartitionColumnIsRefusedByName() {
        String path = dir.resolve("t").toString();

        assertThatThrownBy(() -> DeltaTables.create(engine, path, DeltaFixtures.ORDERS, List.of("region"), Map.of()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'region'");
        assertThat(DeltaTables.latest(engine, path)).isEmpty();
    }

    @Test
    void noTableIsEmptyNotAnError() {
        assertThat(DeltaTables.latest(engine, dir.resolve("none").toString())).isEmpty();
    }
}
