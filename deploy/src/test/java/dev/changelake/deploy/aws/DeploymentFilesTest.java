package dev.changelake.deploy.aws;

import static org.assertj.core.api.Assertions.assertThat;

import dev.changelake.msf.ChangelakeApplication;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The FlinkDeployment, and that no deployment file or doc holds a credential. */
class DeploymentFilesTest {
    static final Path REPO = Path.of("..");

    @Test
    void flinkDeploymentRunsTheApplicationJarsEntryPointWithRenderedProperties() throws Exception {
        Map<String, Object> d = CloudFormationYaml.read(REPO.resolve("deploy/k8s/flinkdeployment.yaml"));
        Map<String, Object> spec = CloudFormationTemplatesTest.map(d.get("spec"));
        Map<String, Object> job = CloudFormationTemplatesTest.map(spec.get("job"));

        assertThat(d).containsEntry("apiVersion", "flink.apache.org/v1beta1").containsEntry("kind", "FlinkDeployment");
        assertThat(spec).containsEntry("flinkVersion", "v1_20");
        assertThat(job).containsEntry("entryClass", ChangelakeApplication.class.getName())
                .containsEntry("args", List.of("--properties", "/opt/changelake/application-properties.json"));
        assertThat(String.valueOf(spec.get("podTemplate"))).contains("mountPath=/opt/changelake", "name=changelake-properties");
        assertThat(CloudFormationTemplatesTest.map(spec.get("flinkConfiguration")))
                .containsEntry("execution.checkpointing.unaligned.enabled", "false");
    }

    /** AWS access key ids, secret keys, private keys, and passwords or secrets written as values rather than references. */
    static final List<Pattern> CREDENTIALS = List.of(
            Pattern.compile("(AKIA|ASIA)[0-9A-Z]{16}"),
            Pattern.compile("(?i)aws_secret_access_key\\s*[=:]\\s*\\S+"),
            Pattern.compile("-----BEGIN [A-Z ]*PRIVATE KEY-----"),
            Pattern.compile("(?i)[\"']?(password|secret[-_.]?(access[-_.]?)?key)[\"']?\\s*[:=]\\s*[\"']?(?![$<{\\s])[^\\s\"',}]{4,}"));

    @Test
    void noDeploymentFileOrDocHoldsACredential() throws Exception {
        List<Path> files;
        try (Stream<Path> aws = Files.walk(REPO.resolve("deploy/aws")); Stream<Path> k8s = Files.walk(REPO.resolve("deploy/k8s"))) {
            files = Stream.concat(Stream.concat(aws, k8s), Stream.of(REPO.resolve("docs/deploy-aws.md"), REPO.resolve("msf-app/pom.xml")))
                    .filter(Files::isRegularFile).collect(Collectors.toList());
        }
        assertThat(files).hasSizeGreaterThanOrEqualTo(5);
        for (Path f : files) {
            String text = Files.readString(f);
            for (Pattern p : CREDENTIALS) {
                assertThat(p.matcher(text).results().map(m -> m.group()).collect(Collectors.toList()))
                        .as(f + " holds what looks like a credential").isEmpty();
            }
        }
    }

    @Test
    void credentialPatternsFindWhatTheyAreFor() {
        List<String> caught = List.of("password: hunter22", "\"database.password\": \"s3cr3tpw\"", "AKIAABCDEFGHIJKLMNOP",
                "s3.secret-access-key=abcdefgh");
        List<String> fine = List.of("password: '${env:DB_PASSWORD}'", "\"database.password\": \"${secretsmanager:x:password}\"",
                "password: <a password you keep only in Secrets Manager>");
        caught.forEach(s -> assertThat(CREDENTIALS).as(s).anyMatch(p -> p.matcher(s).find()));
        fine.forEach(s -> assertThat(CREDENTIALS).as(s).noneMatch(p -> p.matcher(s).find()));
    }
}
