package dev.changelake.jobs.session;

import static org.assertj.core.api.Assertions.assertThat;

import dev.changelake.ingest.events.Event;
import dev.changelake.ingest.events.EventFormat;
import dev.changelake.jobs.checkpoint.CheckpointSettings;
import dev.changelake.lake.catalog.CatalogOptions;
import dev.changelake.schema.format.debezium.DebeziumJsonDecoder;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EventDecoderTest {
    private static SessionJobOptions.Builder base() {
        return SessionJobOptions.builder()
                .aggregate("revenue", AggregateSpec.Function.SUM, "amount")
                .aggregate("entry", AggregateSpec.Function.FIRST_VALUE, "item")
                .catalog(new CatalogOptions("lake", CatalogOptions.Type.JDBC, "file:///unused", Map.of()))
                .checkpoint(new CheckpointSettings(Duration.ofSeconds(1), Duration.ofSeconds(1), "file:///unused",
                        Duration.ofSeconds(1), Duration.ofSeconds(1), 0))
                .table("s.sessions").lateTable("s.late");
    }

    private static EventDecoder decoder(SessionJobOptions.Format format) {
        return new EventDecoder(base().kafka("k:9092", "events", format).build());
    }

    @Test
    void jsonAndAvroEventsDecodeToTheSameSessionEvent() {
        Event e = new Event("u-7", "purchase", "sku-1", 12.5, 1_767_261_600_123L, 1);
        for (EventFormat f : EventFormat.values()) {
            SessionEvent decoded = decoder(SessionJobOptions.Format.valueOf(f.name())).decode(null, f.encode(e)).orElseThrow();
            assertThat(decoded.decoded()).as(f.name()).isTrue();
            assertThat(decoded.key).isEqualTo("u-7");
            assertThat(decoded.time).isEqualTo(1_767_261_600_123L);
            assertThat(decoded.numbers[0]).isEqualTo(12.5);
            assertThat(decoded.texts[1]).isEqualTo("sku-1");
        }
    }

    @Test
    void eventTimeMayBeAnIsoInstantOrAZonelessDateTimeReadAsUtc() {
        assertThat(EventDecoder.millis("2026-01-01T10:00:00.123Z")).isEqualTo(1_767_261_600_123L);
        assertThat(EventDecoder.millis("2026-01-01 10:00:00.123")).isEqualTo(1_767_261_600_123L);
        assertThat(EventDecoder.millis("1767261600123")).isEqualTo(1_767_261_600_123L);
    }

    @Test
    void recordThatIsNotAnEventComesBackUndecodableWithTheReason() {
        SessionEvent bad = decoder(SessionJobOptions.Format.JSON).decode(null, "{\"user_id\": \"u\"}".getBytes(StandardCharsets.UTF_8))
                .orElseThrow();
        assertThat(bad.decoded()).isFalse();
        assertThat(bad.error).contains("no event_time");
        assertThat(new String(bad.payload, StandardCharsets.UTF_8)).isEqualTo("{\"user_id\": \"u\"}");
        assertThat(decoder(SessionJobOptions.Format.AVRO).decode(null, new byte[] {1, 2, 3}).orElseThrow().decoded()).isFalse();
    }

    @Test
    void changelogInsertIsAnEventKeyedByAColumnAndUpdatesAreNot() throws Exception {
        byte[] key;
        String update;
        try (InputStream k = getClass().getResourceAsStream("/debezium/orders-key.json");
             InputStream v = getClass().getResourceAsStream("/debezium/orders-update.json")) {
            key = k.readAllBytes();
            update = new String(v.readAllBytes(), StandardCharsets.UTF_8);
        }
        EventDecoder orders = new EventDecoder(base().aggregates(java.util.List.of(
                        new AggregateSpec("weight", AggregateSpec.Function.SUM, "weight"),
                        new AggregateSpec("first_status", AggregateSpec.Function.FIRST_VALUE, "status")))
                .changelog("k:9092", "changelake.shop.orders", new DebeziumJsonDecoder())
                .key("customer_id").eventTime("created_at").build());
        assertThat(orders.decode(key, update.getBytes(StandardCharsets.UTF_8))).isEmpty();

        String insert = update.replaceFirst("\"op\"\\s*:\\s*\"u\"", "\"op\": \"c\"");
        SessionEvent e = orders.decode(key, insert.getBytes(StandardCharsets.UTF_8)).orElseThrow();
        assertThat(e.key).isEqualTo("7");
        assertThat(e.time).isEqualTo(1_700_000_000_123L); // created_at, a DATETIME in micros
        assertThat(e.numbers[0]).isEqualTo(1.5);
        assertThat(e.texts[1]).isEqualTo("PAID");
    }
}
