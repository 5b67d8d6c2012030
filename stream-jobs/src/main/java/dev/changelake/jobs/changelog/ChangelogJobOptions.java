package dev.changelake.jobs.changelog;

import dev.changelake.lake.delta.DeltaOptions;

import dev.changelake.lake.catalog.CatalogOptions;
import dev.changelake.schema.TableId;
import java.io.Serializable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;
import org.apache.flink.util.TimeUtils;
import org.apache.iceberg.catalog.TableIdentifier;

/** Everything the ChangelogJob is configured with: where changes come from, where tables go, how it checkpoints. */
public final class ChangelogJobOptions implements Serializable {
    private static final long serialVersionUID = 1L;

    /** What becomes of a source table without primary key, which cannot be upserted. */
    public enum TablesWithoutPrimaryKey {
        /** Leave it out, with a log line naming the table and how to include it. */
        REFUSE,
        /**
         * Mirror it as an append-only changelog table: every change appended with its operation and binlog position
         * ({@code _change_op}, {@code _binlog_file}, {@code _binlog_pos}, {@code _binlog_row}, …). Replayed binlog
         * changes are dropped by position; snapshot rows have no position of their own and are appended as read.
         */
        APPEND
    }

    /** What the job does at start when change topics it is to read do not exist yet. */
    public enum MissingTopics {
        /** Refuse to start, naming the topics (or the pattern) and the bootstrap servers. */
        FAIL,
        /** Start anyway; topic discovery picks the topics up when Debezium creates them. */
        WAIT
    }

    final String bootstrapServers;
    final String topicPrefix;
    final List<String> databases;
    final List<TableId> tables;
    final String groupId;
    final CatalogOptions catalog;
    final String namespace;
    final Duration checkpointInterval;
    final String checkpointDir;
    final int parallelism;
    final Duration dedupeStateTtl;
    final TablesWithoutPrimaryKey tablesWithoutPrimaryKey;
    final String deadLetterTopic;
    final String deadLetterTable;
    final long collapseMaxBytes;
    final Duration checkpointIntervalDuringBacklog;
    final long backlogThresholdRecords;
    final Duration minPauseBetweenCheckpoints;
    final Duration checkpointTimeout;
    final int tolerableCheckpointFailures;
    final List<TableOptions> tableOptions;
    final TableOptions unnamedTables;
    final Map<String, String> kafkaProperties;
    final Duration topicDiscoveryInterval;
    final long maxChangeBytes;
    final int maxDeadLetterBytes;
    final LakeFormat defaultFormat;
    final DeltaOptions delta;
    final MissingTopics missingTopics;
    final Duration lakeStartTimeout;

    private ChangelogJobOptions(Builder b) {
        this.bootstrapServers = Objects.requireNonNull(b.bootstrapServers, "bootstrapServers");
        this.topicPrefix = Objects.requireNonNull(b.topicPrefix, "topicPrefix");
        this.databases = List.copyOf(b.databases);
        this.tables = List.copyOf(b.tables);
        this.groupId = Objects.requireNonNull(b.groupId, "groupId");
        this.catalog = Objects.requireNonNull(b.catalog, "catalog");
        this.namespace = b.namespace;
        this.checkpointInterval = b.checkpointInterval;
        this.checkpointDir = Objects.requireNonNull(b.checkpointDir, "checkpointDir");
        this.parallelism = b.parallelism;
        this.dedupeStateTtl = b.dedupeStateTtl;
        this.tablesWithoutPrimaryKey = b.tablesWithoutPrimaryKey;
        this.deadLetterTopic = b.deadLetterTopic != null ? b.deadLetterTopic : topicPrefix + ".dead-letters";
        this.deadLetterTable = b.deadLetterTable;
        this.collapseMaxBytes = b.collapseMaxBytes;
        this.checkpointIntervalDuringBacklog = b.checkpointIntervalDuringBacklog;
        this.backlogThresholdRecords = b.backlogThresholdRecords;
        this.minPauseBetweenCheckpoints = b.minPauseBetweenCheckpoints;
        this.checkpointTimeout = b.checkpointTimeout;
        this.tolerableCheckpointFailures = b.tolerableCheckpointFailures;
        this.tableOptions = List.copyOf(b.tableOptions);
        this.unnamedTables = TableOptions.defaults(b.schemaEvolution);
        this.kafkaProperties = Map.copyOf(b.kafkaProperties);
        this.topicDiscoveryInterval = b.topicDiscoveryInterval;
        this.maxChangeBytes = b.maxChangeBytes;
        this.maxDeadLetterBytes = b.maxDeadLetterBytes;
        this.defaultFormat = Objects.requireNonNull(b.defaultFormat, "defaultFormat");
        this.delta = b.delta != null ? b.delta : DeltaOptions.defaults(catalog);
        this.missingTopics = Objects.requireNonNull(b.missingTopics, "missingTopics");
        this.lakeStartTimeout = Objects.requireNonNull(b.lakeStartTimeout, "lakeStartTimeout");
        if (databases.isEmpty() && tables.isEmpty() && tableOptions.isEmpty()) {
            throw new IllegalArgumentException("the changelog job needs databases or tables to mirror");
        }
        if (checkpointInterval.compareTo(Duration.ofMillis(100)) < 0) {
            throw new IllegalArgumentException("checkpoint interval " + checkpointInterval + " is below 100 ms");
        }
    }

    public static final String DEFAULT_TOPIC_PREFIX = "changelake";
    public static final String DEFAULT_GROUP_ID = "changelake-changelog";
    public static final String DEFAULT_CHECKPOINT_INTERVAL = "30s";
    public static final String DEFAULT_TOPIC_DISCOVERY_INTERVAL = "30s";
    /** Long enough to ride out a restarting S3 endpoint or catalog, short enough that a wrong endpoint is reported soon. */
    public static final String DEFAULT_LAKE_START_TIMEOUT = "2min";
    public static final int DEFAULT_PARALLELISM = 2;

    /** 64 MiB of held changes per subtask: a few hundred thousand rows, well inside a task's heap. */
    public static final long DEFAULT_COLLAPSE_MAX_BYTES = 64L << 20;
    /** While catching up, fewer and larger commits: less checkpoint overhead, bigger files, no timeouts. */
    public static final String DEFAULT_CHECKPOINT_INTERVAL_DURING_BACKLOG = "2min";
    /** About half a minute of a busy table's changes: below it the job is live, above it catching up. */
    public static final long DEFAULT_BACKLOG_THRESHOLD_RECORDS = 100_000;
    /** Lets the job make progress between checkpoints when they take longer than the interval (a backlog). */
    public static final String DEFAULT_MIN_PAUSE = "5s";
    /** Generous: a checkpoint during a backlog commits large files; a timeout would throw that work away. */
    public static final String DEFAULT_CHECKPOINT_TIMEOUT = "10min";
    /** A passing S3 or catalog hiccup fails a checkpoint, not the job; a persistent one still fails it. */
    public static final int DEFAULT_TOLERABLE_CHECKPOINT_FAILURES = 3;

    /** 16 MiB: far above any sane row, well below a task's memory. */
    public static final long DEFAULT_MAX_CHANGE_BYTES = 16L << 20;
    /** Under the 1 MB default of Kafka brokers and MSK, with room for the headers. */
    public static final int DEFAULT_MAX_DEAD_LETTER_BYTES = 900 * 1024;

    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding these options, to derive changed ones. */
    public Builder toBuilder() {
        return builder().bootstrapServers(bootstrapServers).topicPrefix(topicPrefix).databases(databases).tables(tables)
                .groupId(groupId).catalog(catalog).namespace(namespace).checkpointInterval(checkpointInterval)
                .checkpointDir(checkpointDir).parallelism(parallelism).dedupeStateTtl(dedupeStateTtl)
                .tablesWithoutPrimaryKey(tablesWithoutPrimaryKey).deadLetterTopic(deadLetterTopic)
                .deadLetterTable(deadLetterTable).collapseMaxBytes(collapseMaxBytes)
                .checkpointIntervalDuringBacklog(checkpointIntervalDuringBacklog).backlogThresholdRecords(backlogThresholdRecords)
                .minPauseBetweenCheckpoints(minPauseBetweenCheckpoints).checkpointTimeout(checkpointTimeout)
                .tolerableCheckpointFailures(tolerableCheckpointFailures).tableOptions(tableOptions).schemaEvolution(unnamedTables.schemaEvolution())
                .kafkaProperties(kafkaProperties).topicDiscoveryInterval(topicDiscoveryInterval)
                .maxChangeBytes(maxChangeBytes).maxDeadLetterBytes(maxDeadLetterBytes)
                .defaultFormat(defaultFormat).delta(delta).missingTopics(missingTopics).lakeStartTimeout(lakeStartTimeout);
    }

    /** What the job does at start when change topics it is to read do not exist yet. */
    public MissingTopics missingTopics() {
        return missingTopics;
    }

    /** How long the job retries, with backoff, to reach the lake catalog and storage at start before it gives up. */
    public Duration lakeStartTimeout() {
        return lakeStartTimeout;
    }

    /** The table whose changes {@code topic} holds ({@code <prefix>.<db>.<table>}), or null for another topic. */
    public TableId tableOfTopic(String topic) {
        String prefix = topicPrefix + ".";
        if (topic == null || !topic.startsWith(prefix)) {
            return null;
        }
        String rest = topic.substring(prefix.length());
        int dot = rest.indexOf('.');
        return dot > 0 && dot < rest.length() - 1 ? new TableId(rest.substring(0, dot), rest.substring(dot + 1)) : null;
    }

    /** The lake format(s) of {@code table}: its entry's, else the job's default. */
    public LakeFormat formatOf(TableId table) {
        LakeFormat f = optionsFor(table).format();
        return f != null ? f : defaultFormat;
    }

    /** Whether some table may be written in {@code format}'s Iceberg or Delta part (decides which sinks exist). */
    boolean mayWriteDelta() {
        return defaultFormat.delta() || tableOptions.stream().anyMatch(t -> t.format() != null && t.format().delta());
    }

    boolean mayWriteIceberg() {
        return defaultFormat.iceberg() || tableOptions.stream().anyMatch(t -> t.format() != null && t.format().iceberg());
    }

    /** Where the Delta table of a source table is: {@code <lake.delta.location>/<namespace>/<table>}. */
    public String deltaPathOf(TableId table) {
        TableIdentifier id = lakeTableOf(table);
        return delta.tablePath(id.namespace().toString(), id.name());
    }

    public DeltaOptions delta() {
        return delta;
    }

    /** The Delta sink's id: the transaction app id of its commits and the recorded writer of its tables. */
    public String deltaSinkId() {
        return "changelake:" + groupId;
    }

    /** Whether the job mirrors {@code table}: named, in a mirrored database, or matched by a table entry. */
    public boolean mirrors(TableId table) {
        return tables.contains(table) || databases.contains(table.database())
                || tableOptions.stream().anyMatch(t -> t.matches(table));
    }

    /** The settings of {@code table}: the first table entry that matches it, else the defaults. */
    public TableOptions optionsFor(TableId table) {
        for (TableOptions t : tableOptions) {
            if (t.matches(table)) {
                return t;
            }
        }
        return unnamedTables;
    }

    public List<TableOptions> tableOptions() {
        return tableOptions;
    }

    /**
     * The change topics of every table the job mirrors, as one pattern, so a table created later (or newly matched
     * after a restart with a changed configuration) is picked up by topic discovery without touching the others.
     */
    public Pattern topicPattern() {
        List<String> alternatives = new ArrayList<>();
        databases.forEach(db -> alternatives.add(Pattern.quote(db) + "\\.[^.]+"));
        tables.forEach(t -> alternatives.add(Pattern.quote(t.database() + "." + t.table())));
        for (TableOptions t : tableOptions) {
            alternatives.add(t.name() != null
                    ? Pattern.quote(t.name().database() + "." + t.name().table()) : "(?:" + t.regex().pattern() + ")");
        }
        return Pattern.compile(Pattern.quote(topicPrefix) + "\\.(?:"
                + String.join("|", alternatives) + ")");
    }

    /** The lake table a source table is mirrored to. */
    public TableIdentifier lakeTableOf(TableId table) {
        TableOptions t = optionsFor(table);
        String ns = t.namespace() != null ? t.namespace() : namespaceOf(table);
        return TableIdentifier.of(ns, t.lakeTable(table));
    }

    /** Extra Kafka client properties (security, TLS) for every client of the job. */
    public Map<String, String> kafkaProperties() {
        return kafkaProperties;
    }

    public String bootstrapServers() {
        return bootstrapServers;
    }

    public String topicPrefix() {
        return topicPrefix;
    }

    public String groupId() {
        return groupId;
    }

    public CatalogOptions catalog() {
        return catalog;
    }

    /** The checkpoint section, as {@link dev.changelake.jobs.checkpoint.Checkpointing} takes it. */
    public dev.changelake.jobs.checkpoint.CheckpointSettings checkpointSettings() {
        return new dev.changelake.jobs.checkpoint.CheckpointSettings(checkpointInterval, checkpointIntervalDuringBacklog,
                checkpointDir, minPauseBetweenCheckpoints, checkpointTimeout, tolerableCheckpointFailures);
    }

    public String checkpointDir() {
        return checkpointDir;
    }

    /** The databases whose tables are mirrored (every table that has a change topic), or empty. */
    public List<String> databases() {
        return databases;
    }

    /** Tables named one by one, or empty. */
    public List<TableId> tables() {
        return tables;
    }

    /** Where records the job cannot use go, whole, with the reason in headers (default {@code <prefix>.dead-letters}). */
    public String deadLetterTopic() {
        return deadLetterTopic;
    }

    /** The Iceberg table ({@code namespace.table}) dead letters go to instead of the topic, or null. */
    public String deadLetterTable() {
        return deadLetterTable;
    }

    public TablesWithoutPrimaryKey tablesWithoutPrimaryKey() {
        return tablesWithoutPrimaryKey;
    }

    /** The change topic of a source table. */
    public String topicOf(TableId table) {
        return topicPrefix + "." + table.database() + "." + table.table();
    }

    /** The lake namespace of a source table: the configured one, else the source database's name. */
    /**
     * The lake namespaces the job writes to: the databases' and the single tables', the tables entries' and the
     * dead-letter table's (for maintenance, which looks after every table in them).
     */
    public java.util.Set<String> lakeNamespaces() {
        java.util.Set<String> namespaces = new java.util.LinkedHashSet<>();
        databases.forEach(db -> namespaces.add(namespaceOf(new TableId(db, "_"))));
        tables.forEach(t -> namespaces.add(lakeTableOf(t).namespace().toString()));
        for (TableOptions t : tableOptions) {
            if (t.name() != null) {
                namespaces.add(lakeTableOf(t.name()).namespace().toString());
            } else if (t.namespace() != null) {
                namespaces.add(t.namespace());
            }
        }
        if (deadLetterTable != null) {
            namespaces.add(TableIdentifier.parse(deadLetterTable).namespace().toString());
        }
        return namespaces;
    }

    public String namespaceOf(TableId table) {
        return namespace != null ? namespace : table.database();
    }

    public static final class Builder {
        private String bootstrapServers;
        private String topicPrefix = DEFAULT_TOPIC_PREFIX;
        private List<String> databases = List.of();
        private List<TableId> tables = List.of();
        private String groupId = DEFAULT_GROUP_ID;
        private CatalogOptions catalog;
        private String namespace;
        private Duration checkpointInterval = TimeUtils.parseDuration(DEFAULT_CHECKPOINT_INTERVAL);
        private String checkpointDir;
        private int parallelism = DEFAULT_PARALLELISM;
        private Duration dedupeStateTtl = Duration.ofDays(7);
        private TablesWithoutPrimaryKey tablesWithoutPrimaryKey = TablesWithoutPrimaryKey.REFUSE;
        private String deadLetterTopic;
        private List<TableOptions> tableOptions = List.of();
        private String deadLetterTable;
        private long collapseMaxBytes = DEFAULT_COLLAPSE_MAX_BYTES;
        private Duration checkpointIntervalDuringBacklog =
                TimeUtils.parseDuration(DEFAULT_CHECKPOINT_INTERVAL_DURING_BACKLOG);
        private long backlogThresholdRecords = DEFAULT_BACKLOG_THRESHOLD_RECORDS;

        /** The checkpoint interval while the source is behind by more than the backlog threshold. */
        public Builder checkpointIntervalDuringBacklog(Duration v) { checkpointIntervalDuringBacklog = v; return this; }
        /** Records not yet committed above which the source reports a backlog. */
        public Builder backlogThresholdRecords(long v) { backlogThresholdRecords = v; return this; }
        private Duration minPauseBetweenCheckpoints = TimeUtils.parseDuration(DEFAULT_MIN_PAUSE);
        private Duration checkpointTimeout = TimeUtils.parseDuration(DEFAULT_CHECKPOINT_TIMEOUT);
        private int tolerableCheckpointFailures = DEFAULT_TOLERABLE_CHECKPOINT_FAILURES;

        /** Memory the collapse stage may hold between checkpoints before it emits early (estimated bytes). */
        public Builder collapseMaxBytes(long v) { collapseMaxBytes = v; return this; }
        public Builder minPauseBetweenCheckpoints(Duration v) { minPauseBetweenCheckpoints = v; return this; }
        public Builder checkpointTimeout(Duration v) { checkpointTimeout = v; return this; }
        public Builder tolerableCheckpointFailures(int v) { tolerableCheckpointFailures = v; return this; }

        /** Dead letters to this Iceberg table ({@code namespace.table}) instead of the Kafka topic. */
        public Builder deadLetterTable(String v) { deadLetterTable = v; return this; }
        private SchemaEvolution schemaEvolution = SchemaEvolution.EVOLVE;
        private Map<String, String> kafkaProperties = Map.of();
        private Duration topicDiscoveryInterval = TimeUtils.parseDuration(DEFAULT_TOPIC_DISCOVERY_INTERVAL);
        private long maxChangeBytes = DEFAULT_MAX_CHANGE_BYTES;
        private int maxDeadLetterBytes = DEFAULT_MAX_DEAD_LETTER_BYTES;
        private LakeFormat defaultFormat = LakeFormat.ICEBERG;
        private DeltaOptions delta;
        private MissingTopics missingTopics = MissingTopics.WAIT;
        private Duration lakeStartTimeout = TimeUtils.parseDuration(DEFAULT_LAKE_START_TIMEOUT);

        /** At start, refuse (FAIL) or wait for (WAIT) change topics that do not exist yet. */
        public Builder missingTopics(MissingTopics v) { missingTopics = v; return this; }
        /** How long to retry reaching the lake catalog and storage at start. */
        public Builder lakeStartTimeout(Duration v) { lakeStartTimeout = v; return this; }

        /** The format of tables whose entry does not set one. */
        public Builder defaultFormat(LakeFormat v) { defaultFormat = v; return this; }
        /** Delta tables' location and upkeep; default: under {@code <warehouse>/delta}, S3 from the catalog. */
        public Builder delta(DeltaOptions v) { delta = v; return this; }

        /** Per-table settings, first match wins (see {@link TableOptions}). */
        public Builder tableOptions(List<TableOptions> v) { tableOptions = v; return this; }
        /** The schema-evolution mode of tables no table entry matches. */
        public Builder schemaEvolution(SchemaEvolution v) { schemaEvolution = v; return this; }
        public Builder kafkaProperties(Map<String, String> v) { kafkaProperties = v; return this; }
        /** How often the job looks for change topics of new tables. */
        public Builder topicDiscoveryInterval(Duration v) { topicDiscoveryInterval = v; return this; }
        /** A change record larger than this is set aside, not decoded: one huge row must not exhaust a task's memory. */
        public Builder maxChangeBytes(long v) { maxChangeBytes = v; return this; }
        /** Key and value bytes of a dead letter above this are cut, so it fits the broker's message size. */
        public Builder maxDeadLetterBytes(int v) { maxDeadLetterBytes = v; return this; }

        public Builder bootstrapServers(String v) { bootstrapServers = v; return this; }
        public Builder topicPrefix(String v) { topicPrefix = v; return this; }
        public Builder databases(List<String> v) { databases = v; return this; }
        public Builder tables(List<TableId> v) { tables = v; return this; }
        public Builder groupId(String v) { groupId = v; return this; }
        public Builder catalog(CatalogOptions v) { catalog = v; return this; }
        /** Lake namespace for every table; default: the source database's name. */
        public Builder namespace(String v) { namespace = v; return this; }
        public Builder checkpointInterval(Duration v) { checkpointInterval = v; return this; }
        /** Where checkpoints go, a Flink file system URI ({@code file:///…}, {@code s3://…}). */
        public Builder checkpointDir(String v) { checkpointDir = v; return this; }
        public Builder parallelism(int v) { parallelism = v; return this; }
        /** How long dedupe remembers a key's newest position; keep it at least the Kafka retention. */
        public Builder dedupeStateTtl(Duration v) { dedupeStateTtl = v; return this; }

        public Builder tablesWithoutPrimaryKey(TablesWithoutPrimaryKey v) { tablesWithoutPrimaryKey = v; return this; }

        /** Default: {@code <topic prefix>.dead-letters}. */
        public Builder deadLetterTopic(String v) { deadLetterTopic = v; return this; }

        public ChangelogJobOptions build() {
            return new ChangelogJobOptions(this);
        }
    }
}
