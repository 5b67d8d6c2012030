package dev.changelake.jobs.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PropertyGroupsTest {
    @TempDir
    Path dir;

    private static Properties props(String... keyValues) {
        Properties p = new Properties();
        for (int i = 0; i < keyValues.length; i += 2) {
            p.setProperty(keyValues[i], keyValues[i + 1]);
        }
        return p;
    }

    private static Map<String, Properties> groups(Object... idAndProps) {
        Map<String, Properties> groups = new LinkedHashMap<>();
        for (int i = 0; i < idAndProps.length; i += 2) {
            groups.put((String) idAndProps[i], (Properties) idAndProps[i + 1]);
        }
        return groups;
    }

    /** Property values are strings, so compare YAML's scalars as the text they were written as. */
    private static JsonNode scalarsAsText(JsonNode node) {
        if (node.isObject()) {
            ObjectNode copy = JsonNodeFactory.instance.objectNode();
            node.fields().forEachRemaining(f -> copy.set(f.getKey(), scalarsAsText(f.getValue())));
            return copy;
        }
        if (node.isArray()) {
            ArrayNode copy = JsonNodeFactory.instance.arrayNode();
            node.forEach(item -> copy.add(scalarsAsText(item)));
            return copy;
        }
        return TextNode.valueOf(node.asText());
    }

    @Test
    void groupsGiveTheTreeTheYamlGives() throws Exception {
        String yaml = String.join("\n",
                "source:",
                "  database: {hostname: db.internal, port: 3306}",
                "  kafka: {bootstrap-servers: 'b-1:9092'}",
                "  databases: [shop, crm]",
                "  tables:",
                "    - name: shop.orders",
                "      columns: {email: 'lower(email)'}",
                "    - name: shop.customers",
                "lake:",
                "  catalog: {properties: {uri: 'jdbc:sqlite:/x.db', s3.endpoint: 'http://minio:9000'}}",
                "checkpoint: {interval: 30s}",
                "job: {parallelism: 2, enabled: true}",
                "");
        Map<String, Properties> groups = groups(
                "source", props(
                        "database.hostname", "db.internal",
                        "database.port", "3306",
                        "databases.0", "shop",
                        "databases[1]", "crm",
                        "tables.0.name", "shop.orders",
                        "tables[0].columns.email", "lower(email)",
                        "tables[1].name", "shop.customers"),
                // a deeper group id, and a group reaching into a section another group also fills
                "source.kafka", props("bootstrap-servers", "b-1:9092"),
                "lake.catalog", props("properties.uri", "jdbc:sqlite:/x.db", "properties[s3.endpoint]", "http://minio:9000"),
                "checkpoint", props("interval", "30s"),
                "job", props("parallelism", "2", "enabled", "true"));

        JsonNode fromYaml = new ObjectMapper(new YAMLFactory()).readTree(yaml);

        assertThat(PropertyGroups.toTree(groups)).isEqualTo(scalarsAsText(fromYaml));
    }

    static final class Bound {
        public Db db = new Db();
        public List<String> names;
        public Map<String, String> properties;
    }

    static final class Db {
        public int port;
        public boolean ssl;
        public String hostName;
    }

    @Test
    void treeWrittenAsGroupsReadsBackAsTheSameTree() throws Exception {
        String yaml = String.join("\n",
                "source:",
                "  database: {hostname: db.internal, port: 3306}",
                "  kafka: {bootstrap-servers: 'b-1:9098', properties: {ssl.truststore.type: PKCS12}}",
                "  databases: [shop, crm]",
                "tables:",
                "  - name: shop.orders",
                "    columns: {email: 'lower(email)'}",
                "    partition-by: ['bucket(16, id)']",
                "  - regex: 'shop\\.order_.*'",
                "lake:",
                "  catalog: {type: glue, properties: {glue.skip-name-validation: 'true'}}",
                "job: {parallelism: 2}",
                "");
        JsonNode tree = new ObjectMapper(new YAMLFactory()).readTree(yaml);

        Map<String, Properties> groups = PropertyGroups.fromTree(tree);

        assertThat(PropertyGroups.toTree(groups)).isEqualTo(scalarsAsText(tree));
        assertThat(groups).containsKeys("source.database", "source.kafka", "source.databases", "tables.0", "tables.1", "lake.catalog", "job");
        assertThat(groups.get("source.kafka").getProperty("properties[ssl.truststore.type]")).isEqualTo("PKCS12");
        assertThat(groups.get("tables.0").getProperty("partition-by.0")).isEqualTo("bucket(16, id)");
    }

    @Test
    void stringValuesBindToTypedFields() throws Exception {
        ObjectMapper mapper = new ObjectMapper().setPropertyNamingStrategy(PropertyNamingStrategies.KEBAB_CASE)
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
        ObjectNode tree = PropertyGroups.toTree(groups(
                "db", props("port", "3306", "ssl", "true", "host-name", "db.internal"),
                "names", props("0", "a", "1", "b"),
                "properties", props("[glue.skip-name-validation]", "true")));

        Bound bound = mapper.treeToValue(tree, Bound.class);

        assertThat(bound.db.port).isEqualTo(3306);
        assertThat(bound.db.ssl).isTrue();
        assertThat(bound.db.hostName).isEqualTo("db.internal");
        assertThat(bound.names).containsExactly("a", "b");
        assertThat(bound.properties).containsExactly(Map.entry("glue.skip-name-validation", "true"));
    }

    @Test
    void listsAreOrderedByIndexNotByKeyText() throws Exception {
        Properties items = new Properties();
        for (int i = 0; i < 12; i++) {
            items.setProperty("databases." + i, "db" + i);
        }
        JsonNode databases = PropertyGroups.toTree(groups("source", items)).at("/source/databases");

        assertThat(databases).hasSize(12);
        assertThat(databases.get(2).asText()).isEqualTo("db2");
        assertThat(databases.get(10).asText()).isEqualTo("db10");
    }

    @Test
    void aPathThatIsBothAValueAndAParentIsRefused() {
        assertThatThrownBy(() -> PropertyGroups.toTree(groups(
                "source", props("database", "db.internal", "database.port", "3306"))))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("group 'source', key 'database.port': puts keys below a value, which group 'source', key 'database' sets");
        assertThatThrownBy(() -> PropertyGroups.toTree(groups(
                "source", props("database.port", "3306"),
                "source.database", props("port", "3307"))))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("group 'source.database', key 'port': sets the same path as group 'source', key 'database.port'");
    }

    @Test
    void aListWithAGapIsRefused() {
        assertThatThrownBy(() -> PropertyGroups.toTree(groups("source", props("tables.2.name", "shop.orders"))))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("group 'source', key 'tables.2.name': source.tables has no item [0]");
        assertThatThrownBy(() -> PropertyGroups.toTree(groups("source", props("databases.0", "a", "databases.2", "c"))))
                .hasMessageContaining("group 'source', key 'databases.2': source.databases has no item [1]");
    }

    @Test
    void indexesAndNamesUnderOneParentAreRefused() {
        assertThatThrownBy(() -> PropertyGroups.toTree(groups("source", props("tables.0", "a", "tables.name", "b"))))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("group 'source', key 'tables.name': mixes list indexes and names under one parent"
                        + " with group 'source', key 'tables.0'");
    }

    @Test
    void malformedPathsAreRefusedEachNamed() {
        assertThatThrownBy(() -> PropertyGroups.toTree(groups(
                "source", props("kafka..group-id", "x", "tables[0", "y", "tables[0]name", "z"),
                "lake.", props("namespace", "m"))))
                .isInstanceOf(ConfigException.class)
                .satisfies(e -> assertThat(((ConfigException) e).problems()).containsExactly(
                        "group 'lake.', key 'namespace': the group id has an empty segment (two dots, or a dot at an end)",
                        "group 'source', key 'kafka..group-id': the key has an empty segment (two dots, or a dot at an end)",
                        "group 'source', key 'tables[0': the key has a '[' without its ']'",
                        "group 'source', key 'tables[0]name': the key needs a '.' or '[' after ']'"));
    }

    @Test
    void readsMsfDevelopmentFile() throws Exception {
        Path sample = Path.of(getClass().getResource("/config/flink-application-properties-dev.json").toURI());

        Map<String, Properties> groups = PropertyGroups.fromJsonFile(sample);

        assertThat(groups).containsOnlyKeys("source", "tables", "lake.catalog", "job");
        assertThat(groups.get("source")).containsEntry("kafka.bootstrap-servers", "localhost:9092");
        assertThat(groups.get("tables")).containsEntry("[0].columns.email", "lower(email)");
        assertThat(groups.get("job")).containsEntry("parallelism", "2"); // a JSON number, read as its text
        JsonNode tree = PropertyGroups.toTree(groups);
        assertThat(tree.at("/lake/catalog/properties/s3.endpoint").asText()).isEqualTo("http://localhost:9000");
        assertThat(tree.at("/tables/0/columns/email").asText()).isEqualTo("lower(email)");
    }

    private Path json(String text) throws Exception {
        return Files.writeString(dir.resolve("props.json"), text);
    }

    @Test
    void malformedFileIsRefusedNamingTheFileAndEntry() throws Exception {
        Path file = json("""
                [
                  {"PropertyGroupId": "source", "PropertyMap": {"kafka": {"bootstrap-servers": "x"}}},
                  {"PropertyMap": {}},
                  {"PropertyGroupId": "job", "Properties": {}},
                  {"PropertyGroupId": "source", "PropertyMap": {}},
                  "lake"
                ]
                """);

        assertThatThrownBy(() -> PropertyGroups.fromJsonFile(file))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith(file + " is not a valid pipeline configuration")
                .satisfies(e -> assertThat(((ConfigException) e).problems()).containsExactly(
                        "entry [0] (PropertyGroupId 'source'): PropertyMap.kafka: must be a string, number or boolean, not object",
                        "entry [1]: PropertyGroupId must be a non-empty string",
                        "entry [2] (PropertyGroupId 'job'): unknown name 'Properties'; accepted: PropertyGroupId, PropertyMap",
                        "entry [2] (PropertyGroupId 'job'): PropertyMap must be an object of key: value",
                        "entry [3] (PropertyGroupId 'source'): the group is already given by entry [0]; merge the two",
                        "entry [4]: expected an object with PropertyGroupId and PropertyMap"));
    }

    @Test
    void notJsonOrNotAnArrayOrMissingIsRefused() throws Exception {
        assertThatThrownBy(() -> PropertyGroups.fromJsonFile(json("[{\"PropertyGroupId\": \"a\",}]")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("not JSON: ").hasMessageContaining("(line 1, column");
        assertThatThrownBy(() -> PropertyGroups.fromJsonFile(json("[{\"PropertyGroupId\": \"a\", \"PropertyMap\": {\"k\": \"1\", \"k\": \"2\"}}]")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("Duplicate field 'k'");
        assertThatThrownBy(() -> PropertyGroups.fromJsonFile(json("{\"PropertyGroupId\": \"a\"}")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("expected a JSON array");
        assertThatThrownBy(() -> PropertyGroups.fromJsonFile(json("")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("expected a JSON array");
        assertThatThrownBy(() -> PropertyGroups.fromJsonFile(dir.resolve("absent.json")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("absent.json is not a valid")
                .hasMessageContaining("cannot read the file: java.nio.file.NoSuchFileException");
    }

    @Test
    void runtimeGroupsAreEmptyOffMsf() throws Exception {
        // Also proves the MSF runtime links against the flink-shaded-jackson on our classpath: it builds its
        // ObjectMapper before it looks for the file.
        assumeFalse(Files.exists(Path.of("/etc/flink/application_properties.json")));

        assertThat(PropertyGroups.fromRuntime()).isEmpty();
    }
}
