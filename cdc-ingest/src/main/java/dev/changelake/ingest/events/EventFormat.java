package dev.changelake.ingest.events;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.message.BinaryMessageEncoder;

/**
 * How events are written on the wire. The field names are the ones a session job's configuration refers to:
 * {@code user_id}, {@code event_type}, {@code item}, {@code amount}, {@code event_time} (epoch milliseconds), {@code seq}.
 */
public enum EventFormat {
    /** One JSON object per record, UTF-8. */
    JSON,
    /** Avro single-object encoding (2-byte marker, schema fingerprint, body) of {@link #avroSchema()}. */
    AVRO;

    private static final JsonFactory JSON_FACTORY = new JsonFactory();
    private static final Schema SCHEMA = loadSchema();
    private static final ThreadLocal<BinaryMessageEncoder<GenericRecord>> AVRO_ENCODER =
            ThreadLocal.withInitial(() -> new BinaryMessageEncoder<>(GenericData.get(), SCHEMA));

    /** The writer schema of {@link #AVRO}, also the reader schema of the session job. */
    public static Schema avroSchema() {
        return SCHEMA;
    }

    public byte[] encode(Event e) {
        try {
            return this == JSON ? json(e) : avro(e);
        } catch (IOException ex) {
            throw new UncheckedIOException("cannot encode " + e, ex);
        }
    }

    private static byte[] json(Event e) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream(160);
        try (JsonGenerator g = JSON_FACTORY.createGenerator(out)) {
            g.writeStartObject();
            g.writeStringField("user_id", e.userId());
            g.writeStringField("event_type", e.eventType());
            g.writeStringField("item", e.item());
            g.writeNumberField("amount", e.amount());
            g.writeNumberField("event_time", e.eventTimeMillis());
            g.writeNumberField("seq", e.seq());
            g.writeEndObject();
        }
        return out.toByteArray();
    }

    private static byte[] avro(Event e) throws IOException {
        GenericRecord r = new GenericData.Record(SCHEMA);
        r.put("user_id", e.userId());
        r.put("event_type", e.eventType());
        r.put("item", e.item());
        r.put("amount", e.amount());
        r.put("event_time", e.eventTimeMillis());
        r.put("seq", e.seq());
        ByteArrayOutputStream out = new ByteArrayOutputStream(96);
        AVRO_ENCODER.get().encode(r, out);
        return out.toByteArray();
    }

    private static Schema loadSchema() {
        try (InputStream in = EventFormat.class.getResourceAsStream("session-event.avsc")) {
            return new Schema.Parser().parse(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
