package dev.changelake.deploy.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code changelake}: the command line, wrapped by {@code bin/changelake}. */
@Command(name = "changelake", mixinStandardHelpOptions = true, version = "changelake 0.1.0",
        description = "Keeps lake tables on S3 in step with a MySQL database, through Debezium, Kafka and Flink.",
        subcommands = {LocalCommand.class, VerifyCommand.class, MaintainCommand.class, CheckCommand.class, ProduceCommand.class, DeployCommand.class,
                CommandLine.HelpCommand.class})
public final class ChangelakeCli {

    public static void main(String[] args) {
        // Enum options in any case: the README writes --format delta, --encoding avro.
        int code = new CommandLine(new ChangelakeCli()).setCaseInsensitiveEnumValuesAllowed(true).execute(args);
        if (!LocalCommand.interrupted()) {
            System.exit(code); // Flink's and Kafka's non-daemon threads would otherwise keep the JVM up
        }
    }
}
