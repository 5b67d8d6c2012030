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
    PipelineConfigLoader(Function<String, String> environment) {
        this.environment = environment;
    }

    public Pipeline load(Path file) throws ConfigException {
        String name = file.toString();
        PipelineConfig config;
        try {
            config = YAML.readValue(Files.readAllBytes(file), PipelineConfig.class);
        } catch (UnrecognizedPropertyException e) {
            throw new ConfigException(name, List.of(path(e) + ": unknown key; accepted here: "
                    + e.getKnownPropertyIds().stream().map(String::valueOf).sorted().collect(Collectors.joining(", "))));
        } catch (JsonMappingException e) {
            throw new ConfigException(name, List.of(path(e) + ": " + e.getOriginalMessage()));
        } catch (IOException e) {
            throw new ConfigException(name, List.of("cannot read the file: " + e.getMessage()));
        }
        if (config == null) {
            throw new ConfigException(name, List.of("the file is empty"));
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
        if (c.source.databases.isEmpty() && c.source.tables.isEmpty()) {
            problems.add("source: name the tables to mirror in source.databases (every table of a database) or source.tables (<db>.<table>)");
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
        if (c.deadLetters.topic != null && !c.deadLetters.topic.matches("[A-Za-z0-9._-]+")) {
            problems.add("dead-letters.topic: '" + c.deadLetters.topic + "' is not a Kafka topic name (letters, digits, '.', '_', '-')");
        }
        if (c.job.parallelism < 1) {
            problems.add("job.parallelism: " + c.job.parallelism + " must be at least 1");
        }
        if (!problems.isEmpty()) {
            throw new ConfigException(name, problems);
        }
        Map<String, String> catalogProperties = c.lake.catalog.properties.entrySet().stream()
                .collect(Collectors.toMap(Map.Entry::getKey, e -> resolve(problems, "lake.catalog.properties." + e.getKey(), e.getValue())));
        if (!problems.isEmpty()) {
            throw new ConfigException(name, problems);
        }
        return new Pipeline(c, flavour, noKey, encoding, schemaStore, password, tables,
                new CatalogOptions(c.lake.catalog.name, catalogType, c.lake.catalog.warehouse, catalogProperties), interval);
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
