package dev.changelake.schema.format.debezium;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.changelake.schema.ChangeRecord;
import dev.changelake.schema.ColumnType;
import dev.changelake.schema.ColumnType.Kind;
import dev.changelake.schema.DecodeException;
import dev.changelake.schema.Op;
import dev.changelake.schema.TableId;
import dev.changelake.schema.TableSchema;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class DebeziumJsonDecoderTest {
    private final DebeziumJsonDecoder decoder = new DebeziumJsonDecoder();

    static byte[] resource(String name) throws IOException {
        try (InputStream in = DebeziumJsonDecoderTest.class.getResourceAsStream("/debezium/" + name)) {
            return in.readAllBytes();
        }
    }

    @Test
    void updateDecodesEveryColumnIntoItsCanonicalValue() throws Exception {
        ChangeRecord change = decoder.decode(resource("orders-key.json"), resource("orders-update.json")).orElseThrow();

        assertThat(change.table()).isEqualTo(new TableId("shop", "orders"));
        assertThat(change.op()).isEqualTo(Op.UPDATE);
        assertThat(change.key()).containsExactly(org.assertj.core.api.Assertions.entry("id", 42L));
        assertThat(change.after())
                .containsEntry("status", "PAID")
                .containsEntry("amount", new BigDecimal("-999.99"))
                .containsEntry("created_at", 1_700_000_000_123_456L)
                .containsEntry("updated_at", 1_700_000_000_123_456L)
                .containsEntry("ship_date", 19675)
                .containsEntry("is_gift", false)
                .containsEntry("note", "ünïcødé 🚀")
                .containsEntry("weight", 1.5);
        assertThat(change.before()).containsEntry("status", "NEW").containsEntry("note", null);
        assertThat(change.position().fileSequence()).isEqualTo(3);
        assertThat(change.position().position()).isEqualTo(4567);
        assertThat(change.position().rowIndex()).isEqualTo(2);
        assertThat(change.position().gtid()).isEqualTo("0-1-17");
        assertThat(change.sourceTimestampMillis()).isEqualTo(1_700_000_001_000L);
    }

    @Test
    void snapshotReadSortsBeforeEveryStreamedChangeOfTheSameKey() throws Exception {
        ChangeRecord read = decoder.decode(resource("orders-key.json"), resource("orders-snapshot.json")).orElseThrow();
        ChangeRecord update = decoder.decode(resource("orders-key.json"), resource("orders-update.json")).orElseThrow();
        ChangeRecord delete = decoder.decode(resource("orders-key.json"), resource("orders-delete.json")).orElseThrow();

        assertThat(read.op()).isEqualTo(Op.READ);
        assertThat(read.position().snapshot()).isTrue();
        assertThat(update.position().isAfter(read.position())).isTrue();
        assertThat(delete.position().isAfter(update.position())).isTrue();
        assertThat(delete.op()).isEqualTo(Op.DELETE);
        assertThat(delete.after()).isNull();
    }

    @Test
    void aRecordWhoseSchemaBytesWereSeenBeforeDecodesExactlyAsTheFirstOne() throws Exception {
        // JsonConverter's compact form, as Kafka carries it: the second record of a schema takes the byte-compare path
        com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
        byte[] key = json.writeValueAsBytes(json.readTree(resource("orders-key.json")));
        byte[] update = json.writeValueAsBytes(json.readTree(resource("orders-update.json")));
        byte[] delete = json.writeValueAsBytes(json.readTree(resource("orders-delete.json")));
        DebeziumJsonDecoder fresh = new DebeziumJsonDecoder();

        ChangeRecord first = fresh.decode(key, update).orElseThrow();
        ChangeRecord again = fresh.decode(key, update).orElseThrow();
        ChangeRecord other = fresh.decode(key, delete).orElseThrow();

        for (ChangeRecord[] pair : new ChangeRecord[][] {{first, again}, {decoder.decode(key, delete).orElseThrow(), other}}) {
            assertThat(pair[1].op()).isEqualTo(pair[0].op());
            assertThat(pair[1].key()).isEqualTo(pair[0].key());
            assertThat(pair[1].before()).isEqualTo(pair[0].before());
            assertThat(pair[1].after()).isEqualTo(pair[0].after());
            assertThat(pair[1].position()).usingRecursiveComparison().isEqualTo(pair[0].position());
            assertThat(pair[1].schema()).isEqualTo(pair[0].schema());
        }
        assertThat(again.after()).containsEntry("amount", new BigDecimal("-999.99")).containsEntry("status", "PAID");
    }

    @Test
    void tombstoneCarriesNoChange() throws Exception {
        assertThat(decoder.decode(resource("orders-key.json"), null)).isEmpty();
    }

    @Test
    void schemaComesFromTheEnvelopeWithThePrimaryKeyFromTheRecordKey() throws Exception {
        TableSchema schema = decoder.schemaOf(resource("orders-key.json"), resource("orders-update.json"));

        assertThat(schema.primaryKey()).containsExactly("id");
        assertThat(schema.columns().stream().map(c -> c.name() + ":" + c.type()).collect(Collectors.toList()))
                .containsExactly("id:LONG", "customer_id:LONG", "status:STRING", "amount:DECIMAL(12,2)",
                        "created_at:TIMESTAMP", "updated_at:TIMESTAMP_TZ", "ship_date:DATE", "is_gift:BOOLEAN",
                        "note:STRING", "weight:DOUBLE");
        assertThat(schema.columns().get(0).nullable()).isFalse();
        assertThat(schema.columns().get(3).type()).isEqualTo(ColumnType.decimal(12, 2));
        assertThat(schema.columns().get(1).type().kind()).isEqualTo(Kind.LONG);
    }

    @Test
    void valueThatIsNotJsonIsRefusedWithTheReason() {
        assertThatThrownBy(() -> decoder.decode(null, "not json at all".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(DecodeException.class)
                .hasMessageContaining("value is not valid JSON");
    }

    @Test
    void changeOfATableWithoutPrimaryKeyHasAnEmptyKeyAndItsSchemaNoPrimaryKey() throws Exception {
        ChangeRecord change = decoder.decode(null, resource("orders-update.json")).orElseThrow();
        TableSchema schema = decoder.schemaOf(null, resource("orders-update.json"));

        assertThat(change.key()).isEmpty();
        assertThat(change.after()).containsEntry("id", 42L);
        assertThat(schema.hasPrimaryKey()).isFalse();
        assertThat(schema.columns()).hasSize(10);
    }

    @Test
    void jsonWithoutEmbeddedSchemaIsRefusedWithTheConverterSettingToFixIt() {
        byte[] plain = "{\"before\":null,\"after\":{\"id\":1},\"op\":\"c\"}".getBytes(StandardCharsets.UTF_8);
        assertThatThrownBy(() -> decoder.decode(null, plain))
                .isInstanceOf(DecodeException.class)
                .hasMessageContaining("schemas.enable=true");
    }

    @Test
    void decimalTooWideForTheLakeIsKeptAsItsExactText() throws Exception {
        String wide = new String(resource("orders-update.json"), StandardCharsets.UTF_8)
                .replace("\"connect.decimal.precision\": \"12\"", "\"connect.decimal.precision\": \"65\"");
        byte[] value = wide.getBytes(StandardCharsets.UTF_8);

        assertThat(decoder.schemaOf(resource("orders-key.json"), value).columns().get(3).type())
                .isEqualTo(ColumnType.of(Kind.STRING));
        assertThat(decoder.decode(resource("orders-key.json"), value).orElseThrow().after())
                .containsEntry("amount", "-999.99");
    }

    @Test
    void unknownOpIsRefused() throws Exception {
        String bad = new String(resource("orders-update.json"), StandardCharsets.UTF_8).replace("\"op\": \"u\"", "\"op\": \"x\"");
        assertThatThrownBy(() -> decoder.decode(resource("orders-key.json"), bad.getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(DecodeException.class)
                .hasMessageContaining("unknown Debezium op 'x'");
        assertThat(List.of(Op.values())).hasSize(5);
    }
}
