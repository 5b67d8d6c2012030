package dev.changelake.ingest.events;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.HashSet;
import java.util.Set;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.message.BinaryMessageDecoder;
import org.junit.jupiter.api.Test;

class EventGeneratorTest {
    private static final long NOW = 1_767_261_600_000L;

    @Test
    void lateFractionOfEventsIsFarBehindTheClockAndTheRestClose() {
        EventGenerator g = new EventGenerator(1_000, 0.05, 42, () -> NOW);
        int late = 0;
        for (int i = 0; i < 20_000; i++) {
            long behind = NOW - g.next().eventTimeMillis();
            assertThat(behind).isBetween(0L, 2 * EventGenerator.LATE_MILLIS);
            if (behind >= EventGenerator.LATE_MILLIS) {
                late++;
            } else {
                assertThat(behind).isLessThan(EventGenerator.OUT_OF_ORDER_MILLIS);
            }
        }
        assertThat(late).isEqualTo(g.late()).isBetween(800, 1_200);
    }

    @Test
    void usersComeInVisitsFromTheWholePopulation() {
        EventGenerator g = new EventGenerator(100, 0, 7, () -> NOW);
        Set<String> users = new HashSet<>();
        for (int i = 0; i < 5_000; i++) {
            users.add(g.next().userId());
        }
        assertThat(users).hasSizeGreaterThan(90).allMatch(u -> u.matches("u-\\d{6}"));
    }

    @Test
    void jsonAndAvroCarryTheSameFields() throws Exception {
        Event e = new Event("u-000001", "purchase", "sku-9", 12.5, NOW, 3);
        JsonNode json = new ObjectMapper().readTree(EventFormat.JSON.encode(e));
        GenericRecord avro = new BinaryMessageDecoder<GenericRecord>(GenericData.get(), EventFormat.avroSchema())
                .decode(EventFormat.AVRO.encode(e));
        for (String field : new String[] {"user_id", "event_type", "item", "amount", "event_time", "seq"}) {
            assertThat(String.valueOf(avro.get(field))).as(field).isEqualTo(json.get(field).asText());
        }
    }
}
