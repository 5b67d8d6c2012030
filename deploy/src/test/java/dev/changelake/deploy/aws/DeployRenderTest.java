package dev.changelake.deploy.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.changelake.deploy.cli.ChangelakeCli;
import dev.changelake.jobs.config.ApplicationProperties;
import dev.changelake.jobs.config.ConfigException;
import dev.changelake.jobs.config.Pipeline;
import dev.changelake.jobs.config.PipelineConfigLoader;
import dev.changelake.jobs.config.PropertyGroups;
import dev.changelake.lake.catalog.CatalogOptions;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DeployRenderTest {
    static final Path REPO = Path.of("..");
    static final Path EXAMPLE = REPO.resolve("deploy/aws/pipeline.example.yaml");
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    Map<String, String> render(Path config) throws Exception {
        return new DeployRender(DeployRender.Target.AWS, "prod/changelake/source-db")
                .render(config, DeployRender.pipelineTemplate(REPO));
    }

    Path variant(String from, String to) throws Exception {
        String yaml = Files.readString(EXAMPLE);
        assertThat(yaml).contains(from);
        return Files.writeString(dir.resolve("pipeline.yaml"), yaml.replace(from, to));
    }

    @Test
    void commandWritesParametersConnectorConfigRuntimePropertiesAndTheFilledStack() throws Exception {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = ChangelakeCli.commandLine().setOut(new PrintWriter(out)).setErr(new PrintWriter(err))
                .execute("deploy", "render", "--config", EXAMPLE.toString(), "--out", dir.resolve("out").toString(),
                        "--repo", REPO.toString());

        assertThat(code).as(err.toString()).isZero();
        assertThat(dir.resolve("out")).isDirectoryContaining(p -> p.endsWith("application-properties.json"))
                .isDirectoryContaining(p -> p.endsWith("connector-config.json"))
                .isDirectoryContaining(p -> p.endsWith("base-parameters.json"))
                .isDirectoryContaining(p -> p.endsWith("pipeline-parameters.json"))
                .isDirectoryContaining(p -> p.endsWith("changelake-pipeline.yaml"));
        // check --properties accepts the runtime properties, application group included
        StringWriter checked = new StringWriter();
        assertThat(ChangelakeCli.commandLine().setOut(new PrintWriter(checked)).setErr(new PrintWriter(checked))
                .execute("check", "--properties", dir.resolve("out/application-properties.json").toString()))
                .as(checked.toString()).isZero();
    }

    @Test
    void runtimePropertiesLoadAsTheSamePipelineWithoutThePassword() throws Exception {
        Map<String, String> files = render(EXAMPLE);
        Path json = Files.writeString(dir.resolve("application-properties.json"), files.get(DeployRender.APPLICATION_PROPERTIES));

        Map<String, Properties> groups = PropertyGroups.fromJsonFile(json);
        ApplicationProperties app = ApplicationProperties.split(json.toString(), groups);
        Pipeline fromGroups = new PipelineConfigLoader().load(json.toString(), app.jobGroups());
        Pipeline fromYaml = new PipelineConfigLoader().load(EXAMPLE);

        assertThat(app.job()).isEqualTo(ApplicationProperties.Job.CHANGELOG);
        assertThat(fromGroups.jobOptions().topicPattern().pattern()).isEqualTo(fromYaml.jobOptions().topicPattern().pattern());
        assertThat(fromGroups.jobOptions().kafkaProperties()).isEqualTo(fromYaml.jobOptions().kafkaProperties())
                .containsEntry("sasl.mechanism", "AWS_MSK_IAM");
        assertThat(fromGroups.catalog().type()).isEqualTo(CatalogOptions.Type.GLUE);
        assertThat(fromGroups.catalog().warehouse()).isEqualTo("s3://example-changelake-lake/warehouse");
        // MSF's limits: at most 50 properties a group
        groups.forEach((id, p) -> assertThat(p.size()).as(id).isLessThanOrEqualTo(50));
        // a password given as ${env:…} is not refused, and not carried: the job does not need it
        Path withPassword = variant("user: changelake_cdc ", "user: changelake_cdc\n    password: '${env:DB_PASSWORD}' ");
        assertThat(render(withPassword).get(DeployRender.APPLICATION_PROPERTIES)).doesNotContain("password").doesNotContain("DB_PASSWORD");
    }

    @Test
    void connectorReadsThePasswordFromSecretsManagerAndSetsNoProducerOverrides() throws Exception {
        Map<String, String> connector = JSON.readValue(render(EXAMPLE).get(DeployRender.CONNECTOR_CONFIG),
                new TypeReference<Map<String, String>>() { });

        assertThat(connector).containsEntry("database.password", "${secretsmanager:prod/changelake/source-db:password}")
                .containsEntry("connector.class", "io.debezium.connector.mysql.MySqlConnector")
                .containsEntry("database.user", "changelake_cdc")
                .containsEntry("schema.history.internal.producer.sasl.mechanism", "AWS_MSK_IAM")
                .containsEntry("schema.history.internal.consumer.security.protocol", "SASL_SSL")
                .containsEntry("name", "changelake-capture");
        assertThat(connector.keySet()).noneMatch(k -> k.startsWith("producer.override."));
    }

    @Test
    void filledStackHoldsTheRenderedConnectorConfigurationAndPropertyGroups() throws Exception {
        Map<String, String> files = render(EXAMPLE);
        Map<String, Object> stack = CloudFormationYaml.parse(files.get(DeployRender.PIPELINE_STACK));
        Map<String, Object> resources = CloudFormationTemplatesTest.map(stack.get("Resources"));
        Map<String, Object> connector = CloudFormationTemplatesTest.map(CloudFormationTemplatesTest.map(
                resources.get("Connector")).get("Properties"));
        Map<String, String> rendered = JSON.readValue(files.get(DeployRender.CONNECTOR_CONFIG), new TypeReference<Map<String, String>>() { });
        rendered.remove("name");

        assertThat(connector.get("ConnectorConfiguration")).isEqualTo(rendered);
        JsonNode groups = JSON.readTree(files.get(DeployRender.APPLICATION_PROPERTIES));
        Object inStack = CloudFormationTemplatesTest.map(CloudFormationTemplatesTest.map(CloudFormationTemplatesTest.map(
                resources.get("Application")).get("Properties")).get("ApplicationConfiguration")).get("EnvironmentProperties");
        assertThat(JSON.valueToTree(inStack).get("PropertyGroups")).isEqualTo(groups);
    }

    @Test
    void parametersNameOnlyTheStacksParametersFromThePipeline() throws Exception {
        Map<String, String> files = render(EXAMPLE);
        Map<String, String> base = parameters(files.get(DeployRender.BASE_PARAMETERS));
        Map<String, String> pipeline = parameters(files.get(DeployRender.PIPELINE_PARAMETERS));

        assertThat(base).containsExactlyInAnyOrderEntriesOf(Map.of("LakeBucketName", "example-changelake-lake",
                "GlueDatabaseName", "shop_mirror"));
        assertThat(pipeline).containsEntry("TopicPrefix", "changelake").containsEntry("KafkaAuthentication", "IAM")
                .containsEntry("DeadLetterTopic", "changelake.dead-letters").containsEntry("CheckpointIntervalMillis", "60000")
                .containsEntry("DatabaseSecretName", "prod/changelake/source-db").containsEntry("ConnectorName", "changelake-capture");
        assertThat(CloudFormationTemplatesTest.map(CloudFormationYaml.read(CloudFormationTemplatesTest.BASE).get("Parameters")))
                .containsKeys(base.keySet().toArray(String[]::new));
        assertThat(CloudFormationTemplatesTest.map(CloudFormationYaml.read(CloudFormationTemplatesTest.PIPELINE).get("Parameters")))
                .containsKeys(pipeline.keySet().toArray(String[]::new));
    }

    private static Map<String, String> parameters(String json) throws Exception {
        Map<String, String> m = new java.util.LinkedHashMap<>();
        JSON.readTree(json).forEach(p -> m.put(p.get("ParameterKey").asText(), p.get("ParameterValue").asText()));
        return m;
    }

    @Test
    void whatTheStacksCannotServeIsRefusedNamingTheKey() throws Exception {
        assertThatThrownBy(() -> render(variant("security: iam", "security: plaintext")))
                .hasMessageContaining("source.kafka.security: 'plaintext'");
        assertThatThrownBy(() -> render(variant("databases: [shop]", "databases: [shop]\n  encoding: json_without_schemas")))
                .hasMessageContaining("source.encoding: json_without_schemas");
        assertThatThrownBy(() -> render(variant("type: glue", "type: jdbc")))
                .hasMessageContaining("lake.catalog.type: the stacks register tables in the Glue Data Catalog");
        assertThatThrownBy(() -> render(variant("user: changelake_cdc ", "user: changelake_cdc\n    password: hunter2 ")))
                .hasMessageContaining("source.database.password: a password in the file");
        Path twoDatabases = variant("  namespace: shop_mirror\n", "");
        Files.writeString(twoDatabases, Files.readString(twoDatabases).replace("databases: [shop]", "databases: [shop, crm]"));
        assertThatThrownBy(() -> render(twoDatabases))
                .hasMessageContaining("lake.namespace: the tables land in [crm, shop] Glue database(s)");
        assertThatThrownBy(() -> render(variant("security: iam", "security: iam\n    properties: {sasl.jaas.config: '${env:JAAS}'}")))
                .hasMessageContaining("source.kafka.properties.sasl.jaas.config: '${env:JAAS}' cannot be resolved on MSF");
    }

    @Test
    void moreTablesEntriesThanMsfTakesPropertyGroupsIsRefused() throws Exception {
        StringBuilder entries = new StringBuilder("tables:\n");
        for (int i = 0; i < 45; i++) {
            entries.append("  - {name: shop.t").append(i).append(", namespace: shop_mirror}\n");
        }
        Path many = variant("lake:\n", entries + "lake:\n");

        assertThatThrownBy(() -> render(many)).hasMessageContaining("property groups (one per tables entry among them); "
                + "MSF takes at most 50");
    }

    @Test
    void ownClusterTargetKeepsReferencesAndWritesNoStackFiles() throws Exception {
        Path own = variant("type: glue", "type: jdbc\n    properties: {uri: 'jdbc:sqlite:/var/lib/changelake/catalog.db'}");
        String yaml = Files.readString(own).replace("user: changelake_cdc ", "user: changelake_cdc\n    password: '${env:DB_PASSWORD}' ");
        Files.writeString(own, yaml);

        Map<String, String> files = new DeployRender(DeployRender.Target.OWN, null).render(own, null);

        assertThat(files).containsOnlyKeys(DeployRender.APPLICATION_PROPERTIES, DeployRender.CONNECTOR_CONFIG);
        assertThat(files.get(DeployRender.CONNECTOR_CONFIG)).contains("\"database.password\" : \"${env:DB_PASSWORD}\"")
                .contains("producer.override.compression.type");
        assertThat(files.get(DeployRender.APPLICATION_PROPERTIES)).doesNotContain("password");
    }

    @Test
    void secretNameThatWouldBreakTheReferenceIsRefused() {
        assertThatThrownBy(() -> new DeployRender(DeployRender.Target.AWS,
                "arn:aws:secretsmanager:eu-west-1:123456789012:secret:x")).hasMessageContaining("not an ARN");
    }
}
