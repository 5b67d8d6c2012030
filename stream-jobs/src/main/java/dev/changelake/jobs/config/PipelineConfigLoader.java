package dev.changelake.jobs.config;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.changelake.ingest.CaptureOptions;
import dev.changelake.jobs.changelog.ChangelogJobOptions;
import dev.changelake.lake.catalog.CatalogOptions;
import dev.changelake.schema.Encoding;
import dev.changelake.schema.TableId;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import dev.changelake.jobs.changelog.LakeFormat;
import dev.changelake.jobs.changelog.SchemaEvolution;
import dev.changelake.lake.delta.DeltaOptions;
import dev.changelake.lake.maintain.MaintenanceOptions;
import dev.changelake.jobs.changelog.TableOptions;
import dev.changelake.jobs.clean.CleaningRules;
import dev.changelake.lake.iceberg.PartitionTransforms;
import java.util.stream.Collectors;
import org.apache.flink.util.TimeUtils;

/** Reads {@code pipeline.yaml} and refuses, with every problem named by its YAML path, one that must not start. */
public final class PipelineConfigLoader {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory())
            .setPropertyNamingStrategy(PropertyNamingStrategies.KEBAB_CASE)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);

    private final Function<String, String> environment;

    public PipelineConfigLoader() {
        this(System::getenv);
    }

    /** @param environment looks up {@code ${env:NAME}} references */
    public PipelineConfigLoader(Function<String, String> environment) {
        this.environment = environment;
    }

    public Pipeline load(Path file) throws ConfigException {
        String name = file.toString();
        com.fasterxml.jackson.databind.JsonNode tree;
        try {
            tree = YAML.readTree(Files.readAllBytes(file));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new ConfigException(name, List.of("not valid YAML: " + e.getOriginalMessage()
                    + (e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNr() + ", column "
                    + e.getLocation().getColumnNr() + ")")));
        } catch (IOException e) {
            throw new ConfigException(name, List.of("cannot read the file: " + e.getMessage()));
        }
        return load(name, tree);
    }

    /**
     * Loads the configuration from Managed Service for Apache Flink's runtime property groups, the same keys as
     * {@code pipeline.yaml} (see {@link PropertyGroups}); {@code name} says where they came from, for errors.
     */
    public Pipeline load(String name, Map<String, java.util.Properties> propertyGroups) throws ConfigException {
        try {
            return load(name, PropertyGroups.toTree(propertyGroups));
        } catch (ConfigException e) {
            throw new ConfigException(name, e.problems());
        }
    }

    /**
     * On Managed Service for Apache Flink, the application's runtime property groups; anywhere else the same groups
     * from {@code localFile} (MSF's development format), as AWS's examples do.
     */
    public Pipeline loadRuntimeProperties(Path localFile) throws ConfigException {
        Map<String, java.util.Properties> groups = PropertyGroups.fromRuntime();
        if (!groups.isEmpty()) {
            return load("the MSF runtime properties", groups);
        }
        return load(localFile.toString(), PropertyGroups.fromJsonFile(localFile));
    }

    private Pipeline load(String name, com.fasterxml.jackson.databind.JsonNode tree) throws ConfigException {
        PipelineConfig config;
        try {
            config = tree == null || tree.isMissingNode() || tree.isNull() ? null : YAML.treeToValue(tree, PipelineConfig.class);
        } catch (UnrecognizedPropertyException e) {
            throw new ConfigException(name, List.of(path(e) + ": unknown key; accepted here: "
                    + e.getKnownPropertyIds().stream().map(String::valueOf).sorted().collect(Collectors.joining(", "))));
        } catch (JsonMappingException e) {
            throw new ConfigException(name, List.of(path(e) + ": " + e.getOriginalMessage()));
        } catch (IOException e) {
            throw new ConfigException(name, List.of("cannot read the file: " + e.getMessage()));
        }
        if (config == null) {
            throw new ConfigException(name, List.of("the configuration is empty"));
        }
        return validate(name, config);
    }

    private Pipeline validate(String name, PipelineConfig c) throws ConfigException {
        List<String> problems = new ArrayList<>();
        PipelineConfig.Database db = c.source.database;
        CaptureOptions.Flavour flavour = oneOf(problems, "source.database.flavour", db.flavour, CaptureOptions.Flavour.class);
        required(problems, "source.database.hostname", db.hostname);
        required(problems, "source.database.user", db.user);
        if (db.port < 1 || db.port > 65535) {
            problems.add("source.database.port: " + db.port + " is not a TCP port (1..65535)");
        }
        String password = resolve(problems, "source.database.password", db.password);
        required(problems, "source.kafka.bootstrap-servers", c.source.kafka.bootstrapServers);
        if (c.source.topicPrefix == null || !c.source.topicPrefix.matches("[A-Za-z0-9._-]+")) {
            problems.add("source.topic-prefix: '" + c.source.topicPrefix + "' may only hold letters, digits, '.', '_' and '-'");
        }
        List<TableId> tables = new ArrayList<>();
        for (int i = 0; i < c.source.tables.size(); i++) {
            try {
                tables.add(TableId.parse(c.source.tables.get(i)));
            } catch (IllegalArgumentException e) {
                problems.add("source.tables[" + i + "]: " + e.getMessage());
            }
        }
        if (c.source.signalTable != null) {
            try {
                TableId.parse(c.source.signalTable);
            } catch (IllegalArgumentException e) {
                problems.add("source.signal-table: " + e.getMessage());
            }
        }
        if (c.source.databases.isEmpty() && c.source.tables.isEmpty() && c.tables.isEmpty()) {
            problems.add("source: name the tables to mirror in source.databases (every table of a database), "
                    + "source.tables (<db>.<table>) or tables (entries by name or regex)");
        }
        if (c.source.maxChangeBytes < 1024) {
            problems.add("source.max-change-bytes: " + c.source.maxChangeBytes + " is below 1024 bytes");
        }
        SchemaEvolution defaultEvolution = oneOf(problems, "lake.schema-evolution", c.lake.schemaEvolution, SchemaEvolution.class);
        List<TableOptions> tableOptions = new ArrayList<>();
        for (int i = 0; i < c.tables.size(); i++) {
            TableOptions t = tableOptions(problems, "tables[" + i + "]", c.tables.get(i), defaultEvolution);
            if (t != null) {
                tableOptions.add(t);
            }
        }
        Duration discovery = duration(problems, "source.kafka.topic-discovery-interval", c.source.kafka.topicDiscoveryInterval);
        oneOf(problems, "source.kafka.missing-topics", c.source.kafka.missingTopics, ChangelogJobOptions.MissingTopics.class);
        duration(problems, "lake.start-timeout", c.lake.startTimeout);
        Map<String, String> kafkaProperties = new java.util.LinkedHashMap<>();
        KafkaSecurity security = oneOf(problems, "source.kafka.security", c.source.kafka.security, KafkaSecurity.class);
        if (security != null) {
            kafkaProperties.putAll(security.clientProperties()); // the explicit properties below win
        }
        c.source.kafka.properties.forEach((k, v) -> kafkaProperties.put(k, resolve(problems, "source.kafka.properties." + k, v)));
        if (c.deadLetters.maxRecordBytes < 1024) {
            problems.add("dead-letters.max-record-bytes: " + c.deadLetters.maxRecordBytes + " is below 1024 bytes");
        }
        ChangelogJobOptions.TablesWithoutPrimaryKey noKey = oneOf(problems, "source.tables-without-primary-key",
                c.source.tablesWithoutPrimaryKey, ChangelogJobOptions.TablesWithoutPrimaryKey.class);
        Encoding encoding = oneOf(problems, "source.encoding", c.source.encoding, Encoding.class);
        java.net.URI schemaStore = null;
        if (encoding == Encoding.AVRO) {
            if (c.source.avroSchemaStore == null) {
                problems.add("source.avro-schema-store: required with encoding avro (where the capture writes writer schemas, "
                        + "e.g. file:///var/lib/changelake/schemas)");
            } else {
                try {
                    schemaStore = java.net.URI.create(c.source.avroSchemaStore);
                } catch (IllegalArgumentException e) {
                    problems.add("source.avro-schema-store: '" + c.source.avroSchemaStore + "' is not a URI");
                }
            }
        } else if (encoding != null && c.source.avroSchemaStore != null) {
            problems.add("source.avro-schema-store: set, but encoding is " + encoding.name().toLowerCase(Locale.ROOT)
                    + ", which uses none; remove it or set encoding: avro");
        }
        CatalogOptions.Type catalogType = oneOf(problems, "lake.catalog.type", c.lake.catalog.type, CatalogOptions.Type.class);
        required(problems, "lake.catalog.name", c.lake.catalog.name);
        required(problems, "lake.catalog.warehouse", c.lake.catalog.warehouse);
        Duration interval = duration(problems, "checkpoint.interval", c.checkpoint.interval);
        required(problems, "checkpoint.dir", c.checkpoint.dir);
        if (c.deadLetters.table != null && c.deadLetters.topic != null) {
            problems.add("dead-letters: give topic or table, not both");
        }
        if (c.deadLetters.table != null && !c.deadLetters.table.matches("[A-Za-z0-9_]+(\\.[A-Za-z0-9_]+)+")) {
            problems.add("dead-letters.table: '" + c.deadLetters.table + "' is not <namespace>.<table>");
        }
        if (c.deadLetters.topic != null && !c.deadLetters.topic.matches("[A-Za-z0-9._-]+")) {
            problems.add("dead-letters.topic: '" + c.deadLetters.topic + "' is not a Kafka topic name (letters, digits, '.', '_', '-')");
        }
        duration(problems, "checkpoint.min-pause", c.checkpoint.minPause);
        duration(problems, "checkpoint.interval-during-backlog", c.checkpoint.intervalDuringBacklog);
        if (c.checkpoint.backlogThreshold < 0) {
            problems.add("checkpoint.backlog-threshold: " + c.checkpoint.backlogThreshold + " must be 0 or more");
        }
        duration(problems, "checkpoint.timeout", c.checkpoint.timeout);
        if (c.checkpoint.tolerableFailures < 0) {
            problems.add("checkpoint.tolerable-failures: " + c.checkpoint.tolerableFailures + " must be 0 or more");
        }
        if (c.job.collapseMaxBytes < 1 << 20) {
            problems.add("job.collapse-max-bytes: " + c.job.collapseMaxBytes + " is below 1 MiB (1048576)");
        }
        if (c.job.parallelism < 1) {
            problems.add("job.parallelism: " + c.job.parallelism + " must be at least 1");
        }
        LakeFormat defaultFormat = oneOf(problems, "lake.format", c.lake.format, LakeFormat.class);
        Duration vacuumRetention = duration(problems, "lake.delta.vacuum-retention", c.lake.delta.vacuumRetention);
        Duration vacuumInterval = duration(problems, "lake.delta.vacuum-interval", c.lake.delta.vacuumInterval);
        if (c.lake.delta.smallFileBytes < 0) {
            problems.add("lake.delta.small-file-bytes: " + c.lake.delta.smallFileBytes + " must be 0 or more");
        }
        if (c.sessions != null) {
            SessionsConfig.validate(c.sessions, problems);
        }
        MaintenanceOptions maintenance = maintenance(problems, c.lake.maintenance);
        if (!problems.isEmpty()) {
            throw new ConfigException(name, problems);
        }
        Map<String, String> catalogProperties = c.lake.catalog.properties.entrySet().stream()
                .collect(Collectors.toMap(Map.Entry::getKey, e -> resolve(problems, "lake.catalog.properties." + e.getKey(), e.getValue())));
        if (!problems.isEmpty()) {
            throw new ConfigException(name, problems);
        }
        return new Pipeline(c, flavour, noKey, encoding, schemaStore, password, tables,
                new CatalogOptions(c.lake.catalog.name, catalogType, c.lake.catalog.warehouse, catalogProperties), interval,
                new Pipeline.Tables(tableOptions, defaultEvolution, kafkaProperties, discovery, defaultFormat,
                        new DeltaOptions(c.lake.delta.location != null ? c.lake.delta.location
                                : DeltaOptions.defaults(new CatalogOptions(c.lake.catalog.name, catalogType,
                                        c.lake.catalog.warehouse, catalogProperties)).location(),
                                c.lake.delta.hadoop, c.lake.delta.smallFileBytes, vacuumRetention, vacuumInterval)),
                maintenance);
    }

    /** {@code lake.maintenance}, every problem named by its path; null when it has problems. */
    private static MaintenanceOptions maintenance(List<String> problems, PipelineConfig.Maintenance m) {
        int before = problems.size();
        String at = "lake.maintenance.";
        Duration interval = duration(problems, at + "interval", m.interval);
        Duration snapshotMaxAge = duration(problems, at + "snapshot-max-age", m.snapshotMaxAge);
        Duration orphanMinAge = duration(problems, at + "orphan-min-age", m.orphanMinAge);
        if (m.targetFileBytes < 1 << 20) {
            problems.add(at + "target-file-bytes: " + m.targetFileBytes + " is below 1 MiB (1048576)");
        }
        if (m.retainLast < 1) {
            problems.add(at + "retain-last: " + m.retainLast + " must be at least 1");
        }
        if (orphanMinAge != null && orphanMinAge.compareTo(MaintenanceOptions.LEAST_ORPHAN_MIN_AGE) < 0) {
            problems.add(at + "orphan-min-age: " + m.orphanMinAge + " is below 1h; files that young may belong to a "
                    + "checkpoint being written, and deleting them would lose its data");
        }
        if (problems.size() > before) {
            return null;
        }
        return new MaintenanceOptions(m.enabled, interval, m.compact, m.targetFileBytes, m.rewriteManifests,
                snapshotMaxAge, m.retainLast, orphanMinAge);
    }

    /** One {@code tables} entry, every problem named by its path; null when it has problems. */
    private static TableOptions tableOptions(List<String> problems, String path, PipelineConfig.Table t,
            SchemaEvolution defaultEvolution) {
        int before = problems.size();
        TableId name = null;
        Pattern regex = null;
        if ((t.name == null) == (t.regex == null)) {
            problems.add(path + ": give either name (<db>.<table>) or regex (matched against <db>.<table>), not "
                    + (t.name == null ? "neither" : "both"));
        } else if (t.name != null) {
            try {
                name = TableId.parse(t.name);
            } catch (IllegalArgumentException e) {
                problems.add(path + ".name: " + e.getMessage());
            }
        } else {
            try {
                regex = Pattern.compile(t.regex);
            } catch (PatternSyntaxException e) {
                problems.add(path + ".regex: '" + t.regex + "' is not a regular expression: " + e.getDescription()
                        + " at index " + e.getIndex());
            }
        }
        if (t.table != null && t.regex != null) {
            problems.add(path + ".table: a lake table name applies to one source table; use it with name, not regex");
        }
        LakeFormat format = t.format == null ? null : oneOf(problems, path + ".format", t.format, LakeFormat.class);
        PartitionTransforms partitioning = null;
        try {
            partitioning = PartitionTransforms.parse(t.partitionBy);
        } catch (IllegalArgumentException e) {
            problems.add(path + ".partition-by: " + e.getMessage());
        }
        SchemaEvolution evolution = t.schemaEvolution == null ? defaultEvolution
                : oneOf(problems, path + ".schema-evolution", t.schemaEvolution, SchemaEvolution.class);
        CleaningRules cleaning = CleaningRules.of(t.filter, t.columns, t.drop);
        problems.addAll(cleaning.syntaxProblems(path));
        if (problems.size() > before || evolution == null) {
            return null;
        }
        if (format != null && format.delta() && partitioning != null) {
            try {
                partitioning.identityColumns();
            } catch (IllegalArgumentException e) {
                problems.add(path + ".partition-by: " + e.getMessage());
                return null;
            }
        }
        return new TableOptions(name, regex, t.namespace, t.table, partitioning, t.properties, evolution, cleaning, format);
    }

    private String resolve(List<String> problems, String path, String value) {
        if (value == null || !value.startsWith("${env:") || !value.endsWith("}")) {
            return value;
        }
        String variable = value.substring(6, value.length() - 1);
        String resolved = environment.apply(variable);
        if (resolved == null) {
            problems.add(path + ": environment variable " + variable + " is not set");
        }
        return resolved;
    }

    private static void required(List<String> problems, String path, String value) {
        if (value == null || value.isBlank()) {
            problems.add(path + ": required");
        }
    }

    private static <E extends Enum<E>> E oneOf(List<String> problems, String path, String value, Class<E> type) {
        try {
            return Enum.valueOf(type, String.valueOf(value).toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            List<String> accepted = new ArrayList<>();
            for (E constant : type.getEnumConstants()) {
                accepted.add(constant.name().toLowerCase(Locale.ROOT));
            }
            problems.add(path + ": '" + value + "' is not one of " + String.join(", ", accepted));
            return null;
        }
    }

    private static Duration duration(List<String> problems, String path, String value) {
        try {
            Duration d = TimeUtils.parseDuration(value);
            if (d.toMillis() < 100) {
                problems.add(path + ": " + value + " is below 100 ms");
            }
            return d;
        } catch (RuntimeException e) {
            problems.add(path + ": '" + value + "' is not a duration (e.g. 30s, 2min, 500ms)");
            return null;
        }
    }

    private static String path(JsonMappingException e) {
        StringBuilder sb = new StringBuilder();
        for (JsonMappingException.Reference r : e.getPath()) {
            if (r.getFieldName() != null) {
                sb.append(sb.length() == 0 ? "" : ".").append(r.getFieldName());
            } else if (r.getIndex() >= 0) {
                sb.append('[').append(r.getIndex()).append(']');
            }
        }
        return sb.length() == 0 ? "(top level)" : sb.toString();
    }
}
