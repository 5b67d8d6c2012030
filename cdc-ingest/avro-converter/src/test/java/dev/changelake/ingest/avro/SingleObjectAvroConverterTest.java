package dev.changelake.ingest.avro;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.message.BinaryMessageDecoder;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.connect.data.Decimal;
import org.apache.kafka.connect.data.SchemaAndValue;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.errors.DataException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SingleObjectAvroConverterTest {
    @TempDir
    Path store;

    private SingleObjectAvroConverter converter() {
        SingleObjectAvroConverter c = new SingleObjectAvroConverter();
        c.configure(Map.of(SingleObjectAvroConverter.SCHEMA_STORE_URI, store.toUri().toString()), false);
        return c;
    }

    /** A row struct as Debezium builds one: a key column, a DECIMAL(12,scale), a DATETIME(6), a nullable text. */
    private static org.apache.kafka.connect.data.Schema row(int scale) {
        return SchemaBuilder.struct().name("changelake.shop.orders.Value")
                .field("id", org.apache.kafka.connect.data.Schema.INT64_SCHEMA)
                .field("amount", Decimal.builder(scale).parameter("connect.decimal.precision", "12").build())
                .field("created_at", SchemaBuilder.int64().name("io.debezium.time.MicroTimestamp").version(1).build())
                .field("qty", SchemaBuilder.int16().build())
                .field("note", org.apache.kafka.connect.data.Schema.OPTIONAL_STRING_SCHEMA)
                .build();
    }

    private static Struct order(org.apache.kafka.connect.data.Schema schema, String amount) {
        return new Struct(schema).put("id", 42L).put("amount", new BigDecimal(amount))
                .put("created_at", 1_700_000_000_123_456L).put("qty", (short) 7).put("note", null);
    }

    private static long fingerprintIn(byte[] record) {
        return ByteBuffer.wrap(record, 2, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
    }

    private Schema stored(long fingerprint) throws IOException {
        return new Schema.Parser().parse(Files.readString(store.resolve(WriterSchemaStore.objectName(fingerprint))));
    }

    private List<String> storedFiles() throws IOException {
        try (Stream<Path> files = Files.list(store)) {
            return files.map(p -> p.getFileName().toString()).sorted().collect(Collectors.toList());
        }
    }

    @Test
    void recordIsSingleObjectEncodedWithTheFingerprintOfItsStoredWriterSchema() throws Exception {
        org.apache.kafka.connect.data.Schema schema = row(2);

        byte[] bytes = converter().fromConnectData("changelake.shop.orders", schema, order(schema, "-999.99"));

        assertThat(bytes[0]).isEqualTo((byte) 0xC3);
        assertThat(bytes[1]).isEqualTo((byte) 0x01);
        Schema writer = stored(fingerprintIn(bytes));
        assertThat(SchemaNormalization.parsingFingerprint64(writer)).isEqualTo(fingerprintIn(bytes));
        GenericRecord read = new BinaryMessageDecoder<GenericRecord>(GenericData.get(), writer).decode(bytes);
        assertThat(read.get("id")).isEqualTo(42L);
        assertThat(read.get("created_at")).isEqualTo(1_700_000_000_123_456L);
        assertThat(read.get("note")).isNull();
        assertThat(storedFiles()).containsExactly(WriterSchemaStore.objectName(fingerprintIn(bytes)));
    }

    @Test
    void storedSchemaKeepsConnectLogicalNamesAndParameters() throws Exception {
        org.apache.kafka.connect.data.Schema schema = row(2);

        Schema writer = stored(fingerprintIn(converter().fromConnectData("t", schema, order(schema, "1.00"))));

        Schema amount = writer.getField("amount").schema();
        assertThat(amount.getProp("connect.name")).isEqualTo("org.apache.kafka.connect.data.Decimal");
        @SuppressWarnings("unchecked")
        Map<String, Object> parameters = (Map<String, Object>) amount.getObjectProp("connect.parameters");
        assertThat(parameters)
                .containsEntry("scale", "2").containsEntry("connect.decimal.precision", "12");
        assertThat(writer.getField("created_at").schema().getProp("connect.name")).isEqualTo("io.debezium.time.MicroTimestamp");
        assertThat(writer.getField("qty").schema().getProp("connect.type")).isEqualTo("int16");
        assertThat(writer.getField("note").schema().isNullable()).isTrue();
    }

    @Test
    void tombstoneStaysNull() {
        assertThat(converter().fromConnectData("t", row(2), null)).isNull();
        assertThat(converter().toConnectData("t", null)).isEqualTo(SchemaAndValue.NULL);
    }

    @Test
    void schemasThatDifferOnlyInADecimalScaleGetFingerprintsOfTheirOwn() throws Exception {
        SingleObjectAvroConverter converter = converter();
        org.apache.kafka.connect.data.Schema scale2 = row(2);
        org.apache.kafka.connect.data.Schema scale4 = row(4);

        byte[] before = converter.fromConnectData("t", scale2, order(scale2, "1.25"));
        byte[] after = converter.fromConnectData("t", scale4, order(scale4, "1.2500"));

        assertThat(fingerprintIn(after)).isNotEqualTo(fingerprintIn(before));
        assertThat(storedFiles()).hasSize(2);
        // A reader with only the store sees each record with its own scale.
        SingleObjectAvroConverter reader = converter();
        assertThat(((Struct) reader.toConnectData("t", before).value()).get("amount")).isEqualTo(new BigDecimal("1.25"));
        assertThat(((Struct) reader.toConnectData("t", after).value()).get("amount")).isEqualTo(new BigDecimal("1.2500"));
    }

    @Test
    void restartedConverterReusesTheSchemasAlreadyStored() throws Exception {
        org.apache.kafka.connect.data.Schema scale2 = row(2);
        org.apache.kafka.connect.data.Schema scale4 = row(4);
        SingleObjectAvroConverter first = converter();
        byte[] a = first.fromConnectData("t", scale2, order(scale2, "1.25"));
        byte[] b = first.fromConnectData("t", scale4, order(scale4, "1.2500"));

        SingleObjectAvroConverter restarted = converter();

        assertThat(fingerprintIn(restarted.fromConnectData("t", scale4, order(scale4, "3.0000")))).isEqualTo(fingerprintIn(b));
        assertThat(fingerprintIn(restarted.fromConnectData("t", scale2, order(scale2, "3.00")))).isEqualTo(fingerprintIn(a));
        assertThat(storedFiles()).hasSize(2);
    }

    @Test
    void readingBackGivesTheConnectDataThatWasWritten() {
        org.apache.kafka.connect.data.Schema schema = row(2);
        Struct written = order(schema, "-0.01");
        SingleObjectAvroConverter converter = converter();

        SchemaAndValue read = converter.toConnectData("t", converter.fromConnectData("t", schema, written));

        assertThat(read.value()).isEqualTo(written);
    }

    @Test
    void recordThatIsNotSingleObjectEncodedIsRefused() {
        assertThatThrownBy(() -> converter().toConnectData("t", "{\"id\":1}".getBytes()))
                .hasMessageContaining("not Avro single-object encoded");
    }

    @Test
    void columnNameAvroRefusesFailsNamingTheTopicAndTheFix() {
        org.apache.kafka.connect.data.Schema schema = SchemaBuilder.struct().name("changelake.shop.t.Value")
                .field("order-id", org.apache.kafka.connect.data.Schema.INT32_SCHEMA).build();

        assertThatThrownBy(() -> converter().fromConnectData("changelake.shop.t", schema, new Struct(schema).put("order-id", 1)))
                .isInstanceOf(DataException.class).hasMessageContaining("changelake.shop.t")
                .hasMessageContaining("order-id").hasMessageContaining("avro_unicode");
    }

    @Test
    void schemaStoreIsRequiredAndMustBeADirectoryUri() {
        assertThatThrownBy(() -> new SingleObjectAvroConverter().configure(Map.of(), false))
                .isInstanceOf(ConfigException.class).hasMessageContaining("schema.store.uri");
        assertThatThrownBy(() -> new SingleObjectAvroConverter().configure(
                Map.of(SingleObjectAvroConverter.SCHEMA_STORE_URI, "ftp://host/schemas"), false))
                .isInstanceOf(ConfigException.class).hasMessageContaining("ftp://host/schemas").hasMessageContaining("file:///");
    }
}
