package dev.changelake.schema.format.debezium;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class ZonedTimestampsTest {
    private static long expected(String text) {
        Instant i = OffsetDateTime.parse(text).toInstant();
        return i.getEpochSecond() * 1_000_000L + i.getNano() / 1000;
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "2024-01-01T10:00:00Z", // no fraction
        "2024-01-01T10:00:00.5Z", // a snapshot's trimmed fraction
        "2024-01-01T10:00:00.500000Z", // the binlog's six digits
        "2024-01-01T10:00:00.05Z",
        "2024-01-01T10:00:00.123456789Z", // nanoseconds: truncated to micros
        "2024-01-01T10:00:00.000001Z",
        "2024-01-01T10:00:00.9999999Z",
        "2024-02-29T23:59:59.999999Z", // leap day
        "2000-02-29T00:00:00Z", // leap: divisible by 400
        "1970-01-01T00:00:01Z", // the first MySQL TIMESTAMP
        "2038-01-19T03:14:07.999999Z", // the last
        "1969-12-31T23:59:59.5Z", // before the epoch, with a fraction
        "1900-01-01T00:00:00Z",
        "0000-01-01T00:00:00Z",
        "9999-12-31T23:59:59.999999Z",
        "2024-06-30T10:00:00+02:00", // offsets
        "2024-06-30T10:00:00.25-05:30",
        "2024-06-30T10:00:00-00:00",
        "2024-06-30T10:00:00+18:00",
        "2024-06-30T10:00:00-18:00",
        "2024-06-30T10:00:00+05:30:15",
        "1970-01-01T00:00:00.000001Z", // epoch second 0, but not the epoch
    })
    void readsWhatOffsetDateTimeReads(String text) {
        long fast = ZonedTimestamps.fastMicros(text);
        long expected = expected(text);
        if (OffsetDateTime.parse(text).toEpochSecond() == 0) {
            assertThat(fast).isEqualTo(ZonedTimestamps.NOT_FAST); // left to the zero-TIMESTAMP check
        } else {
            assertThat(fast).isEqualTo(expected);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "1970-01-01T00:00:00Z", // epoch second 0: maybe MySQL's zero TIMESTAMP, decided by the slow path
        "1970-01-01T02:00:00+02:00",
        "2024-01-01t10:00:00Z", // lower case: the formatter is case-insensitive, this is not
        "2024-01-01T10:00:00z",
        "2024-01-01T10:00Z", // no seconds
        "2024-01-01T10:00:00", // no offset
        "2024-01-01T10:00:00.Z", // a point without digits
        "2024-01-01T10:00:00.1234567890Z", // ten digits
        "+12024-01-01T10:00:00Z", // a year past 9999
        "-0001-01-01T10:00:00Z",
        "2023-02-29T10:00:00Z", // no such day
        "2024-04-31T10:00:00Z",
        "1900-02-29T10:00:00Z", // not leap: divisible by 100
        "2024-13-01T10:00:00Z",
        "2024-00-01T10:00:00Z",
        "0000-00-00T00:00:00Z", // MySQL's zero date, if it ever came as text
        "2024-01-01T24:00:00Z",
        "2024-01-01T10:60:00Z",
        "2024-01-01T10:00:60Z", // leap second
        "2024-01-01T10:00:00+18:01",
        "2024-01-01T10:00:00+1:00",
        "2024-01-01T10:00:00+0200",
        "2024-01-01T10:00:00+02",
        "2024-01-01T10:00:00Z[UTC]",
        "2024-01-01T10:00:00ZZ",
        "2024-01-01 10:00:00Z",
        "2024-1-01T10:00:00Z",
        "2024-01-01T10:00:0xZ",
        "",
        "garbage text, long enough",
    })
    void leavesEverythingElseToTheFormatter(String text) {
        assertThat(ZonedTimestamps.fastMicros(text)).isEqualTo(ZonedTimestamps.NOT_FAST);
    }

    @Test
    void agreesWithOffsetDateTimeOnRandomInstantsOffsetsAndFractionWidths() {
        Random random = new Random(42);
        long min = OffsetDateTime.parse("0000-01-02T00:00:00Z").toEpochSecond();
        long max = OffsetDateTime.parse("9999-12-30T00:00:00Z").toEpochSecond();
        for (int i = 0; i < 200_000; i++) {
            long second = i % 4 == 0 ? random.nextInt(Integer.MAX_VALUE) : min + (long) (random.nextDouble() * (max - min));
            int nanos = random.nextInt(4) == 0 ? 0 : random.nextInt(1_000_000_000);
            int offset = random.nextInt(3) == 0 ? 0 : (random.nextInt(18 * 4 * 2 + 1) - 18 * 4) * 900
                    + (random.nextInt(10) == 0 ? random.nextInt(60) * (random.nextBoolean() ? 1 : -1) : 0);
            offset = Math.max(-18 * 3600, Math.min(18 * 3600, offset));
            OffsetDateTime t = Instant.ofEpochSecond(second, nanos).atOffset(ZoneOffset.ofTotalSeconds(offset));
            String text;
            switch (random.nextInt(3)) {
                case 0: // ISO_OFFSET_DATE_TIME: trailing zeros of the fraction dropped to 3, 6 or 9 digits
                    text = DateTimeFormatter.ISO_OFFSET_DATE_TIME.format(t);
                    break;
                case 1: // the binlog's six digits
                    text = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSSXXXXX").format(t);
                    break;
                default: // a snapshot's fraction, trailing zeros gone
                    String six = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSS").format(t)
                            .replaceAll("0+$", "").replaceAll("\\.$", "");
                    text = six + DateTimeFormatter.ofPattern("XXXXX").format(t);
            }
            long fast = ZonedTimestamps.fastMicros(text);
            long expected = expected(text);
            if (OffsetDateTime.parse(text).toEpochSecond() == 0) {
                assertThat(fast).as(text).isEqualTo(ZonedTimestamps.NOT_FAST);
            } else {
                assertThat(fast).as(text).isEqualTo(expected);
            }
        }
    }

    @Test
    void theFallbackStillRejectsWhatOffsetDateTimeRejects() {
        assertThatThrownBy(() -> ZonedTimestamps.parseInstant("2023-02-29T10:00:00Z"))
                .isInstanceOf(DateTimeParseException.class);
        assertThat(ZonedTimestamps.parseInstant("2024-01-01t10:00Z")).isEqualTo(Instant.parse("2024-01-01T10:00:00Z"));
    }
}
