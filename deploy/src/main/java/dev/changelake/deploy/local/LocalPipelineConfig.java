package dev.changelake.deploy.local;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import dev.changelake.jobs.config.PipelineConfig;
import dev.changelake.lake.catalog.CatalogOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** The {@code pipeline.yaml} of a local stack, so the same file-driven tools (verify) work against it. */
public final class LocalPipelineConfig {
    private LocalPipelineConfig() {
    }

    /** Writes {@code <work dir>/pipeline.yaml} of {@code mirror} on {@code stack} and returns its path. */
    public static Path write(LocalStack stack, String database, LocalMirror mirror) throws IOException {
        CatalogOptions catalog = mirror.jobOptions().catalog();
        PipelineConfig c = new PipelineConfig();
        c.source.database.flavour = "mariadb";
        c.source.database.hostname = stack.mariaDb().host();
        c.source.database.port = stack.mariaDb().port();
        c.source.database.user = stack.mariaDb().rootUser(); // verify reads every table, whoever created it
        c.source.database.password = stack.mariaDb().rootPassword();
        c.source.kafka.bootstrapServers = stack.kafka().bootstrapServers();
        c.source.databases = List.of(database);
        c.lake.catalog.name = catalog.name();
        c.lake.catalog.type = catalog.type().name().toLowerCase(java.util.Locale.ROOT);
        c.lake.catalog.warehouse = catalog.warehouse();
        c.lake.catalog.properties.putAll(catalog.properties());
        c.source.encoding = mirror.captureOptions().encoding().name().toLowerCase(java.util.Locale.ROOT);
        c.source.avroSchemaStore = mirror.captureOptions().avroSchemaStore() == null ? null
                : mirror.captureOptions().avroSchemaStore().toString();
        c.source.tablesWithoutPrimaryKey = mirror.jobOptions().tablesWithoutPrimaryKey().name().toLowerCase(java.util.Locale.ROOT);
        c.checkpoint.dir = mirror.jobOptions().checkpointDir();
        c.lake.format = mirror.jobOptions().formatOf(new dev.changelake.schema.TableId(database, "any")).name()
                .toLowerCase(java.util.Locale.ROOT);
        c.source.kafka.groupId = mirror.jobOptions().groupId();
        ObjectMapper yaml = new ObjectMapper(new YAMLFactory().disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER))
                .setPropertyNamingStrategy(PropertyNamingStrategies.KEBAB_CASE);
        Path file = stack.workDir().resolve("pipeline.yaml");
        Files.writeString(file, "# changelake pipeline of the local stack in " + stack.workDir() + "\n" + yaml.writeValueAsString(c));
        return file;
    }
}
