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
    void iamSecurityReachesEveryKafkaClientAndExplicitPropertiesWin() throws Exception {
        String iam = VALID.replace("kafka: {bootstrap-servers: 'b-1:9092'}",
                "kafka: {bootstrap-servers: 'b-1:9098', security: iam, properties: {ssl.endpoint.identification.algorithm: https, sasl.mechanism: AWS_MSK_IAM_X}}");

        Pipeline p = loader.load(write(iam));

        assertThat(p.jobOptions().kafkaProperties())
                .containsEntry("security.protocol", "SASL_SSL")
                .containsEntry("sasl.jaas.config", "software.amazon.msk.auth.iam.IAMLoginModule required;")
                .containsEntry("sasl.client.callback.handler.class", "software.amazon.msk.auth.iam.IAMClientCallbackHandler")
                .containsEntry("ssl.endpoint.identification.algorithm", "https")
                .containsEntry("sasl.mechanism", "AWS_MSK_IAM_X");
        Map<String, String> connector = dev.changelake.ingest.DebeziumConnectorConfig.render(p.captureOptions());
        assertThat(connector)
                .containsEntry("schema.history.internal.producer.security.protocol", "SASL_SSL")
                .containsEntry("schema.history.internal.consumer.security.protocol", "SASL_SSL")
                .containsEntry("schema.history.internal.consumer.sasl.client.callback.handler.class",
                        "software.amazon.msk.auth.iam.IAMClientCallbackHandler");
    }

    @Test
    void missingTopicsAndLakeStartTimeoutReachTheJobAndBadValuesAreNamed() throws Exception {
        ChangelogJobOptions defaults = loader.load(write(VALID)).jobOptions();
        assertThat(defaults.missingTopics()).isEqualTo(ChangelogJobOptions.MissingTopics.WAIT);
        assertThat(defaults.lakeStartTimeout()).isEqualTo(java.time.Duration.ofMinutes(2));

        ChangelogJobOptions set = loader.load(write(VALID
                .replace("kafka: {bootstrap-servers: 'b-1:9092'}", "kafka: {bootstrap-servers: 'b-1:9092', missing-topics: fail}")
                .replace("lake:\n", "lake:\n  start-timeout: 30s\n"))).jobOptions();
        assertThat(set.missingTopics()).isEqualTo(ChangelogJobOptions.MissingTopics.FAIL);
        assertThat(set.lakeStartTimeout()).isEqualTo(java.time.Duration.ofSeconds(30));

        assertThatThrownBy(() -> loader.load(write(VALID
                .replace("kafka: {bootstrap-servers: 'b-1:9092'}", "kafka: {bootstrap-servers: 'b-1:9092', missing-topics: ignore}")
                .replace("lake:\n", "lake:\n  start-timeout: later\n"))))
                .isInstanceOf(ConfigException.class)
                .satisfies(e -> assertThat(((ConfigException) e).problems()).contains(
                        "source.kafka.missing-topics: 'ignore' is not one of fail, wait",
                        "lake.start-timeout: 'later' is not a duration (e.g. 30s, 2min, 500ms)"));
    }

    @Test
    void tlsSecurityAndUnknownSecurityNamed() throws Exception {
        Pipeline tls = loader.load(write(VALID.replace("bootstrap-servers: 'b-1:9092'", "bootstrap-servers: 'b-1:9094', security: tls")));
        assertThat(tls.jobOptions().kafkaProperties()).containsExactlyEntriesOf(Map.of("security.protocol", "SSL"));
        assertThat(loader.load(write(VALID)).jobOptions().kafkaProperties()).isEmpty();

        assertThatThrownBy(() -> loader.load(write(VALID.replace("bootstrap-servers: 'b-1:9092'", "bootstrap-servers: 'b-1:9092', security: sasl"))))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("source.kafka.security: 'sasl' is not one of plaintext, tls, iam");
    }

    @Test
    void unknownKeyIsRefusedWithItsPathAndTheAcceptedKeys() throws Exception {
        String typo = VALID.replace("bootstrap-servers:", "bootstrap-server:");
        assertThatThrownBy(() -> loader.load(write(typo)))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("source.kafka.bootstrap-server: unknown key; accepted here: bootstrap-servers, group-id, missing-topics, properties, security, topic-discovery-interval");
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
    void aSignalTableReachesTheCaptureAndMustNameItsDatabase() throws Exception {
        String withSignals = VALID.replace("  databases: [shop]", "  databases: [shop]\n  signal-table: ops.changelake_signal");
        assertThat(loader.load(write(withSignals)).captureOptions().signalTable()).isEqualTo("ops.changelake_signal");
        assertThatThrownBy(() -> loader.load(write(withSignals.replace("ops.changelake_signal", "changelake_signal"))))
                .hasMessageContaining("source.signal-table: table 'changelake_signal' must be written as <database>.<table>");
    }

    @Test
    void wrongValueTypeNamesThePath() throws Exception {
        assertThatThrownBy(() -> loader.load(write(VALID.replace("port: 3307", "port: many"))))
                .hasMessageContaining("source.database.port");
    }

    static final String TABLES = String.join("\n",
            "tables:",
            "  - name: shop.accounts",
            "    namespace: crm",
            "    table: accounts_masked",
            "    partition-by: ['bucket(16, id)']",
            "    properties: {write.target-file-size-bytes: '134217728'}",
            "    schema-evolution: fail",
            "    filter: \"status <> 'TEST'\"",
            "    columns: {email: 'lower(trim(email))', ssn: 'mask(ssn)'}",
            "    drop: [internal_flag]",
            "  - regex: 'shop\\.item_[0-9]+'",
            "");

    @Test
    void tableEntriesByNameAndRegexCarryTheirLakeNameRulesAndModes() throws Exception {
        ChangelogJobOptions job = loader.load(write(VALID + TABLES)).jobOptions();

        TableId accounts = new TableId("shop", "accounts");
        assertThat(job.mirrors(accounts)).isTrue();
        assertThat(job.mirrors(new TableId("shop", "item_12"))).isTrue();
        assertThat(job.lakeTableOf(accounts).toString()).isEqualTo("crm.accounts_masked");
        assertThat(job.optionsFor(accounts).schemaEvolution()).isEqualTo(dev.changelake.jobs.changelog.SchemaEvolution.FAIL);
        assertThat(job.optionsFor(accounts).partitionBy().sourceColumns()).containsExactly("id");
        assertThat(job.optionsFor(accounts).cleaning().isEmpty()).isFalse();
        assertThat(job.optionsFor(new TableId("shop", "item_3")).schemaEvolution())
                .as("the lake-wide default").isEqualTo(dev.changelake.jobs.changelog.SchemaEvolution.EVOLVE);
        assertThat(job.topicPattern().matcher("changelake.shop.item_7").matches()).isTrue();
        assertThat(job.topicPattern().matcher("changelake.crm.accounts").matches()).isTrue();
        assertThat(job.topicPattern().matcher("changelake.other.item_7").matches()).isFalse();
    }

    @Test
    void deltaFormatPerTableWithItsLocationAndS3SettingsFromTheCatalog() throws Exception {
        String yaml = VALID.replace("properties: {glue.skip-name-validation: 'true'}",
                "properties: {s3.endpoint: 'http://127.0.0.1:9000', s3.access-key-id: ak}")
                .replace("lake:\n", "lake:\n  format: delta\n  delta: {vacuum-retention: 2d}\n") + String.join("\n",
                "tables:",
                "  - name: shop.orders",
                "    format: both",
                "    partition-by: [tenant]",
                "  - name: shop.items",
                "    format: iceberg",
                "");
        ChangelogJobOptions job = loader.load(write(yaml)).jobOptions();

        assertThat(job.formatOf(new TableId("shop", "orders"))).isEqualTo(dev.changelake.jobs.changelog.LakeFormat.BOTH);
        assertThat(job.formatOf(new TableId("shop", "items"))).isEqualTo(dev.changelake.jobs.changelog.LakeFormat.ICEBERG);
        assertThat(job.formatOf(new TableId("shop", "other"))).as("lake.format").isEqualTo(dev.changelake.jobs.changelog.LakeFormat.DELTA);
        assertThat(job.deltaPathOf(new TableId("shop", "orders"))).isEqualTo("s3://bucket/warehouse/delta/shop/orders");
        assertThat(job.delta().vacuumRetention()).isEqualTo(java.time.Duration.ofDays(2));
        assertThat(job.delta().hadoopConf(job.catalog())).containsEntry("fs.s3a.endpoint", "http://127.0.0.1:9000")
                .containsEntry("fs.s3a.access.key", "ak").containsEntry("fs.s3a.connection.ssl.enabled", "false")
                .containsEntry("fs.s3.impl", "org.apache.hadoop.fs.s3a.S3AFileSystem");
    }

    @Test
    void maintenanceIsConfiguredInLakeAndItsNamespacesAreThePipelines() throws Exception {
        String yaml = VALID.replace("lake:\n", "lake:\n  maintenance: {interval: 30min, compact: false, retain-last: 3, "
                + "snapshot-max-age: 2d, orphan-min-age: 1h}\n") + String.join("\n",
                "dead-letters: {table: ops.dead_letters}",
                "tables:",
                "  - name: shop.orders",
                "    namespace: sales",
                "");
        Pipeline p = loader.load(write(yaml));

        dev.changelake.lake.maintain.MaintenanceOptions m = p.maintenance();
        assertThat(m.enabled()).isTrue();
        assertThat(m.interval()).isEqualTo(java.time.Duration.ofMinutes(30));
        assertThat(m.compact()).isFalse();
        assertThat(m.rewriteManifests()).isTrue();
        assertThat(m.retainLast()).isEqualTo(3);
        assertThat(m.snapshotMaxAge()).isEqualTo(java.time.Duration.ofDays(2));
        assertThat(m.orphanMinAge()).isEqualTo(java.time.Duration.ofHours(1));
        assertThat(m.targetFileBytes()).isEqualTo(128L << 20);
        assertThat(p.jobOptions().lakeNamespaces()).containsExactlyInAnyOrder("shop", "crm", "sales", "ops");
        assertThat(loader.load(write(VALID)).maintenance().orphanMinAge()).isEqualTo(java.time.Duration.ofDays(3));
    }

    @Test
    void maintenanceThatCouldDeleteACheckpointsFilesRefusesToLoad() throws Exception {
        String yaml = VALID.replace("lake:\n", "lake:\n  maintenance: {orphan-min-age: 10min, retain-last: 0, "
                + "target-file-bytes: 1000}\n");
        assertThatThrownBy(() -> loader.load(write(yaml))).isInstanceOf(ConfigException.class)
                .hasMessageContaining("lake.maintenance.orphan-min-age: 10min is below 1h; files that young may belong "
                        + "to a checkpoint being written")
                .hasMessageContaining("lake.maintenance.retain-last: 0 must be at least 1")
                .hasMessageContaining("lake.maintenance.target-file-bytes: 1000 is below 1 MiB (1048576)");
    }

    @Test
    void deltaTableWithAnIcebergTransformIsRefusedWithTheFix() throws Exception {
        String yaml = VALID + String.join("\n",
                "tables:",
                "  - name: shop.orders",
                "    format: delta",
                "    partition-by: ['bucket(16, id)']",
                "");
        assertThatThrownBy(() -> loader.load(write(yaml))).isInstanceOf(ConfigException.class)
                .hasMessageContaining("tables[0].partition-by: partition field 'bucket(16, id)' is an Iceberg transform; "
                        + "Delta tables are partitioned by column values");
    }

    @Test
    void badTableEntriesAreRefusedWithTheirPathsAndTheFix() throws Exception {
        String bad = VALID + String.join("\n",
                "tables:",
                "  - name: shop.accounts",
                "    regex: 'shop\\..*'",
                "  - regex: 'shop\\.(item'",
                "  - name: shop.orders",
                "    partition-by: ['bucket(id)']",
                "    schema-evolution: sometimes",
                "    format: parquet",
                "  - name: shop.payments",
                "    filter: \"status <> 'TEST\"",
                "    columns: {email: 'lower(trim(email)'}",
                "");
        assertThatThrownBy(() -> loader.load(write(bad)))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("tables[0]: give either name (<db>.<table>) or regex")
                .hasMessageContaining("tables[1].regex: 'shop\\.(item' is not a regular expression")
                .hasMessageContaining("tables[2].partition-by: 'bucket(id)' is not a partition transform; accepted: ")
                .hasMessageContaining("tables[2].schema-evolution: 'sometimes' is not one of evolve, fail, ignore")
                .hasMessageContaining("tables[2].format: 'parquet' is not one of iceberg, delta, both")
                .hasMessageContaining("tables[3].filter")
                .hasMessageContaining("tables[3].columns.email");
    }

    @Test
    void propertyGroupsLoadTheSameKeysAsTheYamlFile() throws Exception {
        Map<String, java.util.Properties> groups = new java.util.LinkedHashMap<>();
        groups.put("source", props("database.flavour", "mysql", "database.hostname", "db.internal", "database.port", "3307",
                "database.user", "cdc", "database.password", "${env:DB_PASSWORD}", "kafka.bootstrap-servers", "b-1:9092",
                "databases.0", "shop", "tables.0", "crm.accounts"));
        groups.put("lake", props("catalog.type", "glue", "catalog.warehouse", "s3://bucket/warehouse",
                "catalog.properties[glue.skip-name-validation]", "true"));
        groups.put("checkpoint", props("interval", "45s", "dir", "s3://bucket/checkpoints"));
        groups.put("job", props("parallelism", "4"));
        groups.put("tables", props("0.name", "shop.accounts", "0.columns.email", "lower(email)", "0.schema-evolution", "ignore"));

        ChangelogJobOptions fromGroups = loader.load("runtime properties", groups).jobOptions();

        assertThat(fromGroups.databases()).containsExactly("shop");
        assertThat(fromGroups.tables()).containsExactly(new TableId("crm", "accounts"));
        assertThat(fromGroups.catalog().properties()).containsEntry("glue.skip-name-validation", "true");
        assertThat(fromGroups.optionsFor(new TableId("shop", "accounts")).schemaEvolution())
                .isEqualTo(dev.changelake.jobs.changelog.SchemaEvolution.IGNORE);
        assertThat(fromGroups.bootstrapServers()).isEqualTo(loader.load(write(VALID)).jobOptions().bootstrapServers());
    }

    private static java.util.Properties props(String... kv) {
        java.util.Properties p = new java.util.Properties();
        for (int i = 0; i < kv.length; i += 2) {
            p.setProperty(kv[i], kv[i + 1]);
        }
        return p;
    }

    @Test
    void offManagedFlinkTheRuntimePropertiesComeFromTheLocalJsonFile() throws Exception {
        Path groups = Files.writeString(dir.resolve("flink-application-properties-dev.json"), String.join("\n", "[",
                "{\"PropertyGroupId\": \"source\", \"PropertyMap\": {\"database.hostname\": \"db\", \"database.user\": \"cdc\",",
                "  \"kafka.bootstrap-servers\": \"b:9092\", \"databases.0\": \"shop\"}},",
                "{\"PropertyGroupId\": \"lake.catalog\", \"PropertyMap\": {\"warehouse\": \"s3://b/w\"}},",
                "{\"PropertyGroupId\": \"checkpoint\", \"PropertyMap\": {\"dir\": \"s3://b/c\"}}", "]"));

        ChangelogJobOptions job = loader.loadRuntimeProperties(groups).jobOptions();

        assertThat(job.bootstrapServers()).isEqualTo("b:9092");
        assertThat(job.databases()).containsExactly("shop");
    }

    @Test
    void deadLettersGoToATableWhenOneIsNamedButNotToBoth() throws Exception {
        assertThat(loader.load(write(VALID + "dead-letters: {table: ops.dead_letters}\n")).jobOptions().deadLetterTable())
                .isEqualTo("ops.dead_letters");
        assertThatThrownBy(() -> loader.load(write(VALID + "dead-letters: {table: dead_letters, topic: dl}\n")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("dead-letters: give topic or table, not both")
                .hasMessageContaining("dead-letters.table: 'dead_letters' is not <namespace>.<table>");
    }
}
