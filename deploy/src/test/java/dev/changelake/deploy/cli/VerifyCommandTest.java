package dev.changelake.deploy.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class VerifyCommandTest {
    @TempDir
    Path dir;

    @Test
    void badConfigurationExitsWithTwoAndNamesTheProblem() throws Exception {
        Path config = Files.writeString(dir.resolve("pipeline.yaml"), "source:\n  kafka: {bootstrap-servers: 'b:9092'}\n");
        StringWriter err = new StringWriter();
        CommandLine cli = new CommandLine(new ChangelakeCli());
        cli.setErr(new PrintWriter(err));

        int code = cli.execute("verify", "--config", config.toString());

        assertThat(code).isEqualTo(2);
        assertThat(err.toString()).contains("source.database.hostname: required").contains("lake.catalog.warehouse: required");
    }
}
