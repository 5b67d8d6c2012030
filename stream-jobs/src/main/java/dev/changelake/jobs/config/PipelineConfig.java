package dev.changelake.jobs.config;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code pipeline.yaml}, as bound by {@link PipelineConfigLoader}: kebab-case keys, unknown keys refused. Each section
 * turns into the typed options of its stage ({@code CaptureOptions}, {@code ChangelogJobOptions},
 * {@code CatalogOptions}); defaults live here.
 *
 * <pre>
 * source:
 *   database: {flavour: mariadb, hostname: db.internal, port: 3306, user: cdc, password: ${env:DB_PASSWORD}}
 *   kafka: {bootstrap-servers: "b-1.msk:9092", group-id: changelake-changelog}
 *   topic-prefix: changelake
 *   databases: [shop]          # every table with a primary key in these databases
 *   tables: [crm.accounts]     # and/or single tables
 *   tables-without-primary-key: refuse   # or append: an append-only changelog table
 *   encoding: json             # or avro, with avro-schema-store: file:///…
 * lake:
 *   catalog: {name: lake, type: jdbc, warehouse: s3://bucket/warehouse, properties: {uri: "jdbc:sqlite:/x.db"}}
 *   namespace: mirror          # default: the source database's name
 * checkpoint: {interval: 30s, dir: s3://bucket/checkpoints}
 * job: {parallelism: 2}
 * dead-letters: {topic: changelake.dead-letters}   # the default
 * </pre>
 */
public final class PipelineConfig {
    public Source source = new Source();
    public Lake lake = new Lake();
    public Checkpoint checkpoint = new Checkpoint();
    public Job job = new Job();
    public DeadLetters deadLetters = new DeadLetters();

    /** Where changes come from. */
    public static final class Source {
        public Database database = new Database();
        public Kafka kafka = new Kafka();
        public String topicPrefix = "changelake";
        public List<String> databases = new ArrayList<>();
        public List<String> tables = new ArrayList<>();
        /**
         * {@code json} (JsonConverter with embedded schemas), {@code json_without_schemas} (the job reads column types
         * from the source's information_schema at start) or {@code avro} (single-object encoding, schemas in a store).
         */
        public String encoding = "json";
        /** With {@code encoding: avro}: where the capture keeps writer schemas, e.g. {@code file:///var/lib/schemas}. */
        public String avroSchemaStore;
        /** {@code refuse} (leave such tables out, logged) or {@code append} (an append-only changelog table). */
        public String tablesWithoutPrimaryKey = "refuse";
    }

    /** The MySQL-protocol source database. */
    public static final class Database {
        /** {@code mariadb} or {@code mysql} (MySQL 8, RDS / Aurora MySQL). */
        public String flavour = "mariadb";
        public String hostname;
        public int port = 3306;
        public String user;
        /** Write {@code ${env:NAME}} to read it from the environment rather than keep it in the file. */
        public String password;
    }

    /** The Kafka (MSK) cluster the change topics live in. */
    public static final class Kafka {
        public String bootstrapServers;
        public String groupId = "changelake-changelog";
    }

    /** Where tables go. */
    public static final class Lake {
        public Catalog catalog = new Catalog();
        public String namespace;
    }

    /** The Iceberg catalog. */
    public static final class Catalog {
        public String name = "lake";
        /** {@code jdbc}, {@code glue} or {@code rest}. */
        public String type = "jdbc";
        public String warehouse;
        public Map<String, String> properties = new LinkedHashMap<>();
    }

    /** Flink checkpointing. */
    public static final class Checkpoint {
        public String interval = "30s";
        public String dir;
    }

    /** Where records the job cannot use are set aside, whole, with the reason in headers. */
    public static final class DeadLetters {
        /** Default: {@code <topic-prefix>.dead-letters}. */
        public String topic;
    }

    /** The Flink job. */
    public static final class Job {
        public int parallelism = 2;
    }
}
