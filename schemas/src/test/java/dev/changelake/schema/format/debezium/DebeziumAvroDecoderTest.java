package dev.changelake.schema.format.debezium;

import static dev.changelake.schema.format.debezium.DebeziumChanges.comparable;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;

import dev.changelake.schema.ChangeDecoder;
import dev.changelake.schema.ChangeRecord;
import dev.changelake.schema.DecodeException;
import dev.changelake.schema.Op;
import dev.changelake.schema.TableId;
import dev.changelake.schema.TableSchema;
import dev.changelake.schema.WriterSchemaUnavailableException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.stream.Collectors;
import org.apache.kafka.connect.data.Struct;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DebeziumAvroDecoderTest {
    @TempDir
    Path store;

    private DebeziumAvroDecoder decoder() {
        return new DebeziumAvroDecoder(store.toUri());
    }

    @Test
    void updateDecodesEveryColumnIntoItsCanonicalValue() throws Exception {
        DebeziumChanges changes = new DebeziumChanges(store, 2);
        byte[][] record = changes.avro(changes.key(42), changes.update(changes.row(42, "1.00"), changes.row(42, "-999.99")));

        ChangeRecord change = decoder().decode(record[0], record[1]).orElseThrow();

        assertThat(change.table()).isEqualTo(new TableId("shop", "all_types"));
        assertThat(change.op()).isEqualTo(Op.UPDATE);
        assertThat(change.key()).containsExactly(entry("id", 42L));
        assertThat(change.after())
                .containsEntry("tiny1", -128)
                .containsEntry("small_u", 65535)
                .containsEntry("int_u", 4294967295L)
                .containsEntry("big_u", new BigDecimal("18446744073709551615"))
                .containsEntry("amount", new BigDecimal("-999.99"))
                .containsEntry("wide", "-12345678901234567890123456789012345.123456789012345678901234567890")
                .containsEntry("f", -0.0f)
                .containsEntry("d", 1.7976931348623157E308)
                .containsEntry("bit1", true)
                .containsEntry("txt", "ünïcødé 𝄞 🚀")
                .containsEntry("empty", "")
                .containsEntry("day", 19782)
                .containsEntry("dur", -3_020_399_000_000L)
                .containsEntry("dt3", 1_709_210_096_123_000L)
                .containsEntry("dt6", 253_402_300_799_999_999L)
                .containsEntry("ts", 1_709_210_096_123_456L)
                .containsEntry("yr", 2155)
                .containsEntry("en", "PAID")
                .containsEntry("st", "a,c")
                .containsEntry("js", "{\"k\": [1, 2.5, null]}")
                .containsEntry("nothing", null)
                .containsEntry("order-id", 7)
                .containsEntry("1st", "first");
        assertThat(HexFormat.of().formatHex((byte[]) change.after().get("bits"))).isEqualTo("0801"); // BIT(12) b'100000000001'
        assertThat(HexFormat.of().formatHex((byte[]) change.after().get("bin"))).isEqualTo("00ff7f80");
        assertThat(HexFormat.of().formatHex((byte[]) change.after().get("geo")))
                .isEqualTo("e6100000" + "0101000000000000000000f03f0000000000000040");
        assertThat(change.before()).containsEntry("amount", new BigDecimal("1.00"));
        assertThat(change.position().fileSequence()).isEqualTo(3);
        assertThat(change.position().position()).isEqualTo(4567);
        assertThat(change.position().rowIndex()).isEqualTo(2);
        assertThat(change.position().gtid()).isEqualTo("0-1-17");
        assertThat(change.position().snapshot()).isFalse();
        assertThat(change.sourceTimestampMillis()).isEqualTo(1_700_000_001_000L);
    }

    @Test
    void columnNamesEscapedForAvroGetTheirMySqlNamesBack() {
        assertThat(DebeziumAvroEnvelope.columnName("customer_u005fid")).isEqualTo("customer_id");
        assertThat(DebeziumAvroEnvelope.columnName("order_u002did")).isEqualTo("order-id");
        assertThat(DebeziumAvroEnvelope.columnName("_u0031st")).isEqualTo("1st");
        assertThat(DebeziumAvroEnvelope.columnName("gr_u00f6_u00dfe")).isEqualTo("größe");
        assertThat(DebeziumAvroEnvelope.columnName("plain")).isEqualTo("plain");
    }

    @Test
    void snapshotReadSortsBeforeTheStreamedChangesOfTheSameKey() throws Exception {
        DebeziumChanges changes = new DebeziumChanges(store, 2);
        Struct row = changes.row(7, "1.00");
        ChangeDecoder decoder = decoder();

        ChangeRecord read = decode(decoder, changes.avro(changes.key(7), changes.read(row)));
        ChangeRecord update = decode(decoder, changes.avro(changes.key(7), changes.update(row, row)));
        ChangeRecord delete = decode(decoder, changes.avro(changes.key(7), changes.delete(row)));

        assertThat(read.op()).isEqualTo(Op.READ);
        assertThat(read.position().snapshot()).isTrue();
        assertThat(update.position().isAfter(read.position())).isTrue();
        assertThat(delete.position().isAfter(update.position())).isTrue();
        assertThat(delete.op()).isEqualTo(Op.DELETE);
        assertThat(delete.after()).isNull();
        assertThat(delete.before()).containsEntry("id", 7L);
    }

    @Test
    void tombstoneCarriesNoChange() throws Exception {
        DebeziumChanges changes = new DebeziumChanges(store, 2);
        byte[][] record = changes.avro(changes.key(7), changes.delete(changes.row(7, "1.00")));

        assertThat(decoder().decode(record[0], null)).isEmpty();
    }

    @Test
    void truncateIsAChangeOfTheTableWithoutKeyOrRows() throws Exception {
        DebeziumChanges changes = new DebeziumChanges(store, 2);

        ChangeRecord truncate = decode(decoder(), changes.avro(null, changes.truncate()));

        assertThat(truncate.op()).isEqualTo(Op.TRUNCATE);
        assertThat(truncate.table()).isEqualTo(new TableId("shop", "all_types"));
        assertThat(truncate.key()).isEmpty();
        assertThat(truncate.after()).isNull();
    }

    @Test
    void schemaComesFromTheWriterSchemaWithThePrimaryKeyFromTheRecordKey() throws Exception {
        DebeziumChanges changes = new DebeziumChanges(store, 2);
        byte[][] record = changes.avro(changes.key(1), changes.read(changes.row(1, "1.00")));

        TableSchema schema = decoder().schemaOf(record[0], record[1]);

        assertThat(schema.primaryKey()).containsExactly("id");
        assertThat(schema.columns().stream().map(c -> c.name() + ":" + c.type() + (c.nullable() ? "" : "!"))
                .collect(Collectors.toList())).containsExactly(
                        "id:LONG!", "tiny1:INT!", "small_u:INT", "int_u:LONG", "big_u:DECIMAL(20,0)",
                        "amount:DECIMAL(12,2)!", "wide:STRING", "f:FLOAT", "d:DOUBLE", "bit1:BOOLEAN", "bits:BINARY",
                        "txt:STRING", "empty:STRING", "bin:BINARY", "day:DATE", "dur:TIME", "dt3:TIMESTAMP",
                        "dt6:TIMESTAMP", "ts:TIMESTAMP_TZ", "yr:INT", "en:STRING", "st:STRING", "js:STRING",
                        "geo:BINARY", "pt:BINARY", "nothing:STRING", "order-id:INT", "1st:STRING");
    }

    @Test
    void changeOfATableWithoutPrimaryKeyHasAnEmptyKeyAndItsSchemaNoPrimaryKey() throws Exception {
        DebeziumChanges changes = new DebeziumChanges(store, 2);
        byte[][] record = changes.avro(null, changes.read(changes.row(1, "1.00")));

        assertThat(decoder().schemaOf(null, record[1]).hasPrimaryKey()).isFalse();
        assertThat(decoder().decode(null, record[1]).orElseThrow().key()).isEmpty();
    }

    @Test
    void changedDecimalScaleDecodesEachRecordWithItsOwnScale() throws Exception {
        DebeziumChanges before = new DebeziumChanges(store, 2);
        DebeziumChanges after = new DebeziumChanges(store, 4); // ALTER TABLE … MODIFY amount DECIMAL(12,4)
        byte[][] old = before.avro(before.key(1), before.read(before.row(1, "12.34")));
        byte[][] altered = after.avro(after.key(1), after.update(after.row(1, "12.3400"), after.row(1, "12.3456")));
        ChangeDecoder decoder = decoder();

        assertThat(decode(decoder, old).after()).containsEntry("amount", new BigDecimal("12.34"));
        assertThat(decode(decoder, altered).after()).containsEntry("amount", new BigDecimal("12.3456"));
        assertThat(decoder.schemaOf(altered[0], altered[1]).columns())
                .anyMatch(c -> c.name().equals("amount") && c.type().toString().equals("DECIMAL(12,4)"));
    }

    @Test
    void recordThatIsNotSingleObjectEncodedIsABadRecord() {
        assertThatThrownBy(() -> decoder().decode("{\"id\":1}".getBytes(StandardCharsets.UTF_8),
                "this is not a Debezium envelope".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(DecodeException.class).hasMessageContaining("not Avro single-object encoded");
    }

    @Test
    void recordWhoseWriterSchemaIsNotInTheStoreNamesTheSchemaAndTheStore() throws Exception {
        DebeziumChanges changes = new DebeziumChanges(store, 2);
        byte[][] record = changes.avro(changes.key(1), changes.read(changes.row(1, "1.00")));
        Path elsewhere = Files.createDirectories(store.resolve("empty"));

        assertThatThrownBy(() -> new DebeziumAvroDecoder(elsewhere.toUri()).decode(record[0], record[1]))
                .isInstanceOf(WriterSchemaUnavailableException.class)
                .hasMessageContaining(".avsc").hasMessageContaining(elsewhere.toUri().toString());
    }

    @Test
    void truncatedRecordIsABadRecord() {
        DebeziumChanges changes = new DebeziumChanges(store, 2);
        byte[][] record = changes.avro(changes.key(1), changes.read(changes.row(1, "1.00")));
        byte[] cut = java.util.Arrays.copyOf(record[1], record[1].length / 2);

        assertThatThrownBy(() -> decoder().decode(record[0], cut)).isInstanceOf(DecodeException.class)
                .hasMessageContaining("not a valid Avro record");
    }

    @Test
    void decoderTravelsToTheJobAsASerializedObject() throws Exception {
        DebeziumChanges changes = new DebeziumChanges(store, 2);
        byte[][] record = changes.avro(changes.key(3), changes.read(changes.row(3, "3.00")));
        ChangeDecoder used = decoder();
        decode(used, record); // caches filled: they must not travel

        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(used);
        }
        ChangeDecoder copy;
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            copy = (ChangeDecoder) in.readObject();
        }

        assertThat(comparable(decode(copy, record))).isEqualTo(comparable(decode(used, record)));
    }

    @Test
    void unsupportedSchemaStoreIsRefusedNamingIt() {
        assertThatThrownBy(() -> new DebeziumAvroDecoder(java.net.URI.create("hdfs://nn/schemas")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("hdfs://nn/schemas");
    }

    static ChangeRecord decode(ChangeDecoder decoder, byte[][] record) throws DecodeException {
        return decoder.decode(record[0], record[1]).orElseThrow();
    }
}
