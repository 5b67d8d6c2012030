package dev.changelake.deploy.aws;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The committed CloudFormation templates, and the pipeline template as {@code deploy render} fills it in: they parse,
 * every name they use exists and every parameter is used, every bucket is KMS-encrypted, private and TLS-only, and no
 * IAM statement allows {@code *} resources except where AWS requires it (listed, with why, in {@link #STAR_RESOURCE}).
 */
class CloudFormationTemplatesTest {
    static final Path REPO = Path.of("..");
    static final Path BASE = REPO.resolve("deploy/aws/changelake-base.yaml");
    static final Path PIPELINE = REPO.resolve(DeployRender.PIPELINE_TEMPLATE);
    static final Set<String> PSEUDO = Set.of("AWS::AccountId", "AWS::Region", "AWS::Partition", "AWS::StackName",
            "AWS::NoValue", "AWS::URLSuffix", "AWS::StackId");

    /**
     * The only actions an Allow statement may grant on {@code "*"}: MSF's VPC access. EC2's Describe calls support no
     * resource-level permissions, and MSF creates the application's network interfaces before their ARNs exist
     * (MSF's VPC documentation grants these on "*"). A KMS key policy's {@code "*"} is the key itself and is checked
     * apart ({@link #keyPolicyStarMeansTheKeyItself}).
     */
    static final Set<String> STAR_RESOURCE = Set.of("ec2:DescribeVpcs", "ec2:DescribeSubnets",
            "ec2:DescribeSecurityGroups", "ec2:DescribeDhcpOptions", "ec2:DescribeNetworkInterfaces",
            "ec2:CreateNetworkInterface", "ec2:CreateNetworkInterfacePermission", "ec2:DeleteNetworkInterface");

    @TempDir
    static Path out;

    static Stream<Path> templates() throws Exception {
        Map<String, String> files = new DeployRender(DeployRender.Target.AWS, null)
                .render(REPO.resolve("deploy/aws/pipeline.example.yaml"), Files.readString(PIPELINE));
        Path rendered = Files.writeString(out.resolve(DeployRender.PIPELINE_STACK), files.get(DeployRender.PIPELINE_STACK));
        return Stream.of(BASE, PIPELINE, rendered);
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> map(Object o) {
        return (Map<String, Object>) o;
    }

    @SuppressWarnings("unchecked")
    static List<Object> list(Object o) {
        return o instanceof List ? (List<Object>) o : List.of(o);
    }

    static Map<String, Map<String, Object>> resources(Map<String, Object> template, String type) {
        Map<String, Map<String, Object>> found = new java.util.LinkedHashMap<>();
        map(template.get("Resources")).forEach((name, r) -> {
            if (type.equals(map(r).get("Type"))) {
                found.put(name, map(r));
            }
        });
        return found;
    }

    @ParameterizedTest
    @MethodSource("templates")
    void everyNameUsedExistsAndEveryParameterIsUsed(Path file) throws Exception {
        Map<String, Object> t = CloudFormationYaml.read(file);
        Set<String> parameters = map(t.getOrDefault("Parameters", Map.of())).keySet();
        Set<String> resources = map(t.get("Resources")).keySet();

        List<String> used = CloudFormationYaml.references(List.of(t.get("Resources"), t.getOrDefault("Outputs", Map.of()),
                t.getOrDefault("Conditions", Map.of())));

        Set<String> known = new HashSet<>(parameters);
        known.addAll(resources);
        known.addAll(PSEUDO);
        assertThat(used).as(file + ": names used but not declared").allMatch(known::contains);
        assertThat(parameters).as(file + ": parameters nothing uses").allMatch(used::contains);
        // every resource condition names a declared condition
        Set<String> conditions = map(t.getOrDefault("Conditions", Map.of())).keySet();
        map(t.get("Resources")).values().forEach(r -> {
            Object c = map(r).get("Condition");
            assertThat(c == null || conditions.contains(c)).as(file + ": condition " + c).isTrue();
        });
    }

    @ParameterizedTest
    @MethodSource("templates")
    void everyBucketIsKmsEncryptedPrivateAndTlsOnly(Path file) throws Exception {
        Map<String, Object> t = CloudFormationYaml.read(file);
        Map<String, Map<String, Object>> buckets = resources(t, "AWS::S3::Bucket");
        Map<String, Map<String, Object>> policies = resources(t, "AWS::S3::BucketPolicy");

        for (Map.Entry<String, Map<String, Object>> b : buckets.entrySet()) {
            Map<String, Object> p = map(b.getValue().get("Properties"));
            Map<String, Object> rule = map(list(map(p.get("BucketEncryption")).get("ServerSideEncryptionConfiguration")).get(0));
            Map<String, Object> sse = map(rule.get("ServerSideEncryptionByDefault"));
            assertThat(sse.get("SSEAlgorithm")).as(b.getKey()).isEqualTo("aws:kms");
            assertThat(sse.get("KMSMasterKeyID")).as(b.getKey() + " names its key").isNotNull();
            assertThat(map(p.get("PublicAccessBlockConfiguration"))).as(b.getKey()).containsAllEntriesOf(Map.of(
                    "BlockPublicAcls", true, "BlockPublicPolicy", true, "IgnorePublicAcls", true, "RestrictPublicBuckets", true));
            assertThat(policies.values()).as(b.getKey() + " has a policy refusing requests without TLS").anyMatch(policy -> {
                Map<String, Object> pp = map(policy.get("Properties"));
                return Map.of("Ref", b.getKey()).equals(pp.get("Bucket")) && list(map(pp.get("PolicyDocument")).get("Statement"))
                        .stream().map(CloudFormationTemplatesTest::map).anyMatch(s -> "Deny".equals(s.get("Effect"))
                                && String.valueOf(s.get("Condition")).contains("aws:SecureTransport=false"));
            });
        }
    }

    @ParameterizedTest
    @MethodSource("templates")
    void iamStatementsAllowNoStarResourceOrWildcardActionBeyondTheListedExceptions(Path file) throws Exception {
        Map<String, Object> t = CloudFormationYaml.read(file);
        List<Map<String, Object>> statements = new ArrayList<>();
        resources(t, "AWS::IAM::Role").values().forEach(role -> list(map(role.get("Properties")).getOrDefault("Policies", List.of()))
                .forEach(policy -> list(map(map(policy).get("PolicyDocument")).get("Statement")).forEach(s -> statements.add(map(s)))));
        resources(t, "AWS::IAM::Policy").values().forEach(policy -> list(map(map(policy.get("Properties"))
                .get("PolicyDocument")).get("Statement")).forEach(s -> statements.add(map(s))));

        for (Map<String, Object> s : statements) {
            assertThat(s.get("Effect")).isEqualTo("Allow");
            List<Object> actions = list(s.get("Action"));
            assertThat(actions).as("statement " + s.get("Sid") + ": no wildcard actions")
                    .allMatch(a -> !a.equals("*") && !String.valueOf(a).endsWith(":*"));
            if (list(s.get("Resource")).contains("*")) {
                assertThat(actions).as("statement " + s.get("Sid") + " allows '*' resources").allMatch(STAR_RESOURCE::contains);
            }
        }
        if (file.toString().contains("pipeline")) {
            assertThat(statements).as("the roles' statements").hasSizeGreaterThan(10);
        }
    }

    @Test
    void keyPolicyStarMeansTheKeyItself() throws Exception {
        Map<String, Object> t = CloudFormationYaml.read(BASE);
        for (Map<String, Object> key : resources(t, "AWS::KMS::Key").values()) {
            Map<String, Object> p = map(key.get("Properties"));
            assertThat(p.get("EnableKeyRotation")).isEqualTo(true);
            list(map(p.get("KeyPolicy")).get("Statement")).forEach(s -> assertThat(String.valueOf(map(s).get("Principal")))
                    .as("only the account's own IAM decides who uses the key").contains(":root"));
        }
    }

    @Test
    void mskRequiresIamAndTlsAndEncryptsAtRestWithTheKey() throws Exception {
        Map<String, Object> cluster = resources(CloudFormationYaml.read(BASE), "AWS::MSK::Cluster").values().iterator().next();
        Map<String, Object> p = map(cluster.get("Properties"));
        assertThat(String.valueOf(p.get("ClientAuthentication"))).contains("Iam={Enabled=true}").contains("Unauthenticated={Enabled=false}");
        assertThat(map(map(p.get("EncryptionInfo")).get("EncryptionInTransit"))).containsEntry("ClientBroker", "TLS").containsEntry("InCluster", true);
        assertThat(map(map(p.get("EncryptionInfo")).get("EncryptionAtRest")).get("DataVolumeKMSKeyId")).isNotNull();
    }

    @Test
    void alarmsWatchNoDataCheckpointFailuresAndDeadLetters() throws Exception {
        Map<String, Map<String, Object>> alarms = resources(CloudFormationYaml.read(PIPELINE), "AWS::CloudWatch::Alarm");

        assertThat(alarms.values()).extracting(a -> map(a.get("Properties")).get("MetricName"))
                .containsExactlyInAnyOrder("numRecordsIn", "numberOfFailedCheckpoints", "deadLetters");
        alarms.values().forEach(a -> assertThat(String.valueOf(map(a.get("Properties")).get("Dimensions")))
                .contains("Name=Application, Value={Ref=Application}"));
    }

    @Test
    void applicationLeavesNothingToDefaultsTheJobNoLongerSets() throws Exception {
        Map<String, Object> app = resources(CloudFormationYaml.read(PIPELINE), "AWS::KinesisAnalyticsV2::Application").values()
                .iterator().next();
        Map<String, Object> p = map(app.get("Properties"));
        assertThat(p.get("RuntimeEnvironment")).isEqualTo("FLINK-1_20");
        Map<String, Object> flink = map(map(p.get("ApplicationConfiguration")).get("FlinkApplicationConfiguration"));
        assertThat(map(flink.get("CheckpointConfiguration"))).containsEntry("ConfigurationType", "CUSTOM")
                .containsEntry("CheckpointingEnabled", true).containsEntry("CheckpointInterval", Map.of("Ref", "CheckpointIntervalMillis"));
        assertThat(map(flink.get("ParallelismConfiguration"))).containsEntry("Parallelism", Map.of("Ref", "Parallelism"));
    }
}
