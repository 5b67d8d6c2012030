package dev.changelake.deploy.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.changelake.deploy.cli.ChangelakeCli;
import dev.changelake.fixtures.KafkaServices;
import dev.changelake.fixtures.S3Server;
import dev.changelake.lake.catalog.CatalogOptions;
import dev.changelake.lake.catalog.LakeCatalogs;
import dev.changelake.msf.ChangelakeApplication;
import java.io.Closeable;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.stream.Stream;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.data.IcebergGenerics;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The application jar as MSF would run it, here: {@code msf-app}'s shaded jar with nothing beside it but what the
 * runtime provides ({@code msf-app/target/provided.classpath}: Flink, Log4j, SLF4J), started through its one entry
 * point in a JVM of its own (a local mini-cluster) with the runtime properties {@code deploy render} wrote from a
 * pipeline.yaml, against real Kafka and S3. Changes reach the lake, a bad record the dead-letter topic, and neither the
 * rendered files nor the application's logs hold the secrets this test hands it.
 */
class MsfApplicationIT {
    static final Path MSF_TARGET = Path.of("../msf-app/target");
    static final String TOPIC = "changelake.shop.orders";
    static final int ROWS = 5;
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path workDir;
    static KafkaServices kafka;
    static S3Server s3;

    @BeforeAll
    static void startServices() throws IOException {
        kafka = KafkaServices.start(workDir.resolve("kafka"));
        s3 = S3Server.start(workDir.resolve("s3"), "lake");
    }

    @AfterAll
    static void stopServices() {
        if (s3 != null) {
            s3.close();
        }
        if (kafka != null) {
            kafka.close();
        }
    }

    @Test
    void shadedJarWithOnlyTheRuntimesClasspathMirrorsChangesFromRenderedPropertiesAndLogsNoSecret() throws Exception {
        String dbPassword = "db-" + UUID.randomUUID(); // never used to connect: only to prove it goes nowhere
        Path config = pipelineYaml();
        Path out = workDir.resolve("rendered");
        StringWriter err = new StringWriter();
        int code = ChangelakeCli.commandLine().setErr(new PrintWriter(err)).setOut(new PrintWriter(new StringWriter()))
                .execute("deploy", "render", "--own", "--config", config.toString(), "--out", out.toString());
        assertThat(code).as(err.toString()).isZero();

        produce("{\"id\":99}", "not a Debezium envelope");
        for (int id = 1; id <= ROWS; id++) {
            produce(key(id), insert(id));
        }

        Path log = workDir.resolve("application.log");
        Process app = startApplication(out.resolve(DeployRender.APPLICATION_PROPERTIES), log, dbPassword);
        try {
            await().atMost(Duration.ofMinutes(4)).pollInterval(Duration.ofSeconds(2)).until(() -> {
                assertThat(app.isAlive()).as("the application is running; its log: " + log).isTrue();
                return lakeRows().size() == ROWS;
            });
            assertThat(lakeRows()).containsOnlyKeys(1L, 2L, 3L, 4L, 5L);
            assertThat(lakeRows().get(3L).getField("status")).isEqualTo("PAID");
            assertThat(deadLetterValues()).contains("not a Debezium envelope");
        } finally {
            stop(app);
            // kept for reading after a failure: the temporary directory goes with the test
            Files.copy(log, Path.of("target/msf-application-it.log"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }

        String logText = Files.readString(log);
        assertThat(logText).as("the application logged its run").contains("changelake: job CHANGELOG from");
        List<Path> looked = new ArrayList<>(List.of(log, config));
        try (Stream<Path> rendered = Files.list(out)) {
            rendered.forEach(looked::add);
        }
        for (Path file : looked) {
            String text = Files.readString(file);
            assertThat(text).as(file + " holds the database password").doesNotContain(dbPassword);
            assertThat(text).as(file + " holds the S3 secret key").doesNotContain(s3.secretKey());
        }
        assertThat(Files.readString(out.resolve(DeployRender.CONNECTOR_CONFIG)))
                .contains("\"database.password\" : \"${env:CHANGELAKE_IT_DB_PASSWORD}\"");
    }

    /** A pipeline.yaml for the services here: JDBC catalog on SQLite, tables on the S3 server, no key in the file. */
    private static Path pipelineYaml() throws IOException {
        String yaml = String.join("\n",
                "source:",
                "  database: {flavour: mariadb, hostname: 127.0.0.1, port: 3306, user: cdc, password: '${env:CHANGELAKE_IT_DB_PASSWORD}'}",
                "  kafka: {bootstrap-servers: '" + kafka.bootstrapServers() + "', security: plaintext, topic-discovery-interval: 2s}",
                "  topic-prefix: changelake",
                "  databases: [shop]",
                "lake:",
                "  catalog:",
                "    name: lake",
                "    type: jdbc",
                "    warehouse: s3://lake/warehouse",
                "    properties:",
                "      uri: 'jdbc:sqlite:" + workDir.resolve("catalog.db") + "'",
                "      jdbc.schema-version: V1",
                "      s3.endpoint: '" + s3.endpoint() + "'",
                "      s3.path-style-access: 'true'",
                "      client.region: " + s3.region(),
                "checkpoint: {interval: 2s, dir: '" + workDir.resolve("checkpoints").toUri() + "'}",
                "job: {parallelism: 1}",
                "");
        return Files.writeString(workDir.resolve("pipeline.yaml"), yaml);
    }

    /**
     * {@code java -cp <shaded jar>:<provided classpath> ChangelakeApplication --properties <file>}, credentials in the
     * environment only (S3FileIO's default chain reads them), Log4j at INFO so there is something to search.
     */
    private static Process startApplication(Path properties, Path log, String dbPassword) throws IOException {
        Path jar;
        try (Stream<Path> files = Files.list(MSF_TARGET)) {
            jar = files.filter(p -> p.getFileName().toString().endsWith("-msf.jar")).findFirst()
                    .orElseThrow(() -> new AssertionError("no msf-app/target/*-msf.jar: build msf-app first"));
        }
        List<String> provided = Arrays.asList(Files.readString(MSF_TARGET.resolve("provided.classpath")).trim().split(File.pathSeparator));
        assertThat(provided).as("the runtime's classpath: Flink and logging only")
                .noneMatch(p -> p.contains("changelake") || p.contains("iceberg") || p.contains("kafka-clients")
                        || p.contains("awssdk") || p.contains("hadoop-client"));
        Path log4j = Files.writeString(workDir.resolve("log4j2.properties"), String.join("\n",
                "rootLogger.level = INFO",
                "rootLogger.appenderRef.file.ref = file",
                "appender.file.type = File",
                "appender.file.name = file",
                "appender.file.fileName = " + log,
                "appender.file.layout.type = PatternLayout",
                "appender.file.layout.pattern = %d %-5p %c - %m%n", ""));
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(Arrays.asList(jvmFlags().split("\\s+")));
        command.add("-Xmx1g");
        command.add("-Dlog4j.configurationFile=" + log4j);
        command.add("-cp");
        command.add(jar.toAbsolutePath() + File.pathSeparator + String.join(File.pathSeparator, provided));
        command.add(ChangelakeApplication.class.getName());
        command.add("--properties");
        command.add(properties.toString());
        ProcessBuilder pb = new ProcessBuilder(command).directory(workDir.toFile()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        Map<String, String> env = pb.environment();
        env.put("AWS_ACCESS_KEY_ID", s3.accessKey());
        env.put("AWS_SECRET_ACCESS_KEY", s3.secretKey());
        env.put("AWS_REGION", s3.region());
        env.put("CHANGELAKE_IT_DB_PASSWORD", dbPassword);
        return pb.start();
    }

    private static String jvmFlags() throws IOException {
        try (InputStream in = MsfApplicationIT.class.getClassLoader().getResourceAsStream("changelake-jvm.flags")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).trim();
        }
    }

    private static void stop(Process app) throws InterruptedException {
        app.descendants().forEach(ProcessHandle::destroy);
        app.destroy();
        if (!app.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)) {
            app.destroyForcibly().waitFor();
        }
    }

    private static String key(int id) throws IOException {
        ObjectNode key = (ObjectNode) JSON.readTree(resource("orders-key.json"));
        ((ObjectNode) key.get("payload")).put("id", id);
        return JSON.writeValueAsString(key);
    }

    /** The captured update turned into an insert of {@code id}, at its own binlog position. */
    private static String insert(int id) throws IOException {
        ObjectNode change = (ObjectNode) JSON.readTree(resource("orders-change.json"));
        ObjectNode payload = (ObjectNode) change.get("payload");
        payload.putNull("before");
        payload.put("op", "c");
        ((ObjectNode) payload.get("after")).put("id", id);
        ((ObjectNode) payload.get("source")).put("pos", 1000 + id);
        return JSON.writeValueAsString(change);
    }

    private static String resource(String name) throws IOException {
        try (InputStream in = MsfApplicationIT.class.getResourceAsStream("/msf/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static void produce(String key, String value) throws Exception {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(p)) {
            producer.send(new ProducerRecord<>(TOPIC, key, value)).get();
        }
    }

    private static Map<Object, Record> lakeRows() throws IOException {
        CatalogOptions options = CatalogOptions.sqliteOnS3("lake", workDir.resolve("catalog.db").toString(),
                "s3://lake/warehouse", s3.endpoint(), s3.accessKey(), s3.secretKey(), s3.region());
        Catalog catalog = LakeCatalogs.open(options);
        try {
            TableIdentifier id = TableIdentifier.of("shop", "orders");
            Map<Object, Record> rows = new java.util.HashMap<>();
            if (!catalog.tableExists(id)) {
                return rows;
            }
            try (CloseableIterable<Record> it = IcebergGenerics.read(catalog.loadTable(id)).build()) {
                it.forEach(r -> rows.put(r.getField("id"), r));
            }
            return rows;
        } finally {
            if (catalog instanceof Closeable) {
                ((Closeable) catalog).close();
            }
        }
    }

    private static List<String> deadLetterValues() {
        Properties c = new Properties();
        c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        c.put(ConsumerConfig.GROUP_ID_CONFIG, "msf-it-dead-letters");
        c.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        c.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        List<String> values = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(c)) {
            consumer.subscribe(List.of("changelake.dead-letters"));
            await().atMost(Duration.ofMinutes(1)).until(() -> {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                    values.add(new String(r.value(), StandardCharsets.UTF_8));
                }
                return !values.isEmpty();
            });
        }
        return values;
    }
}
