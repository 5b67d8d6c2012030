package dev.changelake.jobs.config;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import dev.changelake.jobs.session.AggregateSpec;
import dev.changelake.jobs.session.SessionJobOptions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.flink.util.TimeUtils;

/**
 * The {@code sessions:} section of pipeline.yaml: the SessionJob, which turns an event stream into one lake row per
 * session. Absent: no SessionJob. Validated with the rest of the file, problems named by their YAML path.
 */
public final class SessionsConfig {
    @JsonPropertyDescription("Where the events come from.")
    public Source source = new Source();
    @JsonPropertyDescription("Event field (or changelog column) whose value keys the sessions, e.g. user_id.")
    public String key = "user_id";
    @JsonPropertyDescription("Event field holding the event time: epoch milliseconds, an ISO-8601 instant, or a "
            + "date-time without zone read as UTC; for a changelog source a timestamp column, or _source_ts for the "
            + "binlog time of the change.")
    public String eventTime = "event_time";
    @JsonPropertyDescription("A session closes after this much event time without an event of its key.")
    @DurationString
    public String gap = SessionJobOptions.DEFAULT_GAP;
    @JsonPropertyDescription("How far behind the newest event time seen an event may arrive and still count as on time "
            + "(the watermark trails the newest event time by this much).")
    @DurationString
    public String maxOutOfOrderness = SessionJobOptions.DEFAULT_MAX_OUT_OF_ORDERNESS;
    @JsonPropertyDescription("A partition or shard without events for this long stops holding the watermark back; 0s: never.")
    @DurationString
    public String idleness = SessionJobOptions.DEFAULT_IDLENESS;
    @JsonPropertyDescription("How long after the watermark passes a session's end it stays open for stragglers; a "
            + "session is written once, after it. Later events go to late-table (never dropped silently).")
    @DurationString
    public String allowedLateness = SessionJobOptions.DEFAULT_ALLOWED_LATENESS;
    @JsonPropertyDescription("What is computed per session: one column each, besides session_key, session_start and session_end.")
    public List<Aggregate> aggregates = new ArrayList<>();
    @JsonPropertyDescription("Lake table of the sessions, <namespace>.<table> in lake.catalog (required); created if "
            + "missing, append-only, partitioned by day(session_start).")
    public String table;
    @JsonPropertyDescription("Lake table of events that missed their session (later than allowed-lateness) or could "
            + "not be read, one row each with the reason.")
    public String lateTable = "sessions.late_events";

    /** Where the events come from. */
    public static final class Source {
        @JsonPropertyDescription("kafka (a topic of events), kinesis (a Kinesis data stream of events) or changelog "
                + "(a table's Debezium change topic: every inserted row is an event, e.g. orders per customer).")
        @OneOf(enumType = SessionJobOptions.SourceType.class)
        public String type = "kafka";
        @JsonPropertyDescription("With kafka: the topic, on source.kafka's cluster (required).")
        public String topic;
        @JsonPropertyDescription("With changelog: the source table <db>.<table>, read from its change topic <topic-prefix>.<db>.<table>.")
        public String table;
        @JsonPropertyDescription("With kafka or kinesis: json (one object per record) or avro (single-object encoding "
                + "of the producers' schema, cdc-ingest session-event.avsc).")
        @OneOf({"json", "avro"})
        public String format = "json";
        @JsonPropertyDescription("With kafka or changelog: the consumer group (offsets committed on checkpoints, for monitoring).")
        public String groupId = SessionJobOptions.DEFAULT_GROUP_ID;
        @JsonPropertyDescription("With kinesis: the stream's ARN (required).")
        public String streamArn;
        @JsonPropertyDescription("With kinesis: Flink Kinesis source properties, e.g. aws.region, aws.endpoint, "
                + "aws.credentials.provider.")
        public Map<String, String> kinesisProperties = new LinkedHashMap<>();
    }

    /** One aggregate: a column of the sessions table. */
    public static final class Aggregate {
        @JsonPropertyDescription("Column name in the sessions table (required).")
        public String name;
        @JsonPropertyDescription("count, sum, min, max, first_value, last_value (by event time), distinct_count, "
                + "or duration (milliseconds from first to last event).")
        @OneOf(enumType = AggregateSpec.Function.class)
        public String function;
        @JsonPropertyDescription("The event field it reads; required except for count and duration.")
        public String field;
    }

    /** Adds every problem of {@code s} to {@code problems}, named by its path under {@code sessions}. */
    static void validate(SessionsConfig s, List<String> problems) {
        SessionJobOptions.SourceType type = sourceType(s);
        if (type == null) {
            problems.add("sessions.source.type: '" + s.source.type + "' is not one of kafka, kinesis, changelog");
        } else if (type == SessionJobOptions.SourceType.KAFKA && blank(s.source.topic)) {
            problems.add("sessions.source.topic: required with type kafka");
        } else if (type == SessionJobOptions.SourceType.KINESIS && blank(s.source.streamArn)) {
            problems.add("sessions.source.stream-arn: required with type kinesis");
        } else if (type == SessionJobOptions.SourceType.CHANGELOG
                && (s.source.table == null || !s.source.table.matches("[^.]+\\.[^.]+"))) {
            problems.add("sessions.source.table: '" + s.source.table + "' is not <db>.<table> (required with type changelog)");
        }
        if (!List.of("json", "avro").contains(String.valueOf(s.source.format).toLowerCase(Locale.ROOT))) {
            problems.add("sessions.source.format: '" + s.source.format + "' is not one of json, avro");
        }
        if (blank(s.key)) {
            problems.add("sessions.key: required");
        }
        if (blank(s.eventTime)) {
            problems.add("sessions.event-time: required");
        }
        Duration gap = duration(problems, "sessions.gap", s.gap);
        if (gap != null && gap.toMillis() < 1) {
            problems.add("sessions.gap: " + s.gap + " must be at least 1 ms");
        }
        duration(problems, "sessions.max-out-of-orderness", s.maxOutOfOrderness);
        duration(problems, "sessions.idleness", s.idleness);
        duration(problems, "sessions.allowed-lateness", s.allowedLateness);
        tableName(problems, "sessions.table", s.table);
        tableName(problems, "sessions.late-table", s.lateTable);
        if (s.aggregates.isEmpty()) {
            problems.add("sessions.aggregates: name at least one, e.g. {name: events, function: count}");
        }
        Set<String> names = new HashSet<>(List.of("session_key", "session_start", "session_end"));
        for (int i = 0; i < s.aggregates.size(); i++) {
            Aggregate a = s.aggregates.get(i);
            String path = "sessions.aggregates[" + i + "]";
            if (blank(a.name) || !a.name.matches("[A-Za-z_][A-Za-z0-9_]*")) {
                problems.add(path + ".name: '" + a.name + "' is not a column name (letters, digits, '_')");
            } else if (!names.add(a.name)) {
                problems.add(path + ".name: '" + a.name + "' is already a column of the sessions table");
            }
            AggregateSpec.Function f = function(a);
            if (f == null) {
                problems.add(path + ".function: '" + a.function + "' is not one of count, sum, min, max, first_value, "
                        + "last_value, distinct_count, duration");
                continue;
            }
            try {
                new AggregateSpec(a.name == null ? "?" : a.name, f, a.field);
            } catch (IllegalArgumentException e) {
                problems.add(path + ": " + e.getMessage());
            }
        }
    }

    static SessionJobOptions.SourceType sourceType(SessionsConfig s) {
        try {
            return SessionJobOptions.SourceType.valueOf(String.valueOf(s.source.type).toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    static AggregateSpec.Function function(Aggregate a) {
        try {
            return AggregateSpec.Function.valueOf(String.valueOf(a.function).toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    List<AggregateSpec> aggregateSpecs() {
        return aggregates.stream().map(a -> new AggregateSpec(a.name, function(a), a.field))
                .collect(Collectors.collectingAndThen(Collectors.toList(), Collections::unmodifiableList));
    }

    private static void tableName(List<String> problems, String path, String value) {
        if (value == null || !value.matches("[A-Za-z0-9_]+(\\.[A-Za-z0-9_]+)+")) {
            problems.add(path + ": '" + value + "' is not <namespace>.<table>" + (value == null ? " (required)" : ""));
        }
    }

    private static Duration duration(List<String> problems, String path, String value) {
        try {
            return TimeUtils.parseDuration(value);
        } catch (RuntimeException e) {
            problems.add(path + ": '" + value + "' is not a duration (e.g. 30s, 30min, 500ms)");
            return null;
        }
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }
}
