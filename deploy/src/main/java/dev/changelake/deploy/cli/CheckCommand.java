package dev.changelake.deploy.cli;

import dev.changelake.jobs.config.ApplicationProperties;
import dev.changelake.jobs.config.ConfigException;
import dev.changelake.jobs.config.PipelineConfigLoader;
import dev.changelake.jobs.config.PropertyGroups;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code changelake check}: validates a pipeline.yaml without starting or connecting to anything. */
@Command(name = "check", mixinStandardHelpOptions = true,
        description = {"Validates a pipeline.yaml without running anything: exit 0 when it is valid, 2 with every "
                + "problem (YAML path, bad value, what is accepted) when it is not."})
final class CheckCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--config", description = "The pipeline.yaml.")
    Path config;

    @Option(names = "--properties", description = "Or the same keys as Managed Service for Apache Flink property "
            + "groups, in the local JSON form (flink-application-properties-dev.json).")
    Path properties;

    @Override
    public Integer call() {
        if ((config == null) == (properties == null)) {
            spec.commandLine().getErr().println("give --config <pipeline.yaml> or --properties <groups.json>");
            return 2;
        }
        try {
            if (config != null) {
                new PipelineConfigLoader().load(config);
            } else {
                // the application group (which job runs) is the entry point's, not the pipeline's
                new PipelineConfigLoader().load(properties.toString(), ApplicationProperties.split(properties.toString(),
                        PropertyGroups.fromJsonFile(properties)).jobGroups());
            }
            spec.commandLine().getOut().println((config != null ? config : properties) + ": valid");
            return 0;
        } catch (ConfigException e) {
            spec.commandLine().getErr().println(e.getMessage());
            return 2;
        }
    }
}
