package dev.changelake.jobs.changelog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.changelake.jobs.deadletter.DeadLetter;
import dev.changelake.jobs.deadletter.DeadLetters;
import dev.changelake.jobs.source.RawChange;
import dev.changelake.schema.ChangeDecoders;
import dev.changelake.schema.ChangeRecord;
import dev.changelake.schema.Encoding;
import dev.changelake.schema.TableId;
import dev.changelake.schema.WriterSchemaUnavailableException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import dev.changelake.lake.catalog.CatalogOptions;
import java.util.List;
import java.util.Map;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DecodeFunctionTest {
    @TempDir
    Path emptySchemaStore;
    @TempDir
    Path lake;

    /** Mirrors shop.orders into a JDBC catalog on the local file system. */
    ChangelogJobOptions options() {
        Map<String, String> catalog = Map.of("uri", "jdbc:sqlite:" + lake.resolve("catalog.db"), "jdbc.schema-version", "V1",
                "io-impl", "org.apache.iceberg.hadoop.HadoopFileIO");
        return ChangelogJobOptions.builder().bootstrapServers("127.0.0.1:9").tables(List.of(new TableId("shop", "orders")))
                .catalog(new CatalogOptions("lake", CatalogOptions.Type.JDBC, lake.resolve("warehouse").toUri().toString(), catalog))
                .checkpointDir(lake.resolve("checkpoints").toUri().toString()).build();
    }

    @Test
    void recordThatIsNotJsonIsSetAsideWholeWithItsReasonAndTheNextOneStillDecodes() throws Exception {
        try (OneInputStreamOperatorTestHarness<RawChange, ChangeRecord> harness = ProcessFunctionTestHarnesses
                .forProcessFunction(new DecodeFunction(ChangeDecoders.forEncoding(Encoding.JSON, null), options()))) {
            harness.processElement(new RawChange("changelake.shop.orders", 0, 7, null, "not json".getBytes(StandardCharsets.UTF_8)), 0);
            harness.processElement(new RawChange("changelake.shop.orders", 0, 8, resource("orders-key.json"), resource("orders-update.json")), 0);

            assertThat(harness.extractOutputValues()).extracting(c -> c.key().get("id")).containsExactly(42L);
            assertThat(harness.getSideOutput(DeadLetters.TAG)).singleElement().satisfies(r -> {
                DeadLetter letter = r.getValue();
                assertThat(letter.stage).isEqualTo("decode");
                assertThat(letter.reason).contains("value is not valid JSON");
                assertThat(letter.record.offset).isEqualTo(7);
                assertThat(letter.record.value).isEqualTo("not json".getBytes(StandardCharsets.UTF_8));
            });
        }
    }

    @Test
    void truncateIsNotAppliedButSetAsideWithWhatToDo() throws Exception {
        String truncate = new String(resource("orders-update.json"), StandardCharsets.UTF_8)
                .replace("\"op\": \"u\"", "\"op\": \"t\"");
        try (OneInputStreamOperatorTestHarness<RawChange, ChangeRecord> harness = ProcessFunctionTestHarnesses
                .forProcessFunction(new DecodeFunction(ChangeDecoders.forEncoding(Encoding.JSON, null), options()))) {
            harness.processElement(new RawChange("changelake.shop.orders", 0, 12, null, truncate.getBytes(StandardCharsets.UTF_8)), 0);

            assertThat(harness.extractOutputValues()).isEmpty();
            assertThat(harness.getSideOutput(DeadLetters.TAG)).singleElement().satisfies(r -> {
                assertThat(r.getValue().stage).isEqualTo("apply");
                assertThat(r.getValue().reason).contains("TRUNCATE of shop.orders is not mirrored").contains("re-snapshot");
            });
        }
    }

    @Test
    void missingWriterSchemaFailsTheJobInsteadOfSkippingTheRecord() throws Exception {
        byte[] unknownSchema = {(byte) 0xC3, 0x01, 1, 2, 3, 4, 5, 6, 7, 8, 0}; // single-object header, unknown fingerprint
        try (OneInputStreamOperatorTestHarness<RawChange, ChangeRecord> harness = ProcessFunctionTestHarnesses
                .forProcessFunction(new DecodeFunction(ChangeDecoders.forEncoding(Encoding.AVRO, emptySchemaStore.toUri()), options()))) {
            assertThatThrownBy(() -> harness.processElement(new RawChange("changelake.shop.orders", 1, 99, unknownSchema, unknownSchema), 0))
                    .isInstanceOf(WriterSchemaUnavailableException.class)
                    .hasMessageContaining("changelake.shop.orders/1@99");
        }
    }

    private static byte[] resource(String name) throws Exception {
        try (var in = DecodeFunctionTest.class.getResourceAsStream("/debezium/" + name)) {
            return in.readAllBytes();
        }
    }
}
