package dev.changelake.deploy.local;

import static org.assertj.core.api.Assertions.assertThat;

import dev.changelake.fixtures.KafkaServices;
import dev.changelake.fixtures.S3Server;
import dev.changelake.fixtures.workload.DemoWorkload;
import dev.changelake.ingest.CaptureOptions;
import dev.changelake.ingest.CaptureRunner;
import dev.changelake.jobs.changelog.ChangelogJob;
import dev.changelake.jobs.changelog.ChangelogJobOptions;
import dev.changelake.jobs.changelog.TableResolver;
import dev.changelake.lake.catalog.CatalogOptions;
import dev.changelake.lake.catalog.LakeCatalogs;
import dev.changelake.lake.verify.MirrorVerifier;
import dev.changelake.lake.verify.VerifyReport;
import dev.changelake.schema.TableId;
import dev.changelake.schema.TableSchema;
import dev.changelake.schema.format.debezium.DebeziumJsonDecoder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.testcontainers.containers.MySQLContainer;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;

/**
 * The {@code mysql} flavour on a real MySQL 8 (Testcontainers): Debezium's MySQL connector on the same Connect worker,
 * the same job, the same verifier. Runs where a Docker engine exists; JUnit reports it skipped, with Testcontainers'
 * reason ("Docker is not available"), where none does (as on our CI machines).
 */
@Testcontainers(disabledWithoutDocker = true)
class MySqlFlavourE2EIT {
    static final String DB = "shop";

    @Container
    static final MySQLContainer<?> MYSQL = new MySQLContainer<>("mysql:8.4").withDatabaseName(DB)
            .withUsername("cdc").withPassword("cdc-pw")
            .withCommand("--log-bin=binlog", "--binlog-format=ROW", "--binlog-row-image=FULL", "--server-id=1",
                    "--gtid-mode=ON", "--enforce-gtid-consistency=ON");

    @TempDir
    Path workDir;

    @Test
    void mysqlFlavourMirrorsTheDemoShopExactly() throws Exception {
        String rootUrl = "jdbc:mariadb://" + MYSQL.getHost() + ":" + MYSQL.getMappedPort(3306) + "/" + DB
                + "?allowPublicKeyRetrieval=true";
        try (Connection root = DriverManager.getConnection(rootUrl, "root", MYSQL.getPassword())) {
            root.createStatement().execute("GRANT SELECT, RELOAD, SHOW DATABASES, REPLICATION SLAVE, REPLICATION CLIENT ON *.* TO 'cdc'@'%'");
            DemoWorkload workload = new DemoWorkload(DB, 11);
            workload.createSchema(root);
            workload.seed(root, 30, 120);

            try (KafkaServices kafka = KafkaServices.start(workDir.resolve("kafka"));
                 S3Server s3 = S3Server.start(workDir.resolve("s3"), "lake");
                 LocalFlinkCluster flink = LocalFlinkCluster.start(0, 4)) {
                CaptureOptions capture = CaptureOptions.builder().flavour(CaptureOptions.Flavour.MYSQL)
                        .hostname(MYSQL.getHost()).port(MYSQL.getMappedPort(3306)).user("cdc").password("cdc-pw")
                        .databases(List.of(DB)).kafkaBootstrapServers(kafka.bootstrapServers()).build();
                new CaptureRunner(kafka.connectUrl(), capture).start(Duration.ofMinutes(2));
                CatalogOptions catalog = CatalogOptions.sqliteOnS3("lake", workDir.resolve("catalog.db").toString(),
                        "s3://lake/warehouse", s3.endpoint(), s3.accessKey(), s3.secretKey(), s3.region());
                ChangelogJobOptions options = ChangelogJobOptions.builder().bootstrapServers(kafka.bootstrapServers())
                        .databases(List.of(DB)).catalog(catalog).checkpointInterval(Duration.ofSeconds(2))
                        .checkpointDir(Files.createDirectories(workDir.resolve("checkpoints")).toUri().toString()).build();
                TableResolver resolver = new TableResolver(options, new DebeziumJsonDecoder());
                Map<TableId, TableSchema> tables = Awaitility.await().atMost(Duration.ofMinutes(2))
                        .until(resolver::resolve, t -> t.size() == 2);
                StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
                ChangelogJob.build(env, options, new DebeziumJsonDecoder(), tables);
                flink.submit(env, "mysql-flavour", Optional.empty());

                workload.run(root, 100, Duration.ofSeconds(15), new AtomicBoolean());

                try (var lake = (java.io.Closeable) LakeCatalogs.open(catalog)) {
                    MirrorVerifier verifier = new MirrorVerifier(rootUrl, "root", MYSQL.getPassword(),
                            (org.apache.iceberg.catalog.Catalog) lake);
                    Map<TableId, org.apache.iceberg.catalog.TableIdentifier> pairs = tables.keySet().stream()
                            .collect(Collectors.toMap(t -> t, t -> options.lakeTableOf(t)));
                    VerifyReport report = Awaitility.await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofSeconds(2))
                            .until(() -> verifier.verify(pairs), VerifyReport::ok);
                    assertThat(report.summaryLine()).startsWith("verify: OK 2 tables");
                }
            }
        }
    }
}
