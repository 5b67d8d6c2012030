package dev.changelake.schema.format.debezium;

import static dev.changelake.schema.format.debezium.DebeziumChanges.comparable;
import static org.assertj.core.api.Assertions.assertThat;

import dev.changelake.schema.ChangeDecoder;
import dev.changelake.schema.ChangeDecoders;
import dev.changelake.schema.Encoding;
import java.nio.file.Path;
import java.util.List;
import org.apache.kafka.connect.data.Struct;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The same Debezium change, written by JsonConverter and by the single-object Avro converter, decodes the same. */
class JsonAvroParityTest {
    @TempDir
    Path store;

    @Test
    void sameChangeDecodesToEqualChangeRecordsFromJsonAndAvro() throws Exception {
        DebeziumChanges changes = new DebeziumChanges(store, 2);
        ChangeDecoder json = ChangeDecoders.forEncoding(Encoding.JSON, null);
        ChangeDecoder avro = ChangeDecoders.forEncoding(Encoding.AVRO, store.toUri());
        Struct before = changes.row(5, "0.01");
        Struct after = changes.row(5, "-0.10").put("txt", null).put("f", 3.4028235E38f).put("d", -0.0)
                .put("bits", new byte[] {1}).put("dur", 0L).put("ts", "1970-01-01T00:00:00Z");

        for (Struct[] change : List.of(
                new Struct[] {changes.key(5), changes.read(before)},
                new Struct[] {changes.key(5), changes.update(before, after)},
                new Struct[] {changes.key(5), changes.delete(after)},
                new Struct[] {null, changes.truncate()})) {
            byte[][] j = changes.json(change[0], change[1]);
            byte[][] a = changes.avro(change[0], change[1]);

            assertThat(comparable(avro.decode(a[0], a[1]).orElseThrow()))
                    .as(DebeziumChanges.utf8(j[1]))
                    .isEqualTo(comparable(json.decode(j[0], j[1]).orElseThrow()));
        }
    }

    @Test
    void sameChangeGivesEqualTableSchemasFromJsonAndAvro() throws Exception {
        DebeziumChanges changes = new DebeziumChanges(store, 2);
        byte[][] j = changes.json(changes.key(1), changes.read(changes.row(1, "1.00")));
        byte[][] a = changes.avro(changes.key(1), changes.read(changes.row(1, "1.00")));

        assertThat(ChangeDecoders.forEncoding(Encoding.AVRO, store.toUri()).schemaOf(a[0], a[1]))
                .isEqualTo(ChangeDecoders.forEncoding(Encoding.JSON, null).schemaOf(j[0], j[1]));
    }
}
