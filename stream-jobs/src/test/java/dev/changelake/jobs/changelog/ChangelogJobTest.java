package dev.changelake.jobs.changelog;

import static org.assertj.core.api.Assertions.assertThat;
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

    private static ChangelogJobOptions mirroring(java.nio.file.Path dir) {
        return ChangelogJobOptions.builder().bootstrapServers("127.0.0.1:9").databases(List.of("shop"))
                .catalog(new CatalogOptions("lake", CatalogOptions.Type.JDBC, dir.resolve("warehouse").toUri().toString(),
                        Map.of("uri", "jdbc:sqlite:" + dir.resolve("catalog.db"), "jdbc.schema-version", "V1")))
                .checkpointDir(dir.resolve("checkpoints").toUri().toString())
                .checkpointInterval(java.time.Duration.ofSeconds(7)).parallelism(3).tolerableCheckpointFailures(5).build();
    }

    @Test
    void onARuntimeThatOwnsCheckpointingTheJobLeavesItsSettingsAlone(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) {
        org.apache.flink.streaming.api.environment.StreamExecutionEnvironment env =
                org.apache.flink.streaming.api.environment.StreamExecutionEnvironment.getExecutionEnvironment();
        int runtimeParallelism = env.getParallelism();

        ChangelogJob.build(env, mirroring(dir), dev.changelake.schema.ChangeDecoders.forEncoding(
                dev.changelake.schema.Encoding.JSON, null), Map.of(), true);

        assertThat(env.getParallelism()).isEqualTo(runtimeParallelism);
        assertThat(env.getCheckpointConfig().isCheckpointingEnabled()).isFalse();
        assertThat(env.getCheckpointConfig().getCheckpointStorage()).isNull();
        assertThat(env.getStateBackend()).isNull();
        // job-level settings still apply
        assertThat(env.getCheckpointConfig().getTolerableCheckpointFailureNumber()).isEqualTo(5);
    }

    @Test
    void elsewhereTheJobSetsCheckpointingParallelismAndStateBackend(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) {
        org.apache.flink.streaming.api.environment.StreamExecutionEnvironment env =
                org.apache.flink.streaming.api.environment.StreamExecutionEnvironment.getExecutionEnvironment();

        ChangelogJob.build(env, mirroring(dir), dev.changelake.schema.ChangeDecoders.forEncoding(
                dev.changelake.schema.Encoding.JSON, null), Map.of());

        assertThat(env.getParallelism()).isEqualTo(3);
        assertThat(env.getCheckpointConfig().getCheckpointInterval()).isEqualTo(7_000);
        assertThat(env.getCheckpointConfig().getCheckpointStorage()).isNotNull();
        assertThat(env.getStateBackend()).isNotNull();
    }

    @Test
    void tableResolverConnectsWithTheClustersSecuritySettings(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) {
        ChangelogJobOptions options = mirroring(dir).toBuilder()
                .kafkaProperties(Map.of("security.protocol", "SASL_SSL", "sasl.mechanism", "AWS_MSK_IAM")).build();

        assertThat(TableResolver.consumerProperties(options)).containsEntry("security.protocol", "SASL_SSL")
                .containsEntry("sasl.mechanism", "AWS_MSK_IAM").containsEntry("bootstrap.servers", "127.0.0.1:9");
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
