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
        CommandLine cli = ChangelakeCli.commandLine();
        cli.setErr(new PrintWriter(err));

        int code = cli.execute("verify", "--config", config.toString());

        assertThat(code).isEqualTo(2);
        assertThat(err.toString()).contains("source.database.hostname: required").contains("lake.catalog.warehouse: required");
    }

    @Test
    void maintainRefusesABadConfigurationAndDoesNothingWhenMaintenanceIsOff() throws Exception {
        String config = String.join("\n",
                "source:",
                "  database: {hostname: db, user: cdc, password: pw}",
                "  kafka: {bootstrap-servers: 'b:9092'}",
                "  databases: [shop]",
                "lake:",
                "  catalog: {warehouse: 's3://bucket/warehouse', properties: {uri: 'jdbc:sqlite:/nonexistent/c.db'}}",
                "  maintenance: {enabled: false}",
                "checkpoint: {dir: 's3://bucket/checkpoints'}", "");
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = ChangelakeCli.commandLine().setOut(new PrintWriter(out)).setErr(new PrintWriter(err));

        assertThat(cli.execute("maintain", "--config", Files.writeString(dir.resolve("off.yaml"), config).toString()))
                .as(err.toString()).isZero();
        assertThat(out.toString()).contains("maintain: lake.maintenance.enabled is false; nothing done");
        Path bad = Files.writeString(dir.resolve("bad.yaml"), config.replace("enabled: false", "orphan-min-age: 5min"));
        assertThat(cli.execute("maintain", "--config", bad.toString())).isEqualTo(2);
        assertThat(err.toString()).contains("lake.maintenance.orphan-min-age: 5min is below 1h");
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
        CommandLine cli = ChangelakeCli.commandLine();
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));

        assertThat(cli.execute("check", "--config", Files.writeString(dir.resolve("ok.yaml"), valid).toString())).isZero();
        assertThat(out.toString()).contains("ok.yaml: valid");
        Path bad = Files.writeString(dir.resolve("bad.yaml"), valid.replace("hostname: db", "hostname: db, prot: 3306"));
        assertThat(cli.execute("check", "--config", bad.toString())).isEqualTo(2);
        assertThat(err.toString()).contains("source.database.prot: unknown key; accepted here:").contains("port");
    }

    @Test
    void checkRefusesBadTableEntriesNamingThePathThePositionAndTheFix() throws Exception {
        String config = String.join("\n",
                "source:",
                "  database: {hostname: db, user: cdc, password: pw}",
                "  kafka: {bootstrap-servers: 'b:9092'}",
                "tables:",
                "  - name: shop.orders",
                "    filter: \"status <> 'TEST'\"",
                "    columns: {email: 'lower(trim(email)'}",
                "  - regex: 'shop\\.item_[0-9+'",
                "    partition-by: ['days(created_at', 'bucket(16, id)']",
                "lake:",
                "  catalog: {warehouse: 's3://bucket/warehouse'}",
                "checkpoint: {dir: 's3://bucket/checkpoints'}", "");
        StringWriter err = new StringWriter();
        CommandLine cli = ChangelakeCli.commandLine();
        cli.setErr(new PrintWriter(err));

        assertThat(cli.execute("check", "--config", Files.writeString(dir.resolve("p.yaml"), config).toString())).isEqualTo(2);
        assertThat(err.toString())
                .contains("tables[0].columns.email: lower(trim(email) — syntax error at column 18")
                .contains("tables[1].regex: 'shop\\.item_[0-9+' is not a regular expression")
                .contains("tables[1].partition-by: 'days(created_at' is not a partition transform; accepted: a column name, identity(col), bucket(N, col)");
    }

    @Test
    void checkReadsTheManagedFlinkPropertyGroupsFile() throws Exception {
        String groups = String.join("\n", "[",
                "{\"PropertyGroupId\": \"source\", \"PropertyMap\": {\"database.hostname\": \"db\", \"database.user\": \"cdc\",",
                "  \"database.password\": \"pw\", \"kafka.bootstrap-servers\": \"b:9092\", \"databases.0\": \"shop\"}},",
                "{\"PropertyGroupId\": \"tables\", \"PropertyMap\": {\"0.name\": \"shop.orders\", \"0.columns.email\": \"lower(email)\"}},",
                "{\"PropertyGroupId\": \"lake.catalog\", \"PropertyMap\": {\"warehouse\": \"s3://b/w\", \"properties[s3.endpoint]\": \"http://s3\"}},",
                "{\"PropertyGroupId\": \"checkpoint\", \"PropertyMap\": {\"dir\": \"s3://b/c\", \"interval\": \"10s\"}}",
                "]");
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = ChangelakeCli.commandLine();
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));

        Path ok = Files.writeString(dir.resolve("groups.json"), groups);
        assertThat(cli.execute("check", "--properties", ok.toString())).as(err.toString()).isZero();
        Path bad = Files.writeString(dir.resolve("bad.json"), groups.replace("\"interval\": \"10s\"", "\"interval\": \"soon\""));
        assertThat(cli.execute("check", "--properties", bad.toString())).isEqualTo(2);
        assertThat(err.toString()).contains("checkpoint.interval: 'soon' is not a duration");
    }
}
