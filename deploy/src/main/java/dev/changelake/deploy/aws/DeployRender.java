package dev.changelake.deploy.aws;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.changelake.ingest.DebeziumConnectorConfig;
import dev.changelake.jobs.config.ApplicationProperties;
import dev.changelake.jobs.config.ConfigException;
import dev.changelake.jobs.config.Pipeline;
import dev.changelake.jobs.config.PipelineConfigLoader;
import dev.changelake.jobs.config.PropertyGroups;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What {@code changelake deploy render} writes from a {@code pipeline.yaml}: the application's runtime property groups,
 * the Debezium connector configuration and, for AWS, the CloudFormation parameters and the pipeline stack's template
 * with both filled in. Nothing it writes holds a secret: the database password becomes a reference Kafka Connect
 * resolves at run time ({@code ${secretsmanager:<secret>:password}} on MSK Connect, {@code ${env:NAME}} on a worker of
 * your own), and the job's runtime properties leave it out (the job does not need it).
 */
public final class DeployRender {
    /** The committed templates, relative to the repository root. */
    public static final String PIPELINE_TEMPLATE = "deploy/aws/changelake-pipeline.yaml";
    static final String APPLICATION_PROPERTIES = "application-properties.json";
    static final String CONNECTOR_CONFIG = "connector-config.json";
    static final String BASE_PARAMETERS = "base-parameters.json";
    static final String PIPELINE_PARAMETERS = "pipeline-parameters.json";
    static final String PIPELINE_STACK = "changelake-pipeline.yaml";

    /** MSK Connect's Kafka Connect refuses producer.override.* unless the worker's override policy allows it. */
    static final String PRODUCER_OVERRIDE = "producer.override.";
    /** The worker configuration's alias of the MSK config provider (deploy/aws/changelake-pipeline.yaml). */
    static final String SECRETS_PROVIDER = "secretsmanager";
    /** On a Connect worker of your own, with Kafka's EnvVarConfigProvider as {@code env}. */
    static final String LOCAL_PASSWORD_VARIABLE = "CHANGELAKE_DB_PASSWORD";
    static final String DEFAULT_SECRET_NAME = "changelake/source-db";
    static final int MSF_MAX = 50;

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final Pattern BLOCK = Pattern.compile(
            "(?m)^([ \\t]*)# changelake-render:begin ([a-z-]+)\\n.*?^[ \\t]*# changelake-render:end \\2\\n", Pattern.DOTALL);

    /** Where the rendered files are for. */
    public enum Target {
        /** Managed Service for Apache Flink and MSK Connect, with the CloudFormation files. */
        AWS,
        /** A Flink cluster and Connect worker of your own (FlinkDeployment, local): no CloudFormation files. */
        OWN
    }

    private final Target target;
    private final String secretName;

    public DeployRender(Target target, String secretName) {
        this.target = target;
        this.secretName = secretName == null ? DEFAULT_SECRET_NAME : secretName;
        if (!this.secretName.matches("[A-Za-z0-9/_+=.@-]+")) {
            // a ':' or '}' would break the ${provider:path:key} reference
            throw new IllegalArgumentException("--db-secret-name '" + secretName + "': a Secrets Manager name "
                    + "(letters, digits, /_+=.@-), not an ARN");
        }
    }

    /**
     * The files to write, name → content.
     *
     * @param pipelineTemplate the committed {@value #PIPELINE_TEMPLATE} text (only read for {@link Target#AWS})
     * @throws ConfigException naming every problem: the configuration's own, and for AWS what the stacks need
     */
    public Map<String, String> render(Path pipelineYaml, String pipelineTemplate) throws ConfigException {
        String name = pipelineYaml.toString();
        // ${env:X} stays a reference: the loader validates, nothing is resolved into a file.
        Pipeline pipeline = new PipelineConfigLoader(variable -> "${env:" + variable + "}").load(pipelineYaml);
        JsonNode tree;
        try {
            tree = YAML.readTree(Files.readAllBytes(pipelineYaml));
        } catch (IOException e) {
            throw new ConfigException(name, List.of("cannot read the file: " + e.getMessage()));
        }
        List<String> problems = new ArrayList<>();
        ObjectNode jobTree = tree.deepCopy();
        String password = text(tree, "source", "database", "password");
        ((ObjectNode) jobTree.path("source").path("database")).remove("password"); // the job does not use it
        if (target == Target.AWS) {
            awsProblems(tree, problems);
        }
        if (!problems.isEmpty()) {
            throw new ConfigException(name + " (for deploy render " + target.name().toLowerCase(Locale.ROOT) + ")", problems);
        }

        Map<String, Properties> groups = new LinkedHashMap<>();
        Properties application = new Properties();
        application.setProperty(ApplicationProperties.JOB, "changelog");
        groups.put(ApplicationProperties.GROUP, application);
        groups.putAll(PropertyGroups.fromTree(jobTree));
        if (target == Target.AWS) {
            // MSF's API takes at most 50 property groups, each of at most 50 properties
            if (groups.size() > MSF_MAX) {
                problems.add("the configuration makes " + groups.size() + " property groups (one per tables entry among "
                        + "them); MSF takes at most " + MSF_MAX + ": merge tables entries, e.g. with a regex");
            }
            groups.forEach((id, p) -> {
                if (p.size() > MSF_MAX) {
                    problems.add("property group '" + id + "' has " + p.size() + " properties; MSF takes at most " + MSF_MAX);
                }
            });
        }
        if (!problems.isEmpty()) {
            throw new ConfigException(name + " (for deploy render aws)", problems);
        }
        Map<String, String> files = new LinkedHashMap<>();
        files.put(APPLICATION_PROPERTIES, json(propertyGroupsJson(groups)));

        Map<String, String> connector = new LinkedHashMap<>(DebeziumConnectorConfig.render(pipeline.captureOptions()));
        connector.put("name", pipeline.captureOptions().connectorName());
        if (target == Target.AWS) {
            connector.put("database.password", "${" + SECRETS_PROVIDER + ":" + secretName + ":password}");
            connector.keySet().removeIf(k -> k.startsWith(PRODUCER_OVERRIDE));
        } else if (password != null && !password.startsWith("${env:")) {
            connector.put("database.password", "${env:" + LOCAL_PASSWORD_VARIABLE + "}");
        } else if (password == null) {
            connector.remove("database.password");
        }
        files.put(CONNECTOR_CONFIG, json(JSON.valueToTree(connector)));

        if (target == Target.AWS) {
            Map<String, String> base = baseParameters(tree);
            Map<String, String> stack = pipelineParameters(tree, pipeline, connector.get("name"));
            files.put(BASE_PARAMETERS, json(parametersJson(base)));
            files.put(PIPELINE_PARAMETERS, json(parametersJson(stack)));
            files.put(PIPELINE_STACK, fillTemplate(pipelineTemplate, Map.of(
                    "connector-configuration", connectorYaml(connector),
                    "property-groups", propertyGroupsYaml(groups))));
        }
        return files;
    }

    /** What the stacks assume, each a problem naming the key and what to write. */
    private void awsProblems(JsonNode tree, List<String> problems) {
        if (!"glue".equals(text(tree, "lake", "catalog", "type"))) {
            problems.add("lake.catalog.type: the stacks register tables in the Glue Data Catalog; write glue");
        }
        String warehouse = text(tree, "lake", "catalog", "warehouse");
        if (warehouse == null || !warehouse.matches("s3://[a-z0-9][a-z0-9.-]{1,61}[a-z0-9](/.*)?")) {
            problems.add("lake.catalog.warehouse: '" + warehouse + "' is not s3://<bucket>/<prefix>; the stacks create and "
                    + "grant that bucket");
        }
        String security = text(tree, "source", "kafka", "security");
        if (security == null || !(security.equalsIgnoreCase("iam") || security.equalsIgnoreCase("tls"))) {
            problems.add("source.kafka.security: '" + (security == null ? "plaintext" : security) + "'; MSK in these "
                    + "stacks takes iam (port 9098) or tls (9094), not plaintext");
        }
        String encoding = text(tree, "source", "encoding");
        if ("avro".equalsIgnoreCase(encoding)) {
            problems.add("source.encoding: avro keeps writer schemas in a file store MSK Connect and MSF do not share; "
                    + "use json");
        } else if ("json_without_schemas".equalsIgnoreCase(encoding)) {
            problems.add("source.encoding: json_without_schemas makes the job read the source's information_schema, "
                    + "with the database password, which only Debezium gets (from Secrets Manager); use json");
        }
        String password = text(tree, "source", "database", "password");
        if (password != null && !password.startsWith("${env:")) {
            problems.add("source.database.password: a password in the file; remove it (Debezium reads it from Secrets "
                    + "Manager, --db-secret-name)");
        }
        envReferences(tree, "", problems);
        namespace(tree, problems);
    }

    /** MSF has no environment to resolve ${env:…} from. */
    private static void envReferences(JsonNode node, String path, List<String> problems) {
        if (node.isTextual() && node.asText().startsWith("${env:") && !path.equals("source.database.password")) {
            problems.add(path + ": '" + node.asText() + "' cannot be resolved on MSF, which has no environment "
                    + "variables; write the value, or use the role's credentials instead of keys");
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> f = it.next();
            envReferences(f.getValue(), path.isEmpty() ? f.getKey() : path + "." + f.getKey(), problems);
        }
        for (int i = 0; node.isArray() && i < node.size(); i++) {
            envReferences(node.get(i), path + "[" + i + "]", problems);
        }
    }

    /** The one Glue database every lake table of the pipeline lands in (the stacks create and grant one). */
    static String namespace(JsonNode tree, List<String> problems) {
        TreeSet<String> namespaces = new TreeSet<>();
        String lake = text(tree, "lake", "namespace");
        if (lake != null) {
            namespaces.add(lake);
        } else {
            tree.path("source").path("databases").forEach(d -> namespaces.add(d.asText()));
            tree.path("source").path("tables").forEach(t -> namespaces.add(t.asText().split("\\.")[0]));
        }
        for (JsonNode entry : tree.path("tables")) {
            if (entry.hasNonNull("namespace")) {
                namespaces.add(entry.get("namespace").asText());
            } else if (lake == null && entry.hasNonNull("name")) {
                namespaces.add(entry.get("name").asText().split("\\.")[0]);
            } else if (lake == null) {
                problems.add("tables entry " + entry.path("regex").asText() + ": its lake namespace depends on the "
                        + "matched table's database; set its namespace or lake.namespace");
            }
        }
        String deadLetterTable = text(tree, "dead-letters", "table");
        if (deadLetterTable != null) {
            namespaces.add(deadLetterTable.split("\\.")[0]);
        }
        if (namespaces.size() != 1) {
            problems.add("lake.namespace: the tables land in " + (namespaces.isEmpty() ? "no" : namespaces)
                    + " Glue database(s); the stacks create and grant one: set lake.namespace (and no other namespace)");
            return null;
        }
        return namespaces.first();
    }

    private static Map<String, String> baseParameters(JsonNode tree) {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("LakeBucketName", bucket(text(tree, "lake", "catalog", "warehouse")));
        p.put("GlueDatabaseName", namespace(tree, new ArrayList<>()));
        return p;
    }

    private Map<String, String> pipelineParameters(JsonNode tree, Pipeline pipeline, String connectorName) {
        Map<String, String> p = new LinkedHashMap<>();
        var job = pipeline.jobOptions();
        p.put("TopicPrefix", job.topicPrefix());
        p.put("ConsumerGroup", job.groupId());
        p.put("DeadLetterTopic", job.deadLetterTopic());
        p.put("ConnectorName", connectorName);
        p.put("BootstrapServers", text(tree, "source", "kafka", "bootstrap-servers"));
        p.put("KafkaAuthentication", "iam".equalsIgnoreCase(text(tree, "source", "kafka", "security")) ? "IAM" : "NONE");
        p.put("DatabaseSecretName", secretName);
        p.put("Parallelism", String.valueOf(tree.path("job").path("parallelism").asInt(2)));
        p.put("CheckpointIntervalMillis", String.valueOf(org.apache.flink.util.TimeUtils.parseDuration(
                tree.path("checkpoint").path("interval").asText("30s")).toMillis()));
        return p;
    }

    static String bucket(String s3Uri) {
        Matcher m = Pattern.compile("s3://([^/]+).*").matcher(s3Uri);
        return m.matches() ? m.group(1) : null;
    }

    private static String text(JsonNode tree, String... path) {
        JsonNode n = tree;
        for (String p : path) {
            n = n.path(p);
        }
        return n.isValueNode() && !n.isNull() ? n.asText() : null;
    }

    private static ArrayNode propertyGroupsJson(Map<String, Properties> groups) {
        ArrayNode list = JSON.createArrayNode();
        groups.forEach((id, props) -> {
            ObjectNode group = list.addObject();
            group.put("PropertyGroupId", id);
            ObjectNode map = group.putObject("PropertyMap");
            new TreeSet<>(props.stringPropertyNames()).forEach(k -> map.put(k, props.getProperty(k)));
        });
        return list;
    }

    private static ArrayNode parametersJson(Map<String, String> parameters) {
        ArrayNode list = JSON.createArrayNode();
        parameters.forEach((k, v) -> list.addObject().put("ParameterKey", k).put("ParameterValue", v));
        return list;
    }

    private static String json(JsonNode node) {
        try {
            return JSON.writeValueAsString(node) + "\n";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A JSON string is a YAML double-quoted scalar: keys and values written so, nothing is read as a tag or number. */
    private static String quoted(String s) {
        try {
            return JSON.writeValueAsString(s);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<String> connectorYaml(Map<String, String> connector) {
        List<String> lines = new ArrayList<>();
        connector.forEach((k, v) -> {
            if (!k.equals("name")) { // the connector's name is the resource's ConnectorName
                lines.add(quoted(k) + ": " + quoted(v));
            }
        });
        return lines;
    }

    private static List<String> propertyGroupsYaml(Map<String, Properties> groups) {
        List<String> lines = new ArrayList<>();
        groups.forEach((id, props) -> {
            lines.add("- PropertyGroupId: " + quoted(id));
            lines.add("  PropertyMap:");
            new TreeSet<>(props.stringPropertyNames()).forEach(k -> lines.add("    " + quoted(k) + ": " + quoted(props.getProperty(k))));
        });
        return lines;
    }

    /** Replaces each {@code # changelake-render:begin X} … {@code end X} block with its lines, at the marker's indent. */
    static String fillTemplate(String template, Map<String, List<String>> blocks) {
        Matcher m = BLOCK.matcher(template);
        StringBuilder out = new StringBuilder();
        List<String> filled = new ArrayList<>();
        while (m.find()) {
            List<String> lines = blocks.get(m.group(2));
            if (lines == null) {
                throw new IllegalArgumentException("the template has a block '" + m.group(2) + "' render does not know");
            }
            StringBuilder block = new StringBuilder();
            block.append(m.group(1)).append("# rendered by changelake deploy render (").append(m.group(2)).append(")\n");
            lines.forEach(l -> block.append(m.group(1)).append(l).append('\n'));
            m.appendReplacement(out, Matcher.quoteReplacement(block.toString()));
            filled.add(m.group(2));
        }
        m.appendTail(out);
        if (!filled.containsAll(blocks.keySet())) {
            throw new IllegalArgumentException("the template lacks blocks " + blocks.keySet() + "; found " + filled);
        }
        return out.toString();
    }

    /** The committed pipeline template, from the repository at {@code root}. */
    public static String pipelineTemplate(Path root) {
        try {
            return Files.readString(root.resolve(PIPELINE_TEMPLATE));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + PIPELINE_TEMPLATE + " under " + root.toAbsolutePath()
                    + " (run from the repository, or give --repo)", e);
        }
    }
}
