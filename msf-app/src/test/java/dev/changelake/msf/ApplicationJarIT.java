package dev.changelake.msf;

import static org.assertj.core.api.Assertions.assertThat;

import dev.changelake.jobs.config.KafkaSecurity;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The packaged application jar ({@code target/*-msf.jar}, built in {@code package}, so an IT) against what the
 * runtime provides ({@code target/provided.classpath}) and what MSF's Flink 1.20 runtime runs on.
 */
class ApplicationJarIT {
    /** The newest class file version a Java 11 JVM (MSF's Flink 1.20 runtime, aws-msk-iam-auth#228) loads. */
    static final int JAVA_11 = 55;

    static JarFile jar;

    @BeforeAll
    static void openJar() throws IOException {
        try (var files = Files.list(Path.of("target"))) {
            Path path = files.filter(p -> p.getFileName().toString().endsWith("-msf.jar")).findFirst()
                    .orElseThrow(() -> new AssertionError("no target/*-msf.jar: run mvn package first"));
            jar = new JarFile(path.toFile());
        }
    }

    @AfterAll
    static void closeJar() throws IOException {
        jar.close();
    }

    static Set<String> classes(JarFile j) {
        return j.stream().map(JarEntry::getName).filter(n -> n.endsWith(".class") && !n.startsWith("META-INF/"))
                .collect(Collectors.toCollection(TreeSet::new));
    }

    static String text(String entry) throws IOException {
        JarEntry e = jar.getJarEntry(entry);
        assertThat(e).as(entry).isNotNull();
        try (InputStream in = jar.getInputStream(e)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void nothingTheRuntimeProvidesIsInsideTheJar() throws IOException {
        List<String> provided = Arrays.asList(Files.readString(Path.of("target/provided.classpath")).trim().split(":"));
        assertThat(provided).anyMatch(p -> p.contains("flink-runtime-")).anyMatch(p -> p.contains("log4j-core-"));
        Set<String> inJar = classes(jar);
        Map<String, Integer> clashes = new TreeMap<>();
        for (String p : provided) {
            try (JarFile runtime = new JarFile(p)) {
                Set<String> both = new HashSet<>(classes(runtime));
                both.retainAll(inJar);
                if (!both.isEmpty()) {
                    clashes.put(Path.of(p).getFileName().toString(), both.size());
                }
            }
        }

        assertThat(clashes).as("classes of provided jars inside the application jar").isEmpty();
        assertThat(inJar).noneMatch(c -> c.startsWith("org/slf4j/") || c.startsWith("org/apache/logging/")
                || c.startsWith("org/apache/log4j/") || c.startsWith("ch/qos/logback/"));
        assertThat(jar.getJarEntry("log4j2.xml")).as("a logging configuration of our own").isNull();
        assertThat(jar.getJarEntry("log4j.properties")).isNull();
    }

    @Test
    void connectorsAndAwsSdkAreInsideWithTheirServiceFilesMerged() throws IOException {
        Set<String> inJar = classes(jar);
        assertThat(inJar).contains("org/apache/flink/connector/kafka/source/KafkaSource.class",
                "org/apache/iceberg/flink/sink/dynamic/DynamicIcebergSink.class",
                "software/amazon/awssdk/services/s3/S3Client.class",
                "software/amazon/awssdk/services/glue/GlueClient.class",
                "com/amazonaws/services/kinesisanalytics/runtime/KinesisAnalyticsRuntime.class");
        // one file per service, holding every provider the merged jars declare
        assertThat(text("META-INF/services/org.apache.flink.table.factories.Factory"))
                .contains("org.apache.iceberg.flink.FlinkDynamicTableFactory",
                        "org.apache.flink.streaming.connectors.kafka.table.KafkaDynamicTableFactory");
        assertThat(text("META-INF/services/java.sql.Driver")).contains("org.sqlite.JDBC", "org.mariadb.jdbc.Driver");
        assertThat(text("META-INF/services/software.amazon.awssdk.http.SdkHttpService"))
                .contains("ApacheSdkHttpService", "UrlConnectionSdkHttpService");
    }

    @Test
    void mskIamAuthenticationClassesTheConfigurationNamesAreInside() {
        Map<String, String> iam = KafkaSecurity.IAM.clientProperties();
        String loginModule = iam.get("sasl.jaas.config").split(" ")[0];
        String handler = iam.get("sasl.client.callback.handler.class");

        assertThat(classes(jar)).contains(loginModule.replace('.', '/') + ".class", handler.replace('.', '/') + ".class");
    }

    @Test
    void manifestStartsTheOneEntryPoint() throws IOException {
        assertThat(jar.getManifest().getMainAttributes().getValue("Main-Class")).isEqualTo(ChangelakeApplication.class.getName());
    }

    /**
     * MSF runs Flink 1.20 on Java 11, so every class in the jar must be Java 11 bytecode or older: Iceberg is 1.10.x (1.11
     * dropped Java 11) and changelake's own modules in the jar are compiled with {@code --release 11}. A dependency or a
     * module that brings a newer class fails here. See docs/deploy-aws.md, "Java version".
     */
    @Test
    void noClassNeedsMoreThanJava11() {
        Map<String, Integer> above = new TreeMap<>();
        jar.stream().filter(e -> e.getName().endsWith(".class") && !e.getName().startsWith("META-INF/"))
                .forEach(e -> {
                    int major = majorVersion(e);
                    if (major > JAVA_11) {
                        above.put(e.getName(), major);
                    }
                });

        assertThat(above).as("classes above major version %d (Java 11)", JAVA_11).isEmpty();
        // the check reads real class files: ours and Iceberg's are there, at most Java 11
        assertThat(majorVersion(jar.getJarEntry(ChangelakeApplication.class.getName().replace('.', '/') + ".class")))
                .isEqualTo(JAVA_11);
        assertThat(majorVersion(jar.getJarEntry("org/apache/iceberg/Table.class"))).isBetween(52, JAVA_11);
    }

    private static int majorVersion(JarEntry e) {
        try (InputStream in = jar.getInputStream(e)) {
            byte[] head = in.readNBytes(8);
            return ((head[6] & 0xff) << 8) | (head[7] & 0xff);
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }
}
