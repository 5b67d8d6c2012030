package dev.changelake.jobs.changelog;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.changelake.jobs.clean.CleaningRules;
import dev.changelake.lake.catalog.CatalogOptions;
import dev.changelake.lake.iceberg.PartitionTransforms;
import dev.changelake.schema.ColumnType;
import dev.changelake.schema.TableId;
import dev.changelake.schema.TableSchema;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ChangelogJobTest {
    static final TableId ORDERS = new TableId("shop", "orders");
    static final TableSchema SCHEMA = new TableSchema(ORDERS, List.of(
            new TableSchema.Column("id", ColumnType.of(ColumnType.Kind.LONG), false),
            new TableSchema.Column("status", ColumnType.of(ColumnType.Kind.STRING), true),
            new TableSchema.Column("created_at", ColumnType.of(ColumnType.Kind.TIMESTAMP), true)), List.of("id"));

    private static ChangelogJobOptions options(TableOptions entry) {
        return ChangelogJobOptions.builder().bootstrapServers("127.0.0.1:9").tableOptions(List.of(entry))
                .catalog(new CatalogOptions("lake", CatalogOptions.Type.JDBC, "file:///tmp/none", Map.of()))
                .checkpointDir("file:///tmp/none").build();
    }

    @Test
    void startIsRefusedWhenACleaningRuleDoesNotFitTheTablesColumns() {
        TableOptions entry = new TableOptions(ORDERS, null, null, null, PartitionTransforms.parse(List.of()), Map.of(),
                SchemaEvolution.EVOLVE, CleaningRules.of("stauts <> 'TEST'", Map.of(), List.of()));

        assertThatThrownBy(() -> ChangelogJob.checkTables(options(entry), Map.of(ORDERS, SCHEMA)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("tables entry shop.orders, table shop.orders")
                .hasMessageContaining("stauts")
                .hasMessageContaining("available columns");
    }

    @Test
    void startIsRefusedWhenAnUpsertTableIsPartitionedByAColumnOutsideItsKey() {
        TableOptions entry = new TableOptions(null, java.util.regex.Pattern.compile("shop\\..*"), null, null,
                PartitionTransforms.parse(List.of("days(created_at)")), Map.of(), SchemaEvolution.EVOLVE,
                CleaningRules.of(null, Map.of(), List.of()));

        assertThatThrownBy(() -> ChangelogJob.checkTables(options(entry), Map.of(ORDERS, SCHEMA)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("reads column 'created_at', which is not in the primary key [id]")
                .hasMessageContaining("bucket(16, id)");
    }
}
