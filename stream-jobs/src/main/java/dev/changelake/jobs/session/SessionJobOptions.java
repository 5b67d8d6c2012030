package dev.changelake.jobs.session;

import dev.changelake.jobs.checkpoint.CheckpointSettings;
import dev.changelake.lake.catalog.CatalogOptions;
import dev.changelake.schema.ChangeDecoder;
import java.io.Serializable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Everything the SessionJob is configured with (the {@code sessions:} section of pipeline.yaml): where events come
 * from and how they are read, how sessions are cut (key, event time, gap, out-of-orderness, lateness), what is computed
 * per session, and which lake tables receive the sessions and the late events.
 */
public final class SessionJobOptions implements Serializable {
    private static final long serialVersionUID = 1L;

    /** Where events come from. */
    public enum SourceType {
        /** A Kafka topic of events (JSON or Avro). */
        KAFKA,
        /** A Kinesis data stream of events (JSON or Avro), read with Flink's FLIP-27 KinesisStreamsSource. */
        KINESIS,
        /** A Debezium change topic of a table: each inserted (or snapshot) row is an event, e.g. orders per customer. */
        CHANGELOG
    }

    /** How a record is written. */
    public enum Format {
        JSON,
        /** Avro single-object encoding with the producers' schema ({@code session-event.avsc}). */
        AVRO,
        /** A Debezium change record, decoded as the ChangelogJob decodes it (set with {@link SourceType#CHANGELOG}). */
        DEBEZIUM
    }

    public static final String DEFAULT_GROUP_ID = "changelake-sessions";
    public static final String DEFAULT_GAP = "30min";
    public static final String DEFAULT_MAX_OUT_OF_ORDERNESS = "5s";
    public static final String DEFAULT_IDLENESS = "1min";
    public static final String DEFAULT_ALLOWED_LATENESS = "0s";

    private final SourceType sourceType;
    private final Format format;
    private final String bootstrapServers;
    private final String topic;
    private final String groupId;
    private final Map<String, String> kafkaProperties;
    private final String streamArn;
    private final Map<String, String> kinesisProperties;
    private final ChangeDecoder changeDecoder;
    private final String keyField;
    private final String timeField;
    private final Duration gap;
    private final Duration maxOutOfOrderness;
    private final Duration idleness;
    private final Duration allowedLateness;
    private final List<AggregateSpec> aggregates;
    private final CatalogOptions catalog;
    private final String table;
    private final String lateTable;
    private final CheckpointSettings checkpoint;
    private final int parallelism;

    private SessionJobOptions(Builder b) {
        this.sourceType = Objects.requireNonNull(b.sourceType, "source type");
        this.format = sourceType == SourceType.CHANGELOG ? Format.DEBEZIUM : Objects.requireNonNull(b.format, "format");
        this.bootstrapServers = b.bootstrapServers;
        this.topic = b.topic;
        this.groupId = b.groupId;
        this.kafkaProperties = Map.copyOf(b.kafkaProperties);
        this.streamArn = b.streamArn;
        this.kinesisProperties = Map.copyOf(b.kinesisProperties);
        this.changeDecoder = b.changeDecoder;
        this.keyField = Objects.requireNonNull(b.keyField, "key field");
        this.timeField = Objects.requireNonNull(b.timeField, "event-time field");
        this.gap = b.gap;
        this.maxOutOfOrderness = b.maxOutOfOrderness;
        this.idleness = b.idleness;
        this.allowedLateness = b.allowedLateness;
        this.aggregates = List.copyOf(b.aggregates);
        this.catalog = Objects.requireNonNull(b.catalog, "catalog");
        this.table = Objects.requireNonNull(b.table, "sessions table");
        this.lateTable = Objects.requireNonNull(b.lateTable, "late-events table");
        this.checkpoint = Objects.requireNonNull(b.checkpoint, "checkpoint settings");
        this.parallelism = b.parallelism;
        if (sourceType != SourceType.KINESIS && (bootstrapServers == null || topic == null)) {
            throw new IllegalArgumentException(sourceType + " source needs bootstrap servers and a topic");
        }
        if (sourceType == SourceType.KINESIS && streamArn == null) {
            throw new IllegalArgumentException("Kinesis source needs a stream ARN");
        }
        if (sourceType == SourceType.CHANGELOG && changeDecoder == null) {
            throw new IllegalArgumentException("changelog source needs the change decoder of its encoding");
        }
        if (gap.toMillis() < 1) {
            throw new IllegalArgumentException("session gap " + gap + " must be at least 1 ms");
        }
        if (maxOutOfOrderness.isNegative() || allowedLateness.isNegative() || idleness.isNegative()) {
            throw new IllegalArgumentException("out-of-orderness, idleness and allowed lateness must not be negative");
        }
        Set<String> names = new HashSet<>(SessionTables.FIXED_COLUMNS);
        for (AggregateSpec a : aggregates) {
            if (!names.add(a.name())) {
                throw new IllegalArgumentException("aggregate name " + a.name() + " is used twice or is a fixed column "
                        + SessionTables.FIXED_COLUMNS);
            }
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    public SourceType sourceType() {
        return sourceType;
    }

    public Format format() {
        return format;
    }

    public String bootstrapServers() {
        return bootstrapServers;
    }

    public String topic() {
        return topic;
    }

    public String groupId() {
        return groupId;
    }

    public Map<String, String> kafkaProperties() {
        return kafkaProperties;
    }

    public String streamArn() {
        return streamArn;
    }

    /** Flink Kinesis source properties: {@code aws.region}, {@code aws.endpoint}, credentials, … */
    public Map<String, String> kinesisProperties() {
        return kinesisProperties;
    }

    ChangeDecoder changeDecoder() {
        return changeDecoder;
    }

    public String keyField() {
        return keyField;
    }

    public String timeField() {
        return timeField;
    }

    public Duration gap() {
        return gap;
    }

    public Duration maxOutOfOrderness() {
        return maxOutOfOrderness;
    }

    public Duration idleness() {
        return idleness;
    }

    public Duration allowedLateness() {
        return allowedLateness;
    }

    public List<AggregateSpec> aggregates() {
        return aggregates;
    }

    public CatalogOptions catalog() {
        return catalog;
    }

    /** namespace.table of the sessions. */
    public String table() {
        return table;
    }

    /** namespace.table of late (and undecodable) events. */
    public String lateTable() {
        return lateTable;
    }

    public CheckpointSettings checkpoint() {
        return checkpoint;
    }

    public int parallelism() {
        return parallelism;
    }

    public Builder toBuilder() {
        Builder b = new Builder();
        b.sourceType = sourceType;
        b.format = format == Format.DEBEZIUM ? null : format;
        b.bootstrapServers = bootstrapServers;
        b.topic = topic;
        b.groupId = groupId;
        b.kafkaProperties = new LinkedHashMap<>(kafkaProperties);
        b.streamArn = streamArn;
        b.kinesisProperties = new LinkedHashMap<>(kinesisProperties);
        b.changeDecoder = changeDecoder;
        b.keyField = keyField;
        b.timeField = timeField;
        b.gap = gap;
        b.maxOutOfOrderness = maxOutOfOrderness;
        b.idleness = idleness;
        b.allowedLateness = allowedLateness;
        b.aggregates = new ArrayList<>(aggregates);
        b.catalog = catalog;
        b.table = table;
        b.lateTable = lateTable;
        b.checkpoint = checkpoint;
        b.parallelism = parallelism;
        return b;
    }

    /** Builds {@link SessionJobOptions}; the defaults are the documented ones of pipeline.yaml. */
    public static final class Builder {
        private SourceType sourceType;
        private Format format = Format.JSON;
        private String bootstrapServers;
        private String topic;
        private String groupId = DEFAULT_GROUP_ID;
        private Map<String, String> kafkaProperties = new LinkedHashMap<>();
        private String streamArn;
        private Map<String, String> kinesisProperties = new LinkedHashMap<>();
        private ChangeDecoder changeDecoder;
        private String keyField = "user_id";
        private String timeField = "event_time";
        private Duration gap = Duration.ofMinutes(30);
        private Duration maxOutOfOrderness = Duration.ofSeconds(5);
        private Duration idleness = Duration.ofMinutes(1);
        private Duration allowedLateness = Duration.ZERO;
        private List<AggregateSpec> aggregates = new ArrayList<>();
        private CatalogOptions catalog;
        private String table;
        private String lateTable;
        private CheckpointSettings checkpoint;
        private int parallelism = 2;

        public Builder kafka(String bootstrapServers, String topic, Format format) {
            this.sourceType = SourceType.KAFKA;
            this.bootstrapServers = bootstrapServers;
            this.topic = topic;
            this.format = format;
            return this;
        }

        public Builder kinesis(String streamArn, Map<String, String> kinesisProperties, Format format) {
            this.sourceType = SourceType.KINESIS;
            this.streamArn = streamArn;
            this.kinesisProperties = new LinkedHashMap<>(kinesisProperties);
            this.format = format;
            return this;
        }

        public Builder changelog(String bootstrapServers, String topic, ChangeDecoder decoder) {
            this.sourceType = SourceType.CHANGELOG;
            this.bootstrapServers = bootstrapServers;
            this.topic = topic;
            this.changeDecoder = decoder;
            return this;
        }

        public Builder groupId(String groupId) {
            this.groupId = groupId;
            return this;
        }

        public Builder kafkaProperties(Map<String, String> properties) {
            this.kafkaProperties = new LinkedHashMap<>(properties);
            return this;
        }

        public Builder key(String field) {
            this.keyField = field;
            return this;
        }

        public Builder eventTime(String field) {
            this.timeField = field;
            return this;
        }

        public Builder gap(Duration gap) {
            this.gap = gap;
            return this;
        }

        public Builder maxOutOfOrderness(Duration d) {
            this.maxOutOfOrderness = d;
            return this;
        }

        public Builder idleness(Duration d) {
            this.idleness = d;
            return this;
        }

        public Builder allowedLateness(Duration d) {
            this.allowedLateness = d;
            return this;
        }

        public Builder aggregates(List<AggregateSpec> aggregates) {
            this.aggregates = new ArrayList<>(aggregates);
            return this;
        }

        public Builder aggregate(String name, AggregateSpec.Function function, String field) {
            this.aggregates.add(new AggregateSpec(name, function, field));
            return this;
        }

        public Builder catalog(CatalogOptions catalog) {
            this.catalog = catalog;
            return this;
        }

        public Builder table(String table) {
            this.table = table;
            return this;
        }

        public Builder lateTable(String table) {
            this.lateTable = table;
            return this;
        }

        public Builder checkpoint(CheckpointSettings checkpoint) {
            this.checkpoint = checkpoint;
            return this;
        }

        public Builder parallelism(int parallelism) {
            this.parallelism = parallelism;
            return this;
        }

        public SessionJobOptions build() {
            return new SessionJobOptions(this);
        }
    }
}
