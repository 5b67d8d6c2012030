package dev.changelake.jobs.config;

import dev.changelake.jobs.changelog.LakeFormat;
import dev.changelake.lake.delta.DeltaOptions;
import dev.changelake.lake.maintain.MaintenanceOptions;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import dev.changelake.ingest.CaptureOptions;
import dev.changelake.jobs.changelog.ChangelogJobOptions;
import dev.changelake.jobs.changelog.SchemaEvolution;
import dev.changelake.lake.catalog.CatalogOptions;
import dev.changelake.schema.Encoding;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code pipeline.yaml}, as bound by {@link PipelineConfigLoader}: kebab-case keys, unknown keys refused. This class
 * tree is the one place that names every option, its default and its documentation: {@code docs/configuration.md}
 * is generated from it ({@link ConfigDocs}) and the same keys load from MSF property groups ({@link PropertyGroups}).
 * Each section turns into the typed options of its stage ({@code CaptureOptions}, {@code ChangelogJobOptions},
 * {@code TableOptions}, {@code CatalogOptions}).
 */
public final class PipelineConfig {
    @JsonPropertyDescription("Where changes come from: the source database, the Kafka cluster, the change topics.")
    public Source source = new Source();
    @JsonPropertyDescription("Per-table settings, by name or regular expression; the first entry that matches a table applies.")
    public List<Table> tables = new ArrayList<>();
    @JsonPropertyDescription("Where tables go.")
    public Lake lake = new Lake();
    @JsonPropertyDescription("Flink checkpointing, which also paces lake commits.")
    public Checkpoint checkpoint = new Checkpoint();
    @JsonPropertyDescription("The Flink job.")
    public Job job = new Job();
    @JsonPropertyDescription("Where records the job cannot use are set aside, whole, with the reason in headers.")
    public DeadLetters deadLetters = new DeadLetters();
    @JsonPropertyDescription("The SessionJob: session windows over an event stream, one lake row per session. Absent: no SessionJob.")
    public SessionsConfig sessions;

    /** Where changes come from. */
    public static final class Source {
        @JsonPropertyDescription("The MySQL-protocol source database Debezium captures.")
        public Database database = new Database();
        @JsonPropertyDescription("The Kafka (MSK) cluster the change topics live in.")
        public Kafka kafka = new Kafka();
        @JsonPropertyDescription("Debezium's topic prefix: the change topic of db.table is <prefix>.<db>.<table>.")
        public String topicPrefix = ChangelogJobOptions.DEFAULT_TOPIC_PREFIX;
        @JsonPropertyDescription("Databases whose every table with a primary key is mirrored.")
        public List<String> databases = new ArrayList<>();
        @JsonPropertyDescription("Single tables to mirror, as <db>.<table> (tables entries with a name are mirrored too).")
        public List<String> tables = new ArrayList<>();
        @JsonPropertyDescription("Debezium's signalling table, <db>.<table>, through which a table is snapshotted again "
                + "while the capture runs (docs/operations.md, e.g. after the binlog was purged); its own changes stay out "
                + "of the topics. It must exist with columns id VARCHAR(42) PRIMARY KEY, type VARCHAR(32), data "
                + "VARCHAR(2048), and the capture user must be able to insert into it. Absent: no signalling.")
        public String signalTable;
        @JsonPropertyDescription("How the capture writes change records: json (JsonConverter with embedded schemas), "
                + "json_without_schemas (the job reads column types from the source's information_schema at start) "
                + "or avro (single-object encoding, writer schemas in avro-schema-store).")
        @OneOf(enumType = Encoding.class)
        public String encoding = "json";
        @JsonPropertyDescription("With encoding avro: where the capture keeps writer schemas, e.g. file:///var/lib/changelake/schemas.")
        public String avroSchemaStore;
        @JsonPropertyDescription("A table without primary key cannot be upserted: refuse leaves it out (logged), "
                + "append mirrors it as an append-only changelog table.")
        @OneOf(enumType = ChangelogJobOptions.TablesWithoutPrimaryKey.class)
        public String tablesWithoutPrimaryKey = "refuse";
        @JsonPropertyDescription("A change record (key + value) larger than this many bytes is set aside as a dead "
                + "letter rather than decoded, so one huge row cannot exhaust a task's memory.")
        public long maxChangeBytes = ChangelogJobOptions.DEFAULT_MAX_CHANGE_BYTES;
    }

    /** The MySQL-protocol source database. */
    public static final class Database {
        @JsonPropertyDescription("mariadb, or mysql (MySQL 8, RDS / Aurora MySQL).")
        @OneOf(enumType = CaptureOptions.Flavour.class)
        public String flavour = "mariadb";
        @JsonPropertyDescription("Host name of the source database (required).")
        public String hostname;
        @JsonPropertyDescription("TCP port of the source database.")
        public int port = 3306;
        @JsonPropertyDescription("User the capture connects as (required).")
        public String user;
        @JsonPropertyDescription("Its password; write ${env:NAME} to read it from the environment instead of keeping it in the file.")
        public String password;
    }

    /** The Kafka (MSK) cluster the change topics live in. */
    public static final class Kafka {
        @JsonPropertyDescription("Kafka bootstrap servers, host:port[,host:port] (required).")
        public String bootstrapServers;
        @JsonPropertyDescription("Consumer group of the job; offsets are committed to it on each checkpoint, for monitoring.")
        public String groupId = ChangelogJobOptions.DEFAULT_GROUP_ID;
        @JsonPropertyDescription("How every Kafka client authenticates and encrypts: plaintext, tls (TLS, e.g. MSK port "
                + "9094) or iam (TLS + AWS IAM, MSK port 9098; no secret: the role the client runs as signs); for the "
                + "job and for Debezium's schema history clients. properties may add to or override what it sets.")
        @OneOf(enumType = KafkaSecurity.class)
        public String security = "plaintext";
        @JsonPropertyDescription("Extra Kafka client properties for every client of the job (source and dead letters), "
                + "e.g. security.protocol: SSL, ssl.truststore.location; ${env:NAME} is resolved in values.")
        public Map<String, String> properties = new LinkedHashMap<>();
        @JsonPropertyDescription("How often the job looks for change topics of new tables (a table created, or newly "
                + "matched by a tables entry); they are picked up without a restart.")
        @DurationString
        public String topicDiscoveryInterval = ChangelogJobOptions.DEFAULT_TOPIC_DISCOVERY_INTERVAL;
        @JsonPropertyDescription("At start, when a change topic the job is to read does not exist yet (a named table's "
                + "topic, or no topic at all for a database or regex entry): wait starts anyway and picks the topics up "
                + "when Debezium creates them (within topic-discovery-interval); fail refuses to start, naming the "
                + "missing topics and the bootstrap servers (and reports Kafka unreachable).")
        @OneOf(enumType = ChangelogJobOptions.MissingTopics.class)
        public String missingTopics = "wait";
    }

    /** One entry of {@code tables}: which tables, and how they are mirrored. */
    public static final class Table {
        @JsonPropertyDescription("The source table, <db>.<table>; give name or regex.")
        public String name;
        @JsonPropertyDescription("A Java regular expression matched against the whole <db>.<table>, e.g. shop\\.order_.*; "
                + "it chooses among the change topics under the topic prefix.")
        public String regex;
        @JsonPropertyDescription("Lake namespace (database) of the table; default lake.namespace, else the source database's name.")
        public String namespace;
        @JsonPropertyDescription("Lake table name (only with name); default: the source table's name.")
        public String table;
        @JsonPropertyDescription("Lake table format: iceberg, delta (Delta Lake, upserted copy-on-write) or both; "
                + "default lake.format.")
        @OneOf(enumType = LakeFormat.class)
        public String format;
        @JsonPropertyDescription("Partition transforms of a new lake table, Iceberg style: col, identity(col), bucket(N, col), "
                + "truncate(N, col), years/months/days/hours(col). With a primary key, only key columns: an upserted row must not change partition.")
        public List<String> partitionBy = new ArrayList<>();
        @JsonPropertyDescription("Table properties of a new lake table, e.g. write.target-file-size-bytes.")
        public Map<String, String> properties = new LinkedHashMap<>();
        @JsonPropertyDescription("What a column change at the source does: evolve (add columns, widen types in the lake), "
                + "fail (set the change aside as a dead letter) or ignore (keep the lake schema); default lake.schema-evolution.")
        @OneOf(enumType = SchemaEvolution.class)
        public String schemaEvolution;
        @JsonPropertyDescription("SQL condition a row must meet to be in the lake, e.g. status <> 'TEST'; a row that stops "
                + "meeting it is deleted from the lake.")
        public String filter;
        @JsonPropertyDescription("Computed or rewritten columns, name: SQL expression, e.g. email: lower(trim(email)); "
                + "masking: sha256(x), mask(x), mask(x, n), redact(x).")
        public Map<String, String> columns = new LinkedHashMap<>();
        @JsonPropertyDescription("Columns left out of the lake.")
        public List<String> drop = new ArrayList<>();
    }

    /** Where tables go. */
    public static final class Lake {
        @JsonPropertyDescription("The Iceberg catalog the lake tables are registered in.")
        public Catalog catalog = new Catalog();
        @JsonPropertyDescription("Lake namespace of every table no tables entry places; default: the source database's name.")
        public String namespace;
        @JsonPropertyDescription("Schema-evolution mode of tables whose entry does not set one: evolve, fail or ignore.")
        @OneOf(enumType = SchemaEvolution.class)
        public String schemaEvolution = "evolve";
        @JsonPropertyDescription("Table format of tables whose entry does not set one: iceberg, delta or both.")
        @OneOf(enumType = LakeFormat.class)
        public String format = "iceberg";
        @JsonPropertyDescription("Delta Lake tables (format delta or both).")
        public Delta delta = new Delta();
        @JsonPropertyDescription("At start the job checks that the catalog answers and the warehouse storage (S3) can be "
                + "listed, retrying with backoff (1 s doubling to 30 s) for this long; then it refuses to start with the "
                + "endpoint it could not reach. Nothing is written before the check passes.")
        @DurationString
        public String startTimeout = ChangelogJobOptions.DEFAULT_LAKE_START_TIMEOUT;
        @JsonPropertyDescription("Table maintenance beside the pipeline (changelake maintain): compaction, snapshot "
                + "expiry, orphan removal, manifest rewrite for Iceberg; log checkpoint and vacuum for Delta.")
        public Maintenance maintenance = new Maintenance();
    }

    /** Table maintenance: what {@code changelake maintain} does to the pipeline's tables, and how often. */
    public static final class Maintenance {
        @JsonPropertyDescription("Whether the pipeline's tables are maintained; false: changelake maintain does nothing.")
        public boolean enabled = true;
        @JsonPropertyDescription("Time between two passes of changelake maintain --every (and of the local run).")
        @DurationString
        public String interval = MaintenanceOptions.DEFAULT_INTERVAL;
        @JsonPropertyDescription("Iceberg: rewrite each partition's data files, deletes applied, into files of "
                + "target-file-bytes; then remove the delete files no live row needs.")
        public boolean compact = true;
        @JsonPropertyDescription("Iceberg: size of the files compaction writes.")
        public long targetFileBytes = MaintenanceOptions.DEFAULT_TARGET_FILE_BYTES;
        @JsonPropertyDescription("Iceberg: rewrite the manifests into as few as their target size allows.")
        public boolean rewriteManifests = true;
        @JsonPropertyDescription("Iceberg: snapshots older than this are expired (time travel reaches back this far), "
                + "keeping retain-last and the newest snapshot each Flink sink committed (a restore needs it).")
        @DurationString
        public String snapshotMaxAge = MaintenanceOptions.DEFAULT_SNAPSHOT_MAX_AGE;
        @JsonPropertyDescription("Iceberg: snapshots kept whatever their age.")
        public int retainLast = MaintenanceOptions.DEFAULT_RETAIN_LAST;
        @JsonPropertyDescription("Iceberg: files under a table's location that no snapshot references are deleted once "
                + "older than this (at least 1h: younger ones may belong to a checkpoint being written); keep it above "
                + "the age of the oldest checkpoint or savepoint you may restore from.")
        @DurationString
        public String orphanMinAge = MaintenanceOptions.DEFAULT_ORPHAN_MIN_AGE;
    }

    /** Delta Lake tables. */
    public static final class Delta {
        @JsonPropertyDescription("Where Delta tables go, as <location>/<namespace>/<table>; default <lake.catalog.warehouse>/delta. "
                + "Delta tables are not registered in the Iceberg catalog.")
        public String location;
        @JsonPropertyDescription("Hadoop file system settings for the Delta tables (fs.s3a.*); S3 endpoint, path-style "
                + "access, keys and region default to the catalog's s3.* properties.")
        public Map<String, String> hadoop = new LinkedHashMap<>();
        @JsonPropertyDescription("Data files smaller than this in a partition with changes are rewritten with them, so "
                + "checkpoint after checkpoint of inserts does not leave a trail of small files.")
        public long smallFileBytes = DeltaOptions.DEFAULT_SMALL_FILE_BYTES;
        @JsonPropertyDescription("Removed data files are deleted by vacuum once no table version younger than this reads them.")
        @DurationString
        public String vacuumRetention = DeltaOptions.DEFAULT_VACUUM_RETENTION;
        @JsonPropertyDescription("How often the sink vacuums each table it writes.")
        @DurationString
        public String vacuumInterval = DeltaOptions.DEFAULT_VACUUM_INTERVAL;
    }

    /** The Iceberg catalog. */
    public static final class Catalog {
        @JsonPropertyDescription("Catalog name.")
        public String name = "lake";
        @JsonPropertyDescription("jdbc (Iceberg's JDBC catalog), glue (AWS Glue Data Catalog) or rest.")
        @OneOf(enumType = CatalogOptions.Type.class)
        public String type = "jdbc";
        @JsonPropertyDescription("Where table data and metadata go, e.g. s3://bucket/warehouse (required).")
        public String warehouse;
        @JsonPropertyDescription("Iceberg catalog properties, e.g. uri, s3.endpoint.")
        public Map<String, String> properties = new LinkedHashMap<>();
    }

    /** Flink checkpointing. */
    public static final class Checkpoint {
        @JsonPropertyDescription("Checkpoint interval; each checkpoint commits to the lake, so it is also the freshness of the lake.")
        @DurationString
        public String interval = ChangelogJobOptions.DEFAULT_CHECKPOINT_INTERVAL;
        @JsonPropertyDescription("Where checkpoints go, a Flink file system URI: file:///…, s3://… (required).")
        public String dir;
        @JsonPropertyDescription("Checkpoint interval while the job is behind by more than backlog-threshold records "
                + "(after an outage, a re-snapshot, a burst): fewer, larger commits while catching up.")
        @DurationString
        public String intervalDuringBacklog = ChangelogJobOptions.DEFAULT_CHECKPOINT_INTERVAL_DURING_BACKLOG;
        @JsonPropertyDescription("Records in the change topics not yet committed to the lake above which the job counts as "
                + "catching up (measured every 5 s from the consumer group's committed offsets).")
        public long backlogThreshold = ChangelogJobOptions.DEFAULT_BACKLOG_THRESHOLD_RECORDS;
        @JsonPropertyDescription("Least time between the end of one checkpoint and the start of the next (at most half "
                + "the interval), so a backlog makes progress even when checkpoints take longer than the interval.")
        @DurationString
        public String minPause = ChangelogJobOptions.DEFAULT_MIN_PAUSE;
        @JsonPropertyDescription("A checkpoint taking longer is abandoned; generous, since one during a backlog commits large files.")
        @DurationString
        public String timeout = ChangelogJobOptions.DEFAULT_CHECKPOINT_TIMEOUT;
        @JsonPropertyDescription("Checkpoint failures in a row the job tolerates before it restarts (a passing S3 or catalog error).")
        public int tolerableFailures = ChangelogJobOptions.DEFAULT_TOLERABLE_CHECKPOINT_FAILURES;
    }

    /** Where records the job cannot use are set aside. */
    public static final class DeadLetters {
        @JsonPropertyDescription("Kafka topic of dead letters; default <topic-prefix>.dead-letters.")
        public String topic;
        @JsonPropertyDescription("Instead of the topic, an Iceberg table (namespace.table) in the lake catalog, one row "
                + "per dead letter (failed_at, reason_code, stage, reason, source topic/partition/offset, key, value).")
        public String table;
        @JsonPropertyDescription("Key and value bytes of a dead letter beyond this are cut (the original size goes in a "
                + "header), so it fits the broker's maximum message size.")
        public int maxRecordBytes = ChangelogJobOptions.DEFAULT_MAX_DEAD_LETTER_BYTES;
    }

    /** The Flink job. */
    public static final class Job {
        @JsonPropertyDescription("Parallelism of the job's operators and lake writers.")
        public int parallelism = ChangelogJobOptions.DEFAULT_PARALLELISM;
        @JsonPropertyDescription("Bytes (estimated) of changes the collapse stage holds per subtask between checkpoints, "
                + "keeping only the latest change per key; past it, it writes early (still correct, less collapsed).")
        public long collapseMaxBytes = ChangelogJobOptions.DEFAULT_COLLAPSE_MAX_BYTES;
    }
}
