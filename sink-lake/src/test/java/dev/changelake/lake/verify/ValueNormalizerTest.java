package dev.changelake.lake.verify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import org.apache.iceberg.types.Types;
import org.junit.jupiter.api.Test;

/** The text forms both sides of a comparison are reduced to; the JDBC side's reading runs in MirrorVerifierIT. */
class ValueNormalizerTest {

    @Test
    void mysqlTimeTextBecomesSignedMicrosecondsPastTwentyFourHours() {
        assertThat(ValueNormalizer.timeMicros("-838:59:59.000000")).isEqualTo(-3_020_399_000_000L);
        assertThat(ValueNormalizer.timeMicros("838:59:59")).isEqualTo(3_020_399_000_000L);
        assertThat(ValueNormalizer.timeMicros("123:45:56.789012")).isEqualTo(445_556_789_012L);
        assertThat(ValueNormalizer.timeMicros("-00:00:00.000001")).isEqualTo(-1L);
        assertThat(ValueNormalizer.timeMicros("00:00:00.5")).isEqualTo(500_000L);
        assertThatThrownBy(() -> ValueNormalizer.timeMicros("12:00 PM")).hasMessageContaining("'12:00 PM'");
    }

    @Test
    void zeroDatesReadAsNullAndRealDatesExactly() {
        assertThat(ValueNormalizer.date("0000-00-00")).isNull();
        assertThat(ValueNormalizer.date("2024-00-15")).isNull();
        assertThat(ValueNormalizer.dateTime("2024-02-00 00:00:00")).isNull();
        assertThat(ValueNormalizer.dateTime("0000-00-00 00:00:00.000000")).isNull();
        assertThat(ValueNormalizer.date("0001-01-01")).isEqualTo(LocalDate.of(1, 1, 1));
        assertThat(ValueNormalizer.dateTime("9999-12-31 23:59:59.999999"))
                .isEqualTo(LocalDateTime.of(9999, 12, 31, 23, 59, 59, 999_999_000));
        assertThat(ValueNormalizer.dateTime("2024-02-29 12:34:56")).isEqualTo(LocalDateTime.of(2024, 2, 29, 12, 34, 56));
    }

    @Test
    void floatIsSelectedAsADoubleBecauseTheTextProtocolPrintsSixDigits() {
        assertThat(ValueNormalizer.selectExpression("`f`", Types.FloatType.get())).isEqualTo("CAST(`f` AS DOUBLE)");
        assertThat(ValueNormalizer.selectExpression("`d`", Types.DoubleType.get())).isEqualTo("`d`");
    }

    @Test
    void negativeZeroDiffersFromZero() {
        assertThat(ValueNormalizer.normalize(Types.FloatType.get(), -0.0f))
                .isNotEqualTo(ValueNormalizer.normalize(Types.FloatType.get(), 0.0f));
        assertThat(ValueNormalizer.normalize(Types.DoubleType.get(), -0.0))
                .isNotEqualTo(ValueNormalizer.normalize(Types.DoubleType.get(), 0.0));
    }

    @Test
    void lakeAndJdbcFormsOfTheSameValueAreEqual() {
        assertThat(ValueNormalizer.normalize(Types.DecimalType.of(10, 2), new BigDecimal("1.5")))
                .isEqualTo(ValueNormalizer.normalize(Types.DecimalType.of(10, 2), new BigDecimal("1.50")));
        assertThat(ValueNormalizer.normalize(Types.BinaryType.get(), ByteBuffer.wrap(new byte[] {1, (byte) 0xA5})))
                .isEqualTo(ValueNormalizer.normalize(Types.BinaryType.get(), new byte[] {1, (byte) 0xA5}))
                .isEqualTo("01a5");
        assertThat(ValueNormalizer.normalize(Types.TimestampType.withZone(),
                OffsetDateTime.of(2038, 1, 19, 8, 44, 7, 999_999_000, ZoneOffset.ofHoursMinutes(5, 30))))
                .isEqualTo(ValueNormalizer.normalize(Types.TimestampType.withZone(),
                        LocalDateTime.of(2038, 1, 19, 3, 14, 7, 999_999_000)));
        assertThat(ValueNormalizer.normalize(Types.LongType.get(), null)).isEqualTo(ValueNormalizer.NULL);
    }

    @Test
    void canonicalValuesNormalizeLikeTheLakesValues() {
        assertThat(ValueNormalizer.canonical(Types.DateType.get(), -719_162))
                .isEqualTo(ValueNormalizer.normalize(Types.DateType.get(), LocalDate.of(1, 1, 1)));
        assertThat(ValueNormalizer.canonical(Types.TimestampType.withoutZone(), -1L))
                .isEqualTo(ValueNormalizer.normalize(Types.TimestampType.withoutZone(),
                        LocalDateTime.of(1969, 12, 31, 23, 59, 59, 999_999_000)))
                .isEqualTo("1969-12-31T23:59:59.999999");
        assertThat(ValueNormalizer.canonical(Types.TimestampType.withZone(), 1_709_208_000_000_001L))
                .isEqualTo(ValueNormalizer.normalize(Types.TimestampType.withZone(),
                        OffsetDateTime.of(2024, 2, 29, 17, 30, 0, 1_000, ZoneOffset.ofHoursMinutes(5, 30))));
        assertThat(ValueNormalizer.canonical(Types.DecimalType.of(10, 2), new BigDecimal("1.5"))).isEqualTo("1.50");
        assertThat(ValueNormalizer.canonical(Types.BinaryType.get(), new byte[] {1, (byte) 0xA5})).isEqualTo("01a5");
        assertThat(ValueNormalizer.canonical(Types.LongType.get(), null)).isEqualTo(ValueNormalizer.NULL);
    }

    @Test
    void canonicalDecimalWithMoreDecimalsThanTheColumnDiffersInsteadOfRounding() {
        assertThat(ValueNormalizer.canonical(Types.DecimalType.of(10, 2), new BigDecimal("1.005"))).isEqualTo("1.005");
        assertThat(ValueNormalizer.canonical(Types.DecimalType.of(10, 2), new BigDecimal("1.000"))).isEqualTo("1.00");
    }

    @Test
    void valueOfAnotherClassThanTheCanonicalOneIsRefused() {
        assertThatThrownBy(() -> ValueNormalizer.canonical(Types.LongType.get(), 1))
                .hasMessage("Integer 1 is not a canonical long value (Long)");
        assertThatThrownBy(() -> ValueNormalizer.canonical(Types.DateType.get(), LocalDate.of(2024, 1, 1)))
                .hasMessage("LocalDate 2024-01-01 is not a canonical date value (Integer)");
    }
}
