package dev.changelake.ingest;

import dev.changelake.schema.Encoding;
import dev.changelake.schema.format.debezium.GlueSchemaRegistryOptions;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What the capture stage needs to know: the source database and where change topics go. Built by the pipeline
 * configuration (and by the local run), turned into a Debezium connector configuration by
 * {@link DebeziumConnectorConfig}.
 */
public final class CaptureOptions {

    /** Which Debezium connector reads the binlog. */
    public enum Flavour {
        /** Debezium MySQL connector: MySQL 8, RDS / Aurora MySQL. It refuses MariaDB. */
        MYSQL("io.debezium.connector.mysql.MySqlConnector"),
        /** Debezium MariaDB connector. */
        MARIADB("io.debezium.connector.mariadb.MariaDbConnector");

        final String connectorClass;

        Flavour(String connectorClass) {
            this.connectorClass = connectorClass;
        }
    }

    final Flavour flavour;
    final String hostname;
    final int port;
    final String user;
    final String password;
    final List<String> databases;
    final String topicPrefix;
    final long serverId;
    final String kafkaBootstrapServers;
    final int topicPartitions;
    final Encoding encoding;
    final URI avroSchemaStore;
    final GlueSchemaRegistryOptions glueSchemaRegistry;
    final Map<String, String> connectorProperties;
    final Map<String, String> kafkaClientProperties;
    final String signalTable;

    private CaptureOptions(Builder b) {
        this.flavour = Objects.requireNonNull(b.flavour, "flavour");
        this.hostname = Objects.requireNonNull(b.hostname, "hostname");
        this.port = b.port;
        this.user = Objects.requireNonNull(b.user, "user");
        this.password = b.password;
        this.databases = List.copyOf(b.databases);
        this.topicPrefix = Objects.requireNonNull(b.topicPrefix, "topicPrefix");
        this.serverId = b.serverId;
        this.kafkaBootstrapServers = Objects.requireNonNull(b.kafkaBootstrapServers, "kafkaBootstrapServers");
        this.topicPartitions = b.topicPartitions;
        this.encoding = Objects.requireNonNull(b.encoding, "encoding");
        this.avroSchemaStore = b.avroSchemaStore;
        this.glueSchemaRegistry = b.glueSchemaRegistry;
        this.connectorProperties = Map.copyOf(b.connectorProperties);
        this.kafkaClientProperties = Map.copyOf(b.kafkaClientProperties);
        this.signalTable = b.signalTable;
        if (signalTable != null && !signalTable.matches("[^.\\s]+\\.[^.\\s]+")) {
            throw new IllegalArgumentException("signal table '" + signalTable + "' must be <database>.<table>, e.g. "
                    + databases.get(0) + ".changelake_signal");
        }
        if (encoding == Encoding.AVRO && (avroSchemaStore == null) == (glueSchemaRegistry == null)) {
            throw new IllegalArgumentException("encoding AVRO needs exactly one place for writer schemas: a schema store "
                    + "(avroSchemaStore, file:///<directory>) or the Glue Schema Registry (glueSchemaRegistry); got "
                    + (avroSchemaStore == null ? "neither" : "both"));
        }
        if (encoding != Encoding.AVRO && (avroSchemaStore != null || glueSchemaRegistry != null)) {
            throw new IllegalArgumentException("a schema store or schema registry is set, but encoding is " + encoding
                    + ", which does not use one; set encoding AVRO or leave them out");
        }
        if (databases.isEmpty()) {
            throw new IllegalArgumentException("capture needs at least one database to include");
        }
        if (!topicPrefix.matches("[A-Za-z0-9._-]+")) {
            throw new IllegalArgumentException("topic prefix '" + topicPrefix + "' may only hold letters, digits, '.', '_' and '-'");
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The connector's name on the Connect worker: one connector per topic prefix. */
    public String connectorName() {
        return topicPrefix + "-capture";
    }

    public String topicPrefix() {
        return topicPrefix;
    }

    /** How change records are written to Kafka; the job must decode with the same. */
    public Encoding encoding() {
        return encoding;
    }

    /** For {@link Encoding#AVRO} without a registry: where the converter stores writer schemas; else null. */
    public URI avroSchemaStore() {
        return avroSchemaStore;
    }

    /**
     * JDBC URL of the source server, for what the capture reads itself ({@link SnapshotOverrides}). MariaDB's driver
     * speaks to MySQL too.
     */
    String jdbcUrl() {
        return "jdbc:mariadb://" + hostname + ":" + port + "/";
    }

    /**
     * Debezium's signalling table as {@code <db>.<table>}, through which a table is snapshotted again
     * ({@link CaptureRunner#requestSnapshot}); null when none is set.
     */
    public String signalTable() {
        return signalTable;
    }

    /** The topic Debezium writes changes of {@code database.table} to. */
    public String topicOf(String database, String table) {
        return topicPrefix + "." + database + "." + table;
    }

    public static final class Builder {
        private Flavour flavour = Flavour.MARIADB;
        private String hostname;
        private int port = 3306;
        private String user;
        private String password;
        private List<String> databases = List.of();
        private String topicPrefix = "changelake";
        private long serverId = 5400;
        private String kafkaBootstrapServers;
        private int topicPartitions = 2;
        private Encoding encoding = Encoding.JSON;
        private URI avroSchemaStore;
        private GlueSchemaRegistryOptions glueSchemaRegistry;
        private Map<String, String> connectorProperties = new LinkedHashMap<>();
        private Map<String, String> kafkaClientProperties = new LinkedHashMap<>();
        private String signalTable;

        public Builder flavour(Flavour v) { flavour = v; return this; }
        public Builder hostname(String v) { hostname = v; return this; }
        public Builder port(int v) { port = v; return this; }
        public Builder user(String v) { user = v; return this; }
        public Builder password(String v) { password = v; return this; }
        public Builder databases(List<String> v) { databases = v; return this; }
        public Builder topicPrefix(String v) { topicPrefix = v; return this; }
        /** Must be unique among the replicas of the source server. */
        public Builder serverId(long v) { serverId = v; return this; }
        public Builder kafkaBootstrapServers(String v) { kafkaBootstrapServers = v; return this; }
        /** Partitions of the change topics Connect creates; rows stay ordered per key whatever the count. */
        public Builder topicPartitions(int v) { topicPartitions = v; return this; }
        /** JSON (default: JsonConverter with embedded schemas) or AVRO (with a schema store or the Glue registry). */
        public Builder encoding(Encoding v) { encoding = v; return this; }
        /**
         * AVRO where no schema registry runs (locally): records in Avro single-object encoding, writer schemas in this
         * store ({@code file:///<directory>}), which the job must read too.
         */
        public Builder avroSchemaStore(URI v) { avroSchemaStore = v; return this; }
        /** AVRO in AWS: the Glue Schema Registry's converter on MSK Connect, registering schemas as they appear. */
        public Builder glueSchemaRegistry(GlueSchemaRegistryOptions v) { glueSchemaRegistry = v; return this; }
        /**
         * Extra Debezium / Kafka Connect connector properties, put over the generated configuration last (so they
         * win): for tuning (e.g. {@code snapshot.fetch.size}, {@code max.batch.size}, {@code producer.override.*})
         * or an option changelake does not model. Values that change what records look like (converters, handling
         * modes) change what the job must decode: leave those alone.
         */
        public Builder connectorProperties(Map<String, String> v) { connectorProperties = new LinkedHashMap<>(v); return this; }

        /**
         * Kafka client properties (security: TLS, IAM) for the clients the connector opens itself, Debezium's schema
         * history producer and consumer. The Connect worker's own clients are the worker's (or MSK Connect's) to set.
         */
        public Builder kafkaClientProperties(Map<String, String> v) { kafkaClientProperties = new LinkedHashMap<>(v); return this; }

        /**
         * Debezium's signalling table, {@code <db>.<table>}: the way to snapshot one table again without stopping the
         * capture (an incremental snapshot), e.g. after the binlog was purged past the capture's position. The table
         * must exist with Debezium's three columns (docs/operations.md) and the capture user must be able to insert
         * into it; its own changes are kept out of the change topics.
         */
        public Builder signalTable(String v) { signalTable = v; return this; }

        public CaptureOptions build() {
            return new CaptureOptions(this);
        }
    }
}
