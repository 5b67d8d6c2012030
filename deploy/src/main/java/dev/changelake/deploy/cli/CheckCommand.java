package dev.changelake.deploy.cli;

import dev.changelake.jobs.config.ConfigException;
import dev.changelake.jobs.config.PipelineConfigLoader;
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

    @Option(names = "--config", required = true, description = "The pipeline.yaml.")
    Path config;

    @Override
    public Integer call() {
        try {
            new PipelineConfigLoader().load(config);
            spec.commandLine().getOut().println(config + ": valid");
            return 0;
        } catch (ConfigException e) {
            spec.commandLine().getErr().println(e.getMessage());
            return 2;
        }
    }
}
