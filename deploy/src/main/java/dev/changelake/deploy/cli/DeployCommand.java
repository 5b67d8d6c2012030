package dev.changelake.deploy.cli;

import dev.changelake.deploy.aws.DeployRender;
import dev.changelake.jobs.config.ConfigException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code changelake deploy}: files for running the pipeline in AWS or on a Flink cluster of your own. */
@Command(name = "deploy", mixinStandardHelpOptions = true,
        description = "Files for deploying the pipeline: see docs/deploy-aws.md.",
        subcommands = {DeployCommand.Render.class, CommandLine.HelpCommand.class})
final class DeployCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        return 2;
    }

    /** {@code changelake deploy render}. */
    @Command(name = "render", mixinStandardHelpOptions = true,
            description = {"Writes, from a pipeline.yaml, the application's runtime properties "
                    + "(application-properties.json: MSF property groups, also the local file of the application jar), "
                    + "the Debezium connector configuration (connector-config.json) and, for AWS, the CloudFormation "
                    + "parameters (base-parameters.json, pipeline-parameters.json) and the pipeline stack with both "
                    + "filled in (changelake-pipeline.yaml). No secret is written: the database password becomes a "
                    + "Secrets Manager reference (AWS) or ${env:…} (--own). Exit 0 when written, 2 with every problem."})
    static final class Render implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = "--config", required = true, description = "The pipeline.yaml.")
        Path config;

        @Option(names = "--out", required = true, description = "Directory to write to (created if missing).")
        Path out;

        @Option(names = "--own", description = "For a Flink cluster and Connect worker of your own (Flink Kubernetes "
                + "Operator, local): any catalog, no CloudFormation files.")
        boolean own;

        @Option(names = "--db-secret-name", description = "Name of the Secrets Manager secret with the source "
                + "database's password (key 'password'); default changelake/source-db.")
        String secretName;

        @Option(names = "--repo", defaultValue = ".", description = "The repository, for deploy/aws templates (default: "
                + "the working directory).")
        Path repo;

        @Override
        public Integer call() throws IOException {
            DeployRender render;
            try {
                render = new DeployRender(own ? DeployRender.Target.OWN : DeployRender.Target.AWS, secretName);
            } catch (IllegalArgumentException e) {
                spec.commandLine().getErr().println(e.getMessage());
                return 2;
            }
            Map<String, String> files;
            try {
                files = render.render(config, own ? null : DeployRender.pipelineTemplate(repo));
            } catch (ConfigException e) {
                spec.commandLine().getErr().println(e.getMessage());
                return 2;
            }
            Files.createDirectories(out);
            for (Map.Entry<String, String> f : files.entrySet()) {
                Files.writeString(out.resolve(f.getKey()), f.getValue());
                spec.commandLine().getOut().println("wrote " + out.resolve(f.getKey()));
            }
            return 0;
        }
    }
}
