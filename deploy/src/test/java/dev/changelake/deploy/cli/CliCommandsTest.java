package dev.changelake.deploy.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class CliCommandsTest {
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

    @Test
    void checkAcceptsAValidFileAndRefusesABadOneWithExitTwo() throws Exception {
        String valid = String.join("\n",
                "source:",
                "  database: {hostname: db, user: cdc, password: pw}",
                "  kafka: {bootstrap-servers: 'b:9092'}",
                "  databases: [shop]",
                "lake:",
                "  catalog: {warehouse: 's3://bucket/warehouse', properties: {uri: 'jdbc:sqlite:/tmp/c.db'}}",
                "checkpoint: {dir: 's3://bucket/checkpoints'}", "");
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = new CommandLine(new ChangelakeCli());
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));

        assertThat(cli.execute("check", "--config", Files.writeString(dir.resolve("ok.yaml"), valid).toString())).isZero();
        assertThat(out.toString()).contains("ok.yaml: valid");
        Path bad = Files.writeString(dir.resolve("bad.yaml"), valid.replace("hostname: db", "hostname: db, prot: 3306"));
        assertThat(cli.execute("check", "--config", bad.toString())).isEqualTo(2);
        assertThat(err.toString()).contains("source.database.prot: unknown key; accepted here:").contains("port");
    }
}
