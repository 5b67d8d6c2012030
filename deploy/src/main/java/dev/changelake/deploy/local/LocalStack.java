package dev.changelake.deploy.local;

import dev.changelake.fixtures.KafkaServices;
import dev.changelake.fixtures.MariaDbServer;
import dev.changelake.fixtures.S3Server;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * Every service the pipeline needs, on this machine: MariaDB with a row binlog, an S3-compatible server, and a
 * Kafka broker with a Connect worker running Debezium. Each runs in a process of its own under {@code workDir}.
 */
public final class LocalStack implements AutoCloseable {
    public static final String BUCKET = "lake";
    public static final String CAPTURE_USER = "changelake";
    public static final String CAPTURE_PASSWORD = "changelake";

    private final List<AutoCloseable> started = new ArrayList<>();
    private MariaDbServer mariaDb;
    private S3Server s3;
    private KafkaServices kafka;
    private final Path workDir;

    private LocalStack(Path workDir) {
        this.workDir = workDir;
    }

    /** Starts the three services and creates {@code database} with a capture user; MariaDB runs in UTC. */
    public static LocalStack start(Path workDir, String database) throws IOException, SQLException {
        return start(workDir, database, "+00:00");
    }

    /**
     * As {@link #start(Path, String)}, with MariaDB's {@code time_zone} set to {@code timeZone} (an offset such as
     * {@code "+05:30"}), to prove that TIMESTAMP columns land in the lake as UTC whatever the server's zone.
     */
    public static LocalStack start(Path workDir, String database, String timeZone) throws IOException, SQLException {
        LocalStack stack = new LocalStack(workDir);
        try {
            stack.mariaDb = stack.track(MariaDbServer.start(workDir.resolve("mariadb"), timeZone));
            stack.mariaDb.createDatabaseAndUser(database, CAPTURE_USER, CAPTURE_PASSWORD);
            stack.s3 = stack.track(S3Server.start(workDir.resolve("s3"), BUCKET));
            stack.kafka = stack.track(KafkaServices.start(workDir.resolve("kafka")));
            return stack;
        } catch (IOException | SQLException | RuntimeException e) {
            stack.close();
            throw e;
        }
    }

    private <T extends AutoCloseable> T track(T service) {
        started.add(service);
        return service;
    }

    public MariaDbServer mariaDb() {
        return mariaDb;
    }

    public S3Server s3() {
        return s3;
    }

    public KafkaServices kafka() {
        return kafka;
    }

    public Path workDir() {
        return workDir;
    }

    /** One line per service with how long it took to start. */
    public String startupTimes() {
        return String.format("MariaDB %.1f s, S3 server %.1f s, Kafka + Connect %.1f s",
                mariaDb.startupTime().toMillis() / 1000.0, s3.startupTime().toMillis() / 1000.0,
                kafka.startupTime().toMillis() / 1000.0);
    }

    /** Stops the services, newest first. */
    @Override
    public void close() {
        for (int i = started.size() - 1; i >= 0; i--) {
            try {
                started.get(i).close();
            } catch (Exception e) {
                // keep closing the others; a service that will not stop is killed by its own close()
            }
        }
        started.clear();
        // Hadoop caches one S3A client per bucket and user for the whole JVM, whatever endpoint the configuration
        // names: a later stack in this JVM (the next test class) would get a client of this stack's S3 server, now
        // gone, and hang in its retries. Delta tables go through that cache.
        try {
            org.apache.hadoop.fs.FileSystem.closeAll();
        } catch (java.io.IOException e) {
            // closing clients of a stopped server; nothing left to do
        }
    }
}
