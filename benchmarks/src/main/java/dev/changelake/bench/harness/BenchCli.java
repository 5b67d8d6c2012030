package dev.changelake.bench.harness;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code changelake bench}: the benchmarks of BENCHMARKS.md, run by {@code bin/changelake bench}. */
@Command(name = "changelake bench", mixinStandardHelpOptions = true,
        description = "Runs a benchmark workload on this machine and writes its results to benchmarks/results/.",
        subcommands = {W1Command.class, SessionsCommand.class, MaintenanceCommand.class, CommandLine.HelpCommand.class})
public final class BenchCli {

    public static void main(String[] args) {
        System.setProperty("java.awt.headless", "true"); // the chart is drawn off-screen
        int code = new CommandLine(new BenchCli()).execute(args);
        System.exit(code); // Flink's and Kafka's non-daemon threads would otherwise keep the JVM up
    }
}
