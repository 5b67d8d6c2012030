package dev.changelake.deploy.cli;

import dev.changelake.jobs.config.ConfigException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code changelake}: the command line, wrapped by {@code bin/changelake}. */
@Command(name = "changelake", mixinStandardHelpOptions = true, version = "changelake 0.1.0",
        description = "Keeps lake tables on S3 in step with a MySQL database, through Debezium, Kafka and Flink.",
        subcommands = {LocalCommand.class, VerifyCommand.class, MaintainCommand.class, CheckCommand.class, ProduceCommand.class, DeployCommand.class,
                CommandLine.HelpCommand.class})
public final class ChangelakeCli {

    /**
     * The command line as {@code bin/changelake} runs it: enum options in any case (the README writes
     * {@code --format delta}), and a configuration that does not load ends the command with its message and exit
     * status 2, whichever command loaded it.
     */
    public static CommandLine commandLine() {
        return new CommandLine(new ChangelakeCli()).setCaseInsensitiveEnumValuesAllowed(true)
                .setExecutionExceptionHandler((e, cmd, parsed) -> {
                    if (e instanceof ConfigException) {
                        cmd.getErr().println(e.getMessage());
                        cmd.getErr().flush();
                        return 2;
                    }
                    throw e;
                });
    }

    public static void main(String[] args) {
        int code = commandLine().execute(args);
        if (!LocalCommand.interrupted()) {
            System.exit(code); // Flink's and Kafka's non-daemon threads would otherwise keep the JVM up
        }
    }
}
