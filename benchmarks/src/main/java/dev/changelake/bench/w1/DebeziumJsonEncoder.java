package dev.changelake.bench.w1;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.util.Base64;

/**
 * W1 events as Kafka Connect's JsonConverter writes Debezium's records with {@code schemas.enable=true} (changelake's
 * JSON encoding): {@code {"schema": <embedded schema>, "payload": <envelope>}}, compact, UTF-8, keyed by
 * {@code {"schema": …, "payload": {"id": …}}}. Value encodings are Debezium's with the capture's settings:
 * DECIMAL as Base64 of the unscaled two's-complement value, DATETIME(6) as epoch microseconds, TIMESTAMP(6) as
 * UTC ISO-8601 text, BIT(n) as Base64 of its little-endian bytes, TINYINT(1) as an integer.
 *
 * <p>One quirk is Debezium's own and kept: TIMESTAMP text from the snapshot (read over JDBC) drops trailing zeros of
 * the fraction ({@code 10:00:00.5Z}, {@code 10:00:00Z}); from the binlog it has the column's 6 digits
 * ({@code 10:00:00.500000Z}).
 *
 * <p>The schema part is the same in every record and written once ({@link W1Schema}); only the payload is written per
 * event. Not thread-safe (it reuses its buffer).
 */
public final class DebeziumJsonEncoder implements EnvelopeEncoder {
    private static final JsonFactory JSON = new JsonFactory();
    private static final Base64.Encoder BASE64 = Base64.getEncoder();

    private final W1Config config;
    private final String keySchema;
    private final String valueSchema;
    private final ByteArrayBuilder buffer = new ByteArrayBuilder(8192);

    public DebeziumJsonEncoder(W1Config config) {
        this.config = config;
        W1Schema schema = W1Schema.of(config);
        this.keySchema = schema.keySchemaJson();
        this.valueSchema = schema.valueSchemaJson();
    }

    @Override
    public byte[] key(W1Event e) {
        try (JsonGenerator g = generator()) {
            g.writeStartObject();
            g.writeFieldName("schema");
            g.writeRawValue(keySchema);
            g.writeFieldName("payload");
            g.writeStartObject();
            g.writeNumberField("id", e.id);
            g.writeEndObject();
            g.writeEndObject();
        } catch (IOException x) {
            throw new UncheckedIOException(x);
        }
        return bytes();
    }

    @Override
    public byte[] value(W1Event e) {
        boolean snapshot = !"false".equals(e.snapshot);
        try (JsonGenerator g = generator()) {
            g.writeStartObject();
            g.writeFieldName("schema");
            g.writeRawValue(valueSchema);
            g.writeFieldName("payload");
            g.writeStartObject();
            g.writeFieldName("before");
            row(g, e.before, snapshot);
            g.writeFieldName("after");
            row(g, e.after, snapshot);
            g.writeFieldName("source");
            source(g, e);
            g.writeNullField("transaction");
            g.writeStringField("op", e.op.code());
            g.writeNumberField("ts_ms", e.processedTsNanos / 1_000_000L);
            g.writeNumberField("ts_us", e.processedTsNanos / 1_000L);
            g.writeNumberField("ts_ns", e.processedTsNanos);
            g.writeEndObject();
            g.writeEndObject();
        } catch (IOException x) {
            throw new UncheckedIOException(x);
        }
        return bytes();
    }

    private JsonGenerator generator() throws IOException {
        buffer.reset();
        return JSON.createGenerator(buffer, JsonEncoding.UTF8);
    }

    private byte[] bytes() {
        return buffer.toByteArray();
    }

    private static void row(JsonGenerator g, W1Row r, boolean snapshot) throws IOException {
        if (r == null) {
            g.writeNull();
            return;
        }
        g.writeStartObject();
        g.writeNumberField("id", r.id);
        g.writeNumberField("customer_id", r.customerId);
        g.writeStringField("status", r.status);
        g.writeStringField("amount", BASE64.encodeToString(decimalBytes(r.amountCents)));
        g.writeStringField("currency", r.currency);
        g.writeNumberField("created_at", r.createdAtMicros);
        g.writeStringField("updated_at", zonedTimestamp(r.updatedAtMicros, snapshot));
        g.writeStringField("note", r.note);
        g.writeStringField("flags", BASE64.encodeToString(bitsBytes(r.flags)));
        g.writeStringField("attrs", r.attrs);
        g.writeNumberField("qty", r.qty);
        if (r.weight == null) {
            g.writeNullField("weight");
        } else {
            g.writeNumberField("weight", r.weight.doubleValue());
        }
        g.writeNumberField("is_gift", r.isGift);
        g.writeEndObject();
    }

    private void source(JsonGenerator g, W1Event e) throws IOException {
        g.writeStartObject();
        g.writeStringField("version", W1Schema.DEBEZIUM_VERSION);
        g.writeStringField("connector", W1Schema.CONNECTOR);
        g.writeStringField("name", config.topicPrefix);
        g.writeNumberField("ts_ms", e.sourceTsMillis);
        g.writeStringField("snapshot", e.snapshot);
        g.writeStringField("db", config.database);
        g.writeNullField("sequence");
        g.writeNumberField("ts_us", e.sourceTsMillis * 1_000L);
        g.writeNumberField("ts_ns", e.sourceTsMillis * 1_000_000L);
        g.writeStringField("table", config.table);
        g.writeNumberField("server_id", e.serverId);
        g.writeStringField("gtid", e.gtid);
        g.writeStringField("file", e.binlogFile);
        g.writeNumberField("pos", e.binlogPosition);
        g.writeNumberField("row", e.rowInEvent);
        g.writeNullField("thread");
        g.writeNullField("query");
        g.writeEndObject();
    }

    /** Connect's Decimal: the unscaled value's minimal two's-complement bytes, big-endian. */
    static byte[] decimalBytes(long unscaled) {
        return BigInteger.valueOf(unscaled).toByteArray();
    }

    /** Debezium's Bits of a BIT(8): the bit set's little-endian bytes, padded to the column's (8 + 7) / 8 bytes. */
    static byte[] bitsBytes(int flags) {
        return new byte[] {(byte) flags};
    }

    /**
     * Debezium's ZonedTimestamp of a TIMESTAMP(6) in UTC: {@code yyyy-MM-ddTHH:mm:ss[.f…]Z}, the fraction with the
     * column's 6 digits from the binlog, and ISO_OFFSET_DATE_TIME's (trailing zeros dropped, none for .000000) from a
     * snapshot read.
     */
    static String zonedTimestamp(long epochMicros, boolean snapshot) {
        long seconds = Math.floorDiv(epochMicros, 1_000_000L);
        int micros = (int) Math.floorMod(epochMicros, 1_000_000L);
        java.time.LocalDateTime t = java.time.LocalDateTime.ofEpochSecond(seconds, 0, java.time.ZoneOffset.UTC);
        StringBuilder sb = new StringBuilder(27);
        pad(sb, t.getYear(), 4).append('-');
        pad(sb, t.getMonthValue(), 2).append('-');
        pad(sb, t.getDayOfMonth(), 2).append('T');
        pad(sb, t.getHour(), 2).append(':');
        pad(sb, t.getMinute(), 2).append(':');
        pad(sb, t.getSecond(), 2);
        if (!snapshot) {
            pad(sb.append('.'), micros, 6);
        } else if (micros != 0) {
            int digits = 6;
            int f = micros;
            while (f % 10 == 0) {
                f /= 10;
                digits--;
            }
            pad(sb.append('.'), f, digits);
        }
        return sb.append('Z').toString();
    }

    private static StringBuilder pad(StringBuilder sb, int value, int width) {
        String s = Integer.toString(value);
        for (int i = s.length(); i < width; i++) {
            sb.append('0');
        }
        return sb.append(s);
    }
}
