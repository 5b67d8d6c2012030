package dev.changelake.jobs.config;

import dev.changelake.ingest.CaptureOptions;
import dev.changelake.jobs.changelog.ChangelogJobOptions;
import dev.changelake.lake.catalog.CatalogOptions;
import dev.changelake.schema.ChangeDecoder;
import dev.changelake.schema.ChangeDecoders;
import dev.changelake.schema.Encoding;
import dev.changelake.schema.TableId;
import dev.changelake.schema.format.debezium.DebeziumJsonDecoder;
import dev.changelake.schema.format.debezium.InformationSchemaFields;
import java.net.URI;
import java.time.Duration;
import dev.changelake.jobs.changelog.SchemaEvolution;
import dev.changelake.jobs.changelog.TableOptions;
import java.util.List;
import java.util.Map;

/** A validated pipeline configuration, handing each stage its typed options. */
public final class Pipeline {
    private final PipelineConfig config;
    private final CaptureOptions.Flavour flavour;
    private final ChangelogJobOptions.TablesWithoutPrimaryKey tablesWithoutPrimaryKey;
    private final Encoding encoding;
    private final URI avroSchemaStore;
    private final String password;
    private final List<TableId> tables;
    private final CatalogOptions catalog;
    private final Duration checkpointInterval;
    private final Tables tableSettings;
    private final dev.changelake.lake.maintain.MaintenanceOptions maintenance;

    /** The per-table part of the configuration, validated. */
    static final class Tables {
        final List<TableOptions> entries;
        final SchemaEvolution defaultEvolution;
        final Map<String, String> kafkaProperties;
        final Duration topicDiscoveryInterval;
        final dev.changelake.jobs.changelog.LakeFormat defaultFormat;
        final dev.changelake.lake.delta.DeltaOptions delta;

        Tables(List<TableOptions> entries, SchemaEvolution defaultEvolution, Map<String, String> kafkaProperties,
                Duration topicDiscoveryInterval, dev.changelake.jobs.changelog.LakeFormat defaultFormat,
                dev.changelake.lake.delta.DeltaOptions delta) {
            this.defaultFormat = defaultFormat;
            this.delta = delta;
            this.entries = List.copyOf(entries);
            this.defaultEvolution = defaultEvolution;
            this.kafkaProperties = Map.copyOf(kafkaProperties);
            this.topicDiscoveryInterval = topicDiscoveryInterval;
        }
    }

    Pipeline(PipelineConfig config, CaptureOptions.Flavour flavour,
            ChangelogJobOptions.TablesWithoutPrimaryKey tablesWithoutPrimaryKey, Encoding encoding, URI avroSchemaStore,
            String password, List<TableId> tables,
            CatalogOptions catalog, Duration checkpointInterval, Tables tableSettings,
            dev.changelake.lake.maintain.MaintenanceOptions maintenance) {
        this.maintenance = maintenance;
        this.config = config;
        this.flavour = flavour;
        this.tablesWithoutPrimaryKey = tablesWithoutPrimaryKey;
        this.encoding = encoding;
        this.avroSchemaStore = avroSchemaStore;
        this.password = password;
        this.tables = List.copyOf(tables);
        this.catalog = catalog;
        this.checkpointInterval = checkpointInterval;
        this.tableSettings = tableSettings;
    }

    public CaptureOptions captureOptions() {
        List<String> databases = new java.util.ArrayList<>(config.source.databases);
        tables.stream().map(TableId::database).filter(d -> !databases.contains(d)).forEach(databases::add);
        tableSettings.entries.stream().map(TableOptions::name).filter(java.util.Objects::nonNull).map(TableId::database)
                .filter(d -> !databases.contains(d)).forEach(databases::add);
        return CaptureOptions.builder().flavour(flavour).hostname(config.source.database.hostname)
                .port(config.source.database.port).user(config.source.database.user).password(password)
                .databases(databases).topicPrefix(config.source.topicPrefix)
                .kafkaBootstrapServers(config.source.kafka.bootstrapServers)
                .kafkaClientProperties(tableSettings.kafkaProperties).signalTable(config.source.signalTable)
                .encoding(encoding).avroSchemaStore(avroSchemaStore).build();
    }

    /**
     * The decoder for the configured encoding. For {@code json_without_schemas} it reads the columns of the configured
     * tables from the source's information_schema now (the job needs network access to the database for that).
     */
    public ChangeDecoder decoder() {
        if (encoding != Encoding.JSON_WITHOUT_SCHEMAS) {
            return ChangeDecoders.forEncoding(encoding, avroSchemaStore);
        }
        try (java.sql.Connection db = java.sql.DriverManager.getConnection(sourceJdbcUrl(), sourceUser(), sourcePassword())) {
            return new DebeziumJsonDecoder(InformationSchemaFields.read(db, config.source.databases, tables));
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException("encoding json_without_schemas: cannot read the tables' columns from "
                    + sourceJdbcUrl() + " information_schema: " + e.getMessage(), e);
        }
    }

    public ChangelogJobOptions jobOptions() {
        return ChangelogJobOptions.builder()
                .bootstrapServers(config.source.kafka.bootstrapServers)
                .groupId(config.source.kafka.groupId)
                .topicPrefix(config.source.topicPrefix)
                .databases(config.source.databases)
                .tables(tables)
                .catalog(catalog)
                .namespace(config.lake.namespace)
                .checkpointInterval(checkpointInterval)
                .checkpointDir(config.checkpoint.dir)
                .parallelism(config.job.parallelism)
                .tablesWithoutPrimaryKey(tablesWithoutPrimaryKey)
                .deadLetterTopic(config.deadLetters.topic)
                .deadLetterTable(config.deadLetters.table)
                .collapseMaxBytes(config.job.collapseMaxBytes)
                .checkpointIntervalDuringBacklog(org.apache.flink.util.TimeUtils.parseDuration(config.checkpoint.intervalDuringBacklog))
                .backlogThresholdRecords(config.checkpoint.backlogThreshold)
                .minPauseBetweenCheckpoints(org.apache.flink.util.TimeUtils.parseDuration(config.checkpoint.minPause))
                .checkpointTimeout(org.apache.flink.util.TimeUtils.parseDuration(config.checkpoint.timeout))
                .tolerableCheckpointFailures(config.checkpoint.tolerableFailures)
                .maxDeadLetterBytes(config.deadLetters.maxRecordBytes)
                .maxChangeBytes(config.source.maxChangeBytes)
                .tableOptions(tableSettings.entries)
                .schemaEvolution(tableSettings.defaultEvolution)
                .kafkaProperties(tableSettings.kafkaProperties)
                .topicDiscoveryInterval(tableSettings.topicDiscoveryInterval)
                .defaultFormat(tableSettings.defaultFormat)
                .delta(tableSettings.delta)
                .missingTopics(ChangelogJobOptions.MissingTopics.valueOf(
                        config.source.kafka.missingTopics.toUpperCase(java.util.Locale.ROOT)))
                .lakeStartTimeout(org.apache.flink.util.TimeUtils.parseDuration(config.lake.startTimeout))
                .build();
    }

    public CatalogOptions catalog() {
        return catalog;
    }

    /** {@code lake.maintenance}: what {@code changelake maintain} does to the pipeline's tables. */
    public dev.changelake.lake.maintain.MaintenanceOptions maintenance() {
        return maintenance;
    }

    /** JDBC URL of the source database (the verifier reads it; MariaDB's driver speaks to MySQL servers too). */
    public String sourceJdbcUrl() {
        return "jdbc:mariadb://" + config.source.database.hostname + ":" + config.source.database.port + "/";
    }

    public String sourceUser() {
        return config.source.database.user;
    }

    public String sourcePassword() {
        return password;
    }

    /**
     * The SessionJob's options from the {@code sessions:} section, or null when there is none. A changelog source
     * decodes its change topic with {@link #decoder()}.
     */
    public dev.changelake.jobs.session.SessionJobOptions sessionJobOptions() {
        SessionsConfig s = config.sessions;
        if (s == null) {
            return null;
        }
        ChangelogJobOptions job = jobOptions();
        dev.changelake.jobs.session.SessionJobOptions.Builder b = dev.changelake.jobs.session.SessionJobOptions.builder();
        dev.changelake.jobs.session.SessionJobOptions.Format format = dev.changelake.jobs.session.SessionJobOptions.Format
                .valueOf(s.source.format.toUpperCase(java.util.Locale.ROOT));
        switch (SessionsConfig.sourceType(s)) {
            case KINESIS:
                b.kinesis(s.source.streamArn, s.source.kinesisProperties, format);
                break;
            case CHANGELOG:
                b.changelog(config.source.kafka.bootstrapServers, config.source.topicPrefix + "." + s.source.table,
                        decoder());
                break;
            default:
                b.kafka(config.source.kafka.bootstrapServers, s.source.topic, format);
                break;
        }
        return b.groupId(s.source.groupId).kafkaProperties(tableSettings.kafkaProperties)
                .key(s.key).eventTime(s.eventTime)
                .gap(org.apache.flink.util.TimeUtils.parseDuration(s.gap))
                .maxOutOfOrderness(org.apache.flink.util.TimeUtils.parseDuration(s.maxOutOfOrderness))
                .idleness(org.apache.flink.util.TimeUtils.parseDuration(s.idleness))
                .allowedLateness(org.apache.flink.util.TimeUtils.parseDuration(s.allowedLateness))
                .aggregates(s.aggregateSpecs())
                .catalog(catalog).table(s.table).lateTable(s.lateTable)
                .checkpoint(job.checkpointSettings()).parallelism(config.job.parallelism)
                .build();
    }
}
