package dev.changelake.jobs.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.changelake.jobs.changelog.ChangelogJobOptions;
import dev.changelake.lake.catalog.CatalogOptions;
import dev.changelake.schema.TableId;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PipelineConfigLoaderTest {
    static final String VALID = String.join("\n",
            "source:",
            "  database: {flavour: mysql, hostname: db.internal, port: 3307, user: cdc, password: '${env:DB_PASSWORD}'}",
            "  kafka: {bootstrap-servers: 'b-1:9092'}",
            "  databases: [shop]",
            "  tables: [crm.accounts]",
            "lake:",
            "  catalog: {type: glue, warehouse: 's3://bucket/warehouse', properties: {glue.skip-name-validation: 'true'}}",
            "checkpoint: {interval: 45s, dir: 's3://bucket/checkpoints'}",
            "job: {parallelism: 4}",
            "");

    @TempDir
    Path dir;

    private final PipelineConfigLoader loader = new PipelineConfigLoader(Map.of("DB_PASSWORD", "s3cret")::get);

    private Path write(String yaml) throws Exception {
        return Files.writeString(dir.resolve("pipeline.yaml"), yaml);
    }

    @Test
    void validFileGivesEveryStageItsOptions() throws Exception {
        Pipeline p = loader.load(write(VALID));

        ChangelogJobOptions job = p.jobOptions();
        assertThat(job.bootstrapServers()).isEqualTo("b-1:9092");
        assertThat(job.databases()).containsExactly("shop");
        assertThat(job.tables()).containsExactly(new TableId("crm", "accounts"));
        assertThat(job.catalog().type()).isEqualTo(CatalogOptions.Type.GLUE);
        assertThat(job.checkpointDir()).isEqualTo("s3://bucket/checkpoints");
        assertThat(p.captureOptions().connectorName()).isEqualTo("changelake-capture");
        assertThat(p.sourcePassword()).isEqualTo("s3cret");
        assertThat(p.sourceJdbcUrl()).isEqualTo("jdbc:mariadb://db.internal:3307/");
        assertThat(job.tablesWithoutPrimaryKey()).isEqualTo(ChangelogJobOptions.TablesWithoutPrimaryKey.REFUSE);
        assertThat(job.deadLetterTopic()).isEqualTo("changelake.dead-letters");
    }

    @Test
    void unknownKeyIsRefusedWithItsPathAndTheAcceptedKeys() throws Exception {
        String typo = VALID.replace("bootstrap-servers:", "bootstrap-server:");
        assertThatThrownBy(() -> loader.load(write(typo)))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("source.kafka.bootstrap-server: unknown key; accepted here: bootstrap-servers, group-id");
    }

    @Test
    void everyProblemIsReportedAtOnceWithPathValueAndWhatIsAccepted() throws Exception {
        String bad = VALID.replace("flavour: mysql", "flavour: postgres").replace("interval: 45s", "interval: soon")
                .replace("job: {parallelism: 4}", "job: {parallelism: 0}").replace("type: glue", "type: hive");
        assertThatThrownBy(() -> loader.load(write(bad)))
                .isInstanceOf(ConfigException.class)
                .satisfies(e -> assertThat(((ConfigException) e).problems()).containsExactlyInAnyOrder(
                        "source.database.flavour: 'postgres' is not one of mysql, mariadb",
                        "lake.catalog.type: 'hive' is not one of jdbc, glue, rest",
                        "checkpoint.interval: 'soon' is not a duration (e.g. 30s, 2min, 500ms)",
                        "job.parallelism: 0 must be at least 1"));
    }

    @Test
    void missingRequiredValuesAndAnUnsetSecretRefuseToStart() throws Exception {
        String bad = VALID.replace("hostname: db.internal, ", "").replace("databases: [shop]", "databases: []")
                .replace("tables: [crm.accounts]", "tables: []");
        PipelineConfigLoader noEnv = new PipelineConfigLoader(name -> null);
        assertThatThrownBy(() -> noEnv.load(write(bad)))
                .isInstanceOf(ConfigException.class)
                .satisfies(e -> assertThat(((ConfigException) e).problems()).contains(
                        "source.database.hostname: required",
                        "source.database.password: environment variable DB_PASSWORD is not set")
                        .anyMatch(m -> m.startsWith("source: name the tables to mirror")));
    }

    @Test
    void tablesWithoutPrimaryKeyRuleIsChosenByConfig() throws Exception {
        String append = VALID.replace("  tables: [crm.accounts]", "  tables: [crm.accounts]\n  tables-without-primary-key: append");
        assertThat(loader.load(write(append)).jobOptions().tablesWithoutPrimaryKey())
                .isEqualTo(ChangelogJobOptions.TablesWithoutPrimaryKey.APPEND);
        String bad = VALID.replace("  tables: [crm.accounts]", "  tables: [crm.accounts]\n  tables-without-primary-key: ignore");
        assertThatThrownBy(() -> loader.load(write(bad)))
                .hasMessageContaining("source.tables-without-primary-key: 'ignore' is not one of refuse, append");
    }

    @Test
    void avroEncodingNeedsTheSchemaStoreAndGetsTheAvroDecoder() throws Exception {
        String avro = VALID.replace("  tables: [crm.accounts]", "  tables: [crm.accounts]\n  encoding: avro");
        assertThatThrownBy(() -> loader.load(write(avro))).hasMessageContaining("source.avro-schema-store: required with encoding avro");
        String withStore = avro.replace("  encoding: avro", "  encoding: avro\n  avro-schema-store: 'file:///tmp/schemas'");
        Pipeline p = loader.load(write(withStore));
        assertThat(p.captureOptions().avroSchemaStore()).hasToString("file:///tmp/schemas");
        assertThat(p.decoder().getClass().getSimpleName()).isEqualTo("DebeziumAvroDecoder");
    }

    @Test
    void deadLetterTopicIsConfigurableAndMustBeATopicName() throws Exception {
        assertThat(loader.load(write(VALID + "dead-letters: {topic: shop.rejects}\n")).jobOptions().deadLetterTopic())
                .isEqualTo("shop.rejects");
        assertThatThrownBy(() -> loader.load(write(VALID + "dead-letters: {topic: 'no spaces'}\n")))
                .hasMessageContaining("dead-letters.topic: 'no spaces' is not a Kafka topic name");
    }

    @Test
    void tableWithoutDatabaseIsRefusedWithTheExpectedForm() throws Exception {
        assertThatThrownBy(() -> loader.load(write(VALID.replace("crm.accounts", "accounts"))))
                .hasMessageContaining("source.tables[0]: table 'accounts' must be written as <database>.<table>");
    }

    @Test
    void wrongValueTypeNamesThePath() throws Exception {
        assertThatThrownBy(() -> loader.load(write(VALID.replace("port: 3307", "port: many"))))
                .hasMessageContaining("source.database.port");
    }
}
