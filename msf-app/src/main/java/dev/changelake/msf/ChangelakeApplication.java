package dev.changelake.msf;

import dev.changelake.jobs.changelog.ChangelogJob;
import dev.changelake.jobs.changelog.ChangelogJobOptions;
import dev.changelake.jobs.changelog.TableResolver;
import dev.changelake.jobs.config.ApplicationProperties;
import dev.changelake.jobs.config.ConfigException;
import dev.changelake.jobs.config.Pipeline;
import dev.changelake.jobs.config.PipelineConfigLoader;
import dev.changelake.jobs.config.PropertyGroups;
import dev.changelake.schema.ChangeDecoder;
import dev.changelake.schema.TableId;
import dev.changelake.schema.TableSchema;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The application jar's one entry point. On Managed Service for Apache Flink it reads the application's runtime
 * property groups; anywhere else (a Flink cluster of your own, a {@code java -cp} run on a local mini-cluster) the same
 * groups from a JSON file in MSF's development format, {@code --properties <file>} (default
 * {@value #DEFAULT_LOCAL_PROPERTIES} in the working directory). Group {@code application} names the job
 * ({@link ApplicationProperties}); the other groups are that job's configuration. On MSF, checkpointing, parallelism
 * and the state backend come from the application's settings; elsewhere from the configuration.
 */
public final class ChangelakeApplication {
    private static final Logger LOG = LoggerFactory.getLogger(ChangelakeApplication.class);
    /** The name AWS's examples give the local copy of the runtime properties. */
    static final String DEFAULT_LOCAL_PROPERTIES = "flink-application-properties-dev.json";

    private ChangelakeApplication() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, Properties> runtime = PropertyGroups.fromRuntime();
        boolean onMsf = !runtime.isEmpty();
        Path local = localProperties(args);
        String name = onMsf ? "the MSF runtime properties" : local.toString();
        ApplicationProperties app = ApplicationProperties.split(name, onMsf ? runtime : PropertyGroups.fromJsonFile(local));
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        LOG.info("changelake: job {} from {}{}", app.job(), name, onMsf ? " (checkpointing and parallelism: MSF's)" : "");
        switch (app.job()) {
            case CHANGELOG:
                changelog(env, name, app.jobGroups(), onMsf);
                break;
            default:
                throw new IllegalStateException("no launcher for job " + app.job());
        }
    }

    static Path localProperties(String[] args) {
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--properties") && i + 1 < args.length) {
                return Path.of(args[i + 1]);
            }
            if (args[i].startsWith("--properties=")) {
                return Path.of(args[i].substring("--properties=".length()));
            }
        }
        return Path.of(DEFAULT_LOCAL_PROPERTIES);
    }

    private static void changelog(StreamExecutionEnvironment env, String name, Map<String, Properties> groups,
            boolean onMsf) throws Exception {
        Pipeline pipeline;
        try {
            pipeline = new PipelineConfigLoader().load(name, groups);
        } catch (ConfigException e) {
            // the problems, each with its path, are the whole message: what the operator has to fix
            LOG.error("changelake: {}", e.getMessage());
            throw e;
        }
        ChangelogJobOptions options = pipeline.jobOptions();
        ChangeDecoder decoder = pipeline.decoder();
        Map<TableId, TableSchema> known = new TableResolver(options, decoder).resolve();
        LOG.info("changelake: mirroring {} (known now: {})", options.topicPattern(), known.keySet());
        ChangelogJob.build(env, options, decoder, known, onMsf);
        env.execute("changelake changelog " + options.topicPrefix());
    }
}
