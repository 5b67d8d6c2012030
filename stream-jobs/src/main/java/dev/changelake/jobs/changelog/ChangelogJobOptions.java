package dev.changelake.jobs.changelog;

import dev.changelake.lake.catalog.CatalogOptions;
import dev.changelake.schema.TableId;
import java.io.Serializable;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

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
        if (databases.isEmpty() && tables.isEmpty()) {
            throw new IllegalArgumentException("the changelog job needs databases or tables to mirror");
        }
        if (checkpointInterval.compareTo(Duration.ofMillis(100)) < 0) {
            throw new IllegalArgumentException("checkpoint interval " + checkpointInterval + " is below 100 ms");
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding these options, to derive changed ones. */
    public Builder toBuilder() {
        return builder().bootstrapServers(bootstrapServers).topicPrefix(topicPrefix).databases(databases).tables(tables)
                .groupId(groupId).catalog(catalog).namespace(namespace).checkpointInterval(checkpointInterval)
                .checkpointDir(checkpointDir).parallelism(parallelism).dedupeStateTtl(dedupeStateTtl)
                .tablesWithoutPrimaryKey(tablesWithoutPrimaryKey).deadLetterTopic(deadLetterTopic);
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

    public TablesWithoutPrimaryKey tablesWithoutPrimaryKey() {
        return tablesWithoutPrimaryKey;
    }

    /** The change topic of a source table. */
    public String topicOf(TableId table) {
        return topicPrefix + "." + table.database() + "." + table.table();
    }

    /** The lake namespace of a source table: the configured one, else the source database's name. */
    public String namespaceOf(TableId table) {
        return namespace != null ? namespace : table.database();
    }

    public static final class Builder {
        private String bootstrapServers;
        private String topicPrefix = "changelake";
        private List<String> databases = List.of();
        private List<TableId> tables = List.of();
        private String groupId = "changelake-changelog";
        private CatalogOptions catalog;
        private String namespace;
        private Duration checkpointInterval = Duration.ofSeconds(30);
        private String checkpointDir;
        private int parallelism = 2;
        private Duration dedupeStateTtl = Duration.ofDays(7);
        private TablesWithoutPrimaryKey tablesWithoutPrimaryKey = TablesWithoutPrimaryKey.REFUSE;
        private String deadLetterTopic;

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
