package dev.changelake.ingest.avro;

import io.apicurio.registry.serde.avro.NonRecordContainer;
import io.apicurio.registry.utils.converter.avro.AvroData;
import io.apicurio.registry.utils.converter.avro.AvroDataConfig;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.generic.GenericData;
import org.apache.avro.message.BinaryMessageDecoder;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.connect.data.SchemaAndValue;
import org.apache.kafka.connect.errors.DataException;
import org.apache.kafka.connect.storage.Converter;

/**
 * Writes Connect data as Avro <em>single-object encoding</em> (Avro specification: the marker {@code C3 01}, the
 * schema's 8-byte little-endian CRC-64-AVRO fingerprint, then the binary body), for places where no schema registry
 * runs. Each writer schema is stored in the schema store ({@code schema.store.uri}) before the first record that
 * uses it, so a reader that sees a record can always find its schema.
 *
 * <p>Guarantees: Connect schemas become Avro schemas through Apicurio's {@code AvroData} with Connect metadata on
 * ({@code connect.name}, {@code connect.parameters}, {@code connect.type}), so a reader can map Debezium's logical
 * types exactly; a null value (a tombstone) stays null. The fingerprint covers only the Avro parsing canonical form,
 * which drops those properties: two schemas that differ only in them (a DECIMAL whose scale changed) would share a
 * fingerprint, so the second one is stored with its top-level record renamed ({@code <name>_v2}, …), which gives it
 * a fingerprint of its own. Readers do not depend on the top-level record's name.
 *
 * <p>Configuration (as {@code key.converter.*} / {@code value.converter.*}): {@code schema.store.uri}, required,
 * {@code file:///<directory>}; {@code schemas.cache.size}, default 1000.
 */
public final class SingleObjectAvroConverter implements Converter {
    public static final String SCHEMA_STORE_URI = "schema.store.uri";
    public static final String SCHEMAS_CACHE_SIZE = "schemas.cache.size";

    static final ConfigDef CONFIG = new ConfigDef()
            .define(SCHEMA_STORE_URI, ConfigDef.Type.STRING, ConfigDef.NO_DEFAULT_VALUE, ConfigDef.Importance.HIGH,
                    "Where writer schemas are stored, one <fingerprint>.avsc each: file:///<directory>. Readers of "
                            + "the topics must read the same store.")
            .define(SCHEMAS_CACHE_SIZE, ConfigDef.Type.INT, 1000, ConfigDef.Range.atLeast(1), ConfigDef.Importance.LOW,
                    "How many Connect schemas keep their Avro conversion in memory.");

    /** Variants one canonical form may have: one per distinct set of properties (DECIMAL scales, …) seen for it. */
    private static final int MAX_VARIANTS = 1000;

    private WriterSchemaStore store;
    private AvroData avroData;
    private final Map<Schema, Writer> writers = new ConcurrentHashMap<>();
    private final Map<Long, Reader> readers = new ConcurrentHashMap<>();

    @Override
    public ConfigDef config() {
        return CONFIG;
    }

    @Override
    public void configure(Map<String, ?> configs, boolean isKey) {
        AbstractConfig config = new AbstractConfig(CONFIG, configs);
        String uri = config.getString(SCHEMA_STORE_URI);
        try {
            store = WriterSchemaStore.open(URI.create(uri));
        } catch (IllegalArgumentException e) {
            throw new ConfigException(SCHEMA_STORE_URI, uri, e.getMessage());
        }
        Map<String, Object> avro = new HashMap<>();
        avro.put(AvroDataConfig.CONNECT_META_DATA_CONFIG, true); // connect.name / connect.parameters: logical types
        avro.put(AvroDataConfig.SCHEMAS_CACHE_SIZE_CONFIG, config.getInt(SCHEMAS_CACHE_SIZE));
        avroData = new AvroData(new AvroDataConfig(avro));
    }

    @Override
    public byte[] fromConnectData(String topic, org.apache.kafka.connect.data.Schema schema, Object value) {
        if (value == null) {
            return null; // a tombstone stays a tombstone: log compaction and the readers rely on it
        }
        Schema avroSchema;
        Object datum;
        try {
            avroSchema = avroData.fromConnectSchema(schema);
            datum = avroData.fromConnectData(schema, value);
        } catch (DataException e) {
            throw e;
        } catch (RuntimeException e) {
            // SchemaParseException: a name Avro refuses; the capture escapes column names (avro_unicode) for this.
            throw new DataException("the Connect schema of topic " + topic + " has no Avro equivalent: " + e.getMessage()
                    + " (set Debezium's field.name.adjustment.mode=avro_unicode and schema.name.adjustment.mode=avro)", e);
        }
        if (datum instanceof NonRecordContainer) {
            datum = ((NonRecordContainer<?>) datum).getValue();
        }
        Writer writer = writers.computeIfAbsent(avroSchema, s -> register(topic, s));
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream(256);
            writer.encoder.encode(datum, out);
            return out.toByteArray();
        } catch (IOException | RuntimeException e) {
            throw new DataException("cannot write a record of topic " + topic + " as Avro: " + e.getMessage(), e);
        }
    }

    @Override
    public SchemaAndValue toConnectData(String topic, byte[] value) {
        if (value == null) {
            return SchemaAndValue.NULL;
        }
        if (value.length < 10 || value[0] != (byte) 0xC3 || value[1] != 0x01) {
            throw new DataException("record of topic " + topic + " is not Avro single-object encoded");
        }
        long fingerprint = ByteBuffer.wrap(value, 2, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        Reader reader = readers.computeIfAbsent(fingerprint, fp -> {
            try {
                return store.get(fp).map(json -> new Reader(new Schema.Parser().parse(json))).orElseThrow(() ->
                        new DataException("no writer schema " + WriterSchemaStore.objectName(fp) + " in schema store " + store));
            } catch (IOException e) {
                throw new DataException("cannot read schema store " + store + ": " + e.getMessage(), e);
            }
        });
        try {
            return avroData.toConnectData(reader.schema, reader.decoder.decode(value));
        } catch (IOException | RuntimeException e) {
            throw new DataException("cannot read a record of topic " + topic + ": " + e.getMessage(), e);
        }
    }

    /** Stores the schema (or the renamed variant its fingerprint is free for) and makes its encoder. */
    private Writer register(String topic, Schema schema) {
        try {
            for (int variant = 1; variant <= MAX_VARIANTS; variant++) {
                Schema candidate = variant == 1 ? schema : renamed(schema, variant);
                long fingerprint = SchemaNormalization.parsingFingerprint64(candidate);
                Optional<String> stored = store.get(fingerprint);
                if (stored.isEmpty()) {
                    store.put(fingerprint, candidate.toString());
                    return new Writer(candidate);
                }
                if (new Schema.Parser().parse(stored.get()).equals(candidate)) {
                    return new Writer(candidate);
                }
                if (candidate.getType() != Schema.Type.RECORD) {
                    break; // only a record's name can be changed
                }
            }
            throw new DataException("the Avro schema of topic " + topic + " has the fingerprint of another stored "
                    + "schema and cannot be renamed apart: " + schema);
        } catch (IOException e) {
            throw new DataException("cannot write the writer schema of topic " + topic + " to schema store " + store
                    + ": " + e.getMessage(), e);
        }
    }

    /** The same record with its name suffixed {@code _v<variant>}; fields, properties and nested types unchanged. */
    static Schema renamed(Schema record, int variant) {
        Schema copy = Schema.createRecord(record.getName() + "_v" + variant, record.getDoc(), record.getNamespace(),
                record.isError(), record.getFields().stream().map(f -> new Schema.Field(f, f.schema())).toList());
        record.getObjectProps().forEach(copy::addProp);
        return copy;
    }

    @Override
    public void close() {
        writers.clear();
        readers.clear();
    }

    private static final class Writer {
        final BinaryMessageEncoder<Object> encoder;

        Writer(Schema schema) {
            this.encoder = new BinaryMessageEncoder<>(GenericData.get(), schema);
        }
    }

    private static final class Reader {
        final Schema schema;
        final BinaryMessageDecoder<Object> decoder;

        Reader(Schema schema) {
            this.schema = schema;
            this.decoder = new BinaryMessageDecoder<>(GenericData.get(), schema);
        }
    }
}
