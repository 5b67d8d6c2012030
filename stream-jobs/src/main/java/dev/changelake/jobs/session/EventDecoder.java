package dev.changelake.jobs.session;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.changelake.ingest.events.EventFormat;
import dev.changelake.schema.ChangeDecoder;
import dev.changelake.schema.ChangeRecord;
import dev.changelake.schema.ColumnType;
import dev.changelake.schema.Op;
import dev.changelake.schema.TableSchema;
import java.io.Serializable;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.message.BinaryMessageDecoder;

/**
 * Record bytes to a {@link SessionEvent}: the key field, the event-time field and each aggregate's field, read by name
 * from a JSON object, an Avro record (the producers' single-object encoding) or the row of a Debezium change. A record
 * that cannot be read comes back undecodable, with the reason; it never fails the job.
 */
final class EventDecoder implements Serializable {
    private static final long serialVersionUID = 1L;
    /** For a changelog source: the change's binlog timestamp instead of a column. */
    static final String SOURCE_TIMESTAMP = "_source_ts";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final SessionJobOptions.Format format;
    private final String keyField;
    private final String timeField;
    private final List<AggregateSpec> aggregates;
    private final ChangeDecoder changes;
    private transient BinaryMessageDecoder<GenericRecord> avro;

    EventDecoder(SessionJobOptions options) {
        this.format = options.format();
        this.keyField = options.keyField();
        this.timeField = options.timeField();
        this.aggregates = options.aggregates();
        this.changes = options.changeDecoder();
    }

    /**
     * The event, or empty for a change that is not an event (updates, deletes and tombstones of a changelog source:
     * a session counts rows as they are created).
     */
    Optional<SessionEvent> decode(byte[] key, byte[] value) {
        try {
            switch (format) {
                case JSON:
                    return Optional.of(fromJson(value));
                case AVRO:
                    return Optional.of(fromAvro(value));
                default:
                    return fromChange(key, value);
            }
        } catch (Exception e) {
            return Optional.of(SessionEvent.undecodable(e.getClass().getSimpleName() + ": " + e.getMessage(), value));
        }
    }

    private SessionEvent fromJson(byte[] value) throws java.io.IOException {
        if (value == null) {
            throw new IllegalArgumentException("null value");
        }
        JsonNode node = JSON.readTree(value);
        if (node == null || !node.isObject()) {
            throw new IllegalArgumentException("not a JSON object: " + head(value));
        }
        return event(name -> {
            JsonNode v = node.get(name);
            return v == null || v.isNull() ? null : v.isNumber() ? v.numberValue() : v.asText();
        });
    }

    private SessionEvent fromAvro(byte[] value) throws java.io.IOException {
        if (avro == null) {
            avro = new BinaryMessageDecoder<>(GenericData.get(), EventFormat.avroSchema());
        }
        GenericRecord r = avro.decode(value);
        return event(name -> {
            Object v = r.hasField(name) ? r.get(name) : null;
            return v instanceof CharSequence ? v.toString() : v;
        });
    }

    private Optional<SessionEvent> fromChange(byte[] key, byte[] value) throws Exception {
        Optional<ChangeRecord> decoded = changes.decode(key, value);
        if (decoded.isEmpty() || (decoded.get().op() != Op.CREATE && decoded.get().op() != Op.READ)) {
            return Optional.empty();
        }
        ChangeRecord change = decoded.get();
        Map<String, Object> row = change.after();
        TableSchema schema = change.schema();
        return Optional.of(event(name -> {
            if (name.equals(SOURCE_TIMESTAMP)) {
                return change.sourceTimestampMillis();
            }
            Object v = row.get(name);
            if (v instanceof Long && schema != null && isTimestamp(schema, name)) {
                return Instant.EPOCH.plusNanos((Long) v * 1000); // timestamps are micros in a change row
            }
            return v;
        }));
    }

    private static boolean isTimestamp(TableSchema schema, String column) {
        for (TableSchema.Column c : schema.columns()) {
            if (c.name().equals(column)) {
                ColumnType.Kind k = c.type().kind();
                return k == ColumnType.Kind.TIMESTAMP || k == ColumnType.Kind.TIMESTAMP_TZ;
            }
        }
        return false;
    }

    private SessionEvent event(java.util.function.Function<String, Object> field) {
        Object key = field.apply(keyField);
        if (key == null) {
            throw new IllegalArgumentException("no " + keyField + " (the session key)");
        }
        Object time = field.apply(timeField);
        if (time == null) {
            throw new IllegalArgumentException("no " + timeField + " (the event time)");
        }
        double[] numbers = new double[aggregates.size()];
        String[] texts = new String[aggregates.size()];
        for (int i = 0; i < aggregates.size(); i++) {
            AggregateSpec a = aggregates.get(i);
            Object v = a.field() == null ? null : field.apply(a.field());
            if (a.numeric()) {
                numbers[i] = number(a.field(), v);
            } else {
                texts[i] = v == null ? null : v.toString();
            }
        }
        return new SessionEvent(key.toString(), millis(time), numbers, texts);
    }

    private static double number(String name, Object v) {
        if (v == null) {
            return Double.NaN;
        }
        if (v instanceof Number) {
            return ((Number) v).doubleValue();
        }
        try {
            return new BigDecimal(v.toString().trim()).doubleValue();
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + ": '" + v + "' is not a number");
        }
    }

    /** Epoch milliseconds, ISO-8601 instants, or a zone-less date-time read as UTC. */
    static long millis(Object time) {
        if (time instanceof Number) {
            return ((Number) time).longValue();
        }
        if (time instanceof Instant) {
            return ((Instant) time).toEpochMilli();
        }
        String text = time.toString().trim();
        if (text.matches("-?\\d+")) {
            return Long.parseLong(text);
        }
        try {
            return Instant.parse(text).toEpochMilli();
        } catch (java.time.format.DateTimeParseException notInstant) {
            return LocalDateTime.parse(text.replace(' ', 'T')).toInstant(ZoneOffset.UTC).toEpochMilli();
        }
    }

    private static String head(byte[] value) {
        String s = new String(value, 0, Math.min(value.length, 80), StandardCharsets.UTF_8);
        return value.length > 80 ? s + "…" : s;
    }
}
