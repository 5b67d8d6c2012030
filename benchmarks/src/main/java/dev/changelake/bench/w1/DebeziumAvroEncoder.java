package dev.changelake.bench.w1;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.message.BinaryMessageEncoder;

/**
 * W1 events as changelake's Avro capture writes them: Avro single-object encoding (marker {@code C3 01}, the writer
 * schema's CRC-64-AVRO fingerprint, the binary body) by {@code SingleObjectAvroConverter}, with its writer schemas put
 * into a schema store directory ({@code <fingerprint>.avsc}) that {@code DebeziumAvroDecoder} reads. Values are those
 * of {@link DebeziumJsonEncoder} in Avro form (DECIMAL and BIT as bytes, the same TIMESTAMP text, TINYINT(1) as int);
 * column names escaped as {@code field.name.adjustment.mode=avro_unicode} does ({@code customer_id} →
 * {@code customer_u005fid}).
 *
 * <p>Not thread-safe.
 */
public final class DebeziumAvroEncoder implements EnvelopeEncoder {
    private final W1Config config;
    private final Schema keySchema;
    private final Schema valueSchema;
    private final Schema rowSchema;
    private final Schema sourceSchema;
    private final BinaryMessageEncoder<GenericRecord> keys;
    private final BinaryMessageEncoder<GenericRecord> values;
    private final ByteArrayOutputStream buffer = new ByteArrayOutputStream(1024);

    /** @param schemaStore the directory the writer schemas are written to (created if absent) */
    public DebeziumAvroEncoder(W1Config config, Path schemaStore) {
        this.config = config;
        W1Schema schema = W1Schema.of(config);
        this.keySchema = new Schema.Parser().parse(schema.keyAvroSchemaJson());
        this.valueSchema = new Schema.Parser().parse(schema.valueAvroSchemaJson());
        this.rowSchema = valueSchema.getField("after").schema().getTypes().get(1);
        this.sourceSchema = valueSchema.getField("source").schema();
        this.keys = new BinaryMessageEncoder<>(GenericData.get(), keySchema);
        this.values = new BinaryMessageEncoder<>(GenericData.get(), valueSchema);
        try {
            store(schemaStore, keySchema);
            store(schemaStore, valueSchema);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write W1's writer schemas to " + schemaStore, e);
        }
    }

    /** As SingleObjectAvroConverter stores them: {@code <fingerprint as 16 hex digits>.avsc} holding the full JSON. */
    private static void store(Path dir, Schema schema) throws IOException {
        Files.createDirectories(dir);
        String name = String.format(Locale.ROOT, "%016x.avsc", SchemaNormalization.parsingFingerprint64(schema));
        Files.writeString(dir.resolve(name), schema.toString(), StandardCharsets.UTF_8);
    }

    public Schema keySchema() {
        return keySchema;
    }

    public Schema valueSchema() {
        return valueSchema;
    }

    @Override
    public byte[] key(W1Event e) {
        GenericRecord key = new GenericData.Record(keySchema);
        key.put(0, e.id);
        return encode(keys, key);
    }

    @Override
    public byte[] value(W1Event e) {
        return encode(values, envelope(e));
    }

    /** The envelope record of an event (before encoding). */
    public GenericRecord envelope(W1Event e) {
        boolean snapshot = !"false".equals(e.snapshot);
        GenericRecord v = new GenericData.Record(valueSchema);
        v.put("before", row(e.before, snapshot));
        v.put("after", row(e.after, snapshot));
        v.put("source", source(e));
        v.put("transaction", null);
        v.put("op", e.op.code());
        v.put("ts_ms", e.processedTsNanos / 1_000_000L);
        v.put("ts_us", e.processedTsNanos / 1_000L);
        v.put("ts_ns", e.processedTsNanos);
        return v;
    }

    private GenericRecord row(W1Row r, boolean snapshot) {
        if (r == null) {
            return null;
        }
        GenericRecord g = new GenericData.Record(rowSchema);
        int i = 0;
        g.put(i++, r.id);
        g.put(i++, r.customerId);
        g.put(i++, r.status);
        g.put(i++, ByteBuffer.wrap(DebeziumJsonEncoder.decimalBytes(r.amountCents)));
        g.put(i++, r.currency);
        g.put(i++, r.createdAtMicros);
        g.put(i++, DebeziumJsonEncoder.zonedTimestamp(r.updatedAtMicros, snapshot));
        g.put(i++, r.note);
        g.put(i++, ByteBuffer.wrap(DebeziumJsonEncoder.bitsBytes(r.flags)));
        g.put(i++, r.attrs);
        g.put(i++, r.qty);
        g.put(i++, r.weight);
        g.put(i, r.isGift);
        return g;
    }

    private GenericRecord source(W1Event e) {
        GenericRecord s = new GenericData.Record(sourceSchema);
        s.put("version", W1Schema.DEBEZIUM_VERSION);
        s.put("connector", W1Schema.CONNECTOR);
        s.put("name", config.topicPrefix);
        s.put("ts_ms", e.sourceTsMillis);
        s.put("snapshot", e.snapshot);
        s.put("db", config.database);
        s.put("sequence", null);
        s.put("ts_us", e.sourceTsMillis * 1_000L);
        s.put("ts_ns", e.sourceTsMillis * 1_000_000L);
        s.put("table", config.table);
        s.put("server_id", e.serverId);
        s.put("gtid", e.gtid);
        s.put("file", e.binlogFile);
        s.put("pos", e.binlogPosition);
        s.put("row", e.rowInEvent);
        s.put("thread", null);
        s.put("query", null);
        return s;
    }

    private byte[] encode(BinaryMessageEncoder<GenericRecord> encoder, GenericRecord record) {
        buffer.reset();
        try {
            encoder.encode(record, buffer);
        } catch (IOException x) {
            throw new UncheckedIOException(x);
        }
        return buffer.toByteArray();
    }
}
