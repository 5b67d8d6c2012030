package dev.changelake.lake.delta;

import static org.assertj.core.api.Assertions.assertThat;

import io.delta.kernel.types.DecimalType;
import io.delta.kernel.types.LongType;
import io.delta.kernel.types.StringType;
import io.delta.kernel.types.TimestampType;
import java.math.BigDecimal;
import org.junit.jupiter.api.Test;

class KeyRangeTest {
    private static String stats(String min, String max) {
        return "{\"numRecords\":2,\"minValues\":{\"k\":" + min + "},\"maxValues\":{\"k\":" + max + "}}";
    }

    @Test
    void numericKeysOutsideTheStatisticsAreCertainlyNotInTheFile() {
        KeyRange r = KeyRange.fromStats(stats("10", "20"), "k", LongType.LONG);

        assertThat(r.mayContain(10L)).isTrue();
        assertThat(r.mayContain(20L)).isTrue();
        assertThat(r.mayContain(9L)).isFalse();
        assertThat(r.mayContain(21L)).isFalse();
        assertThat(r.mayOverlap(21L, null)).isFalse();
        assertThat(r.mayOverlap(null, 10L)).as("[low, high) ends before 10").isFalse();
        assertThat(r.mayOverlap(15L, 30L)).isTrue();
    }

    @Test
    void stringsCompareAsParquetDoesByUtf8BytesNotByUtf16() {
        // U+FF21 (fullwidth A) sorts after U+10000 in UTF-16 code units but before it in UTF-8 bytes.
        KeyRange r = KeyRange.fromStats(stats("\"a\"", "\"\uFF21\""), "k", StringType.STRING);

        assertThat(r.mayContain("\uFF21")).isTrue();
        assertThat(r.mayContain(new String(Character.toChars(0x10000)))).isFalse();
    }

    @Test
    void aMaximumCutToAPrefixStillCoversKeysThatStartWithIt() {
        String prefix = "x".repeat(32);
        KeyRange r = KeyRange.fromStats(stats("\"a\"", "\"" + prefix + "\""), "k", StringType.STRING);

        assertThat(r.mayContain(prefix + "zzz")).as("a writer cut the true max to 32 characters").isTrue();
        assertThat(r.mayContain("y")).isFalse();
    }

    @Test
    void lossyOrMissingStatisticsMakeEveryKeyACandidate() {
        assertThat(KeyRange.fromStats(null, "k", LongType.LONG).mayContain(1L)).isTrue();
        assertThat(KeyRange.fromStats(stats("\"2023-11-14T22:13:20.123Z\"", "\"2023-11-14T22:13:20.123Z\""), "k",
                TimestampType.TIMESTAMP).mayContain(0L)).as("timestamps are cut to milliseconds").isTrue();
        assertThat(KeyRange.fromStats("{\"numRecords\":1}", "k", LongType.LONG).mayContain(5L)).isTrue();
    }

    @Test
    void decimalKeysCompareByValue() {
        KeyRange r = KeyRange.fromStats(stats("1.50", "2.00"), "k", new DecimalType(5, 2));

        assertThat(r.mayContain(new BigDecimal("1.5"))).isTrue();
        assertThat(r.mayContain(new BigDecimal("2.01"))).isFalse();
    }
}
