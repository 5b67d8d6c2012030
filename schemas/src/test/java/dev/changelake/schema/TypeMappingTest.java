package dev.changelake.schema;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.changelake.schema.ColumnType.Kind;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** One test per rule of the type table (docs/types.md), with the parameters Debezium 3.5 really sends. */
class TypeMappingTest {

    static ColumnType lake(String connectType, String logicalName, Map<String, String> parameters) {
        return TypeMapping.toLake(connectType, logicalName, parameters);
    }

    static ColumnType lake(String connectType) {
        return lake(connectType, null, Map.of());
    }

    @Test
    void integersUpToThirtyTwoBitsAreIntAndSixtyFourBitsAreLong() {
        // TINYINT(1)/BOOLEAN and TINYINT [UNSIGNED] are int16, SMALLINT UNSIGNED/MEDIUMINT/INT int32,
        // INT UNSIGNED/BIGINT int64.
        assertThat(lake("int8")).isEqualTo(ColumnType.of(Kind.INT));
        assertThat(lake("int16")).isEqualTo(ColumnType.of(Kind.INT));
        assertThat(lake("int32")).isEqualTo(ColumnType.of(Kind.INT));
        assertThat(lake("int64")).isEqualTo(ColumnType.of(Kind.LONG));
    }

    @Test
    void bigintUnsignedIsADecimalOfTwentyDigitsSoItsMaximumFits() {
        assertThat(lake("bytes", TypeMapping.DECIMAL, Map.of("scale", "0", "connect.decimal.precision", "20")))
                .isEqualTo(ColumnType.decimal(20, 0));
    }

    @Test
    void decimalUpToThirtyEightDigitsKeepsPrecisionAndScale() {
        assertThat(lake("bytes", TypeMapping.DECIMAL, Map.of("scale", "10", "connect.decimal.precision", "38")))
                .isEqualTo(ColumnType.decimal(38, 10));
    }

    @Test
    void decimalWiderThanALakeDecimalIsItsExactText() {
        assertThat(lake("bytes", TypeMapping.DECIMAL, Map.of("scale", "30", "connect.decimal.precision", "65")))
                .isEqualTo(ColumnType.of(Kind.STRING));
        assertThat(TypeMapping.decimalFitsLake(Map.of("scale", "0", "connect.decimal.precision", "39"))).isFalse();
    }

    @Test
    void decimalOfUnknownPrecisionIsItsExactText() {
        assertThat(lake("bytes", TypeMapping.DECIMAL, Map.of("scale", "2"))).isEqualTo(ColumnType.of(Kind.STRING));
    }

    @Test
    void jsonConverterFloatAndDoubleNamesMapLikeConnectsOwn() {
        assertThat(lake("float")).isEqualTo(ColumnType.of(Kind.FLOAT));
        assertThat(lake("float32")).isEqualTo(ColumnType.of(Kind.FLOAT));
        assertThat(lake("double")).isEqualTo(ColumnType.of(Kind.DOUBLE));
        assertThat(lake("float64")).isEqualTo(ColumnType.of(Kind.DOUBLE));
    }

    @Test
    void bitOneIsBooleanAndWiderBitsAreBytes() {
        assertThat(lake("boolean")).isEqualTo(ColumnType.of(Kind.BOOLEAN));
        assertThat(lake("bytes", TypeMapping.BITS, Map.of("length", "64"))).isEqualTo(ColumnType.of(Kind.BINARY));
    }

    @Test
    void everyTimeEncodingIsTheSignedDurationKind() {
        assertThat(lake("int64", TypeMapping.MICRO_TIME, Map.of())).isEqualTo(ColumnType.of(Kind.TIME));
        assertThat(lake("int32", TypeMapping.TIME, Map.of())).isEqualTo(ColumnType.of(Kind.TIME));
        assertThat(lake("int64", TypeMapping.NANO_TIME, Map.of())).isEqualTo(ColumnType.of(Kind.TIME));
    }

    @Test
    void datetimeIsATimestampWithoutZoneAndTimestampIsAnInstant() {
        assertThat(lake("int64", TypeMapping.TIMESTAMP, Map.of())).isEqualTo(ColumnType.of(Kind.TIMESTAMP));
        assertThat(lake("int64", TypeMapping.MICRO_TIMESTAMP, Map.of())).isEqualTo(ColumnType.of(Kind.TIMESTAMP));
        assertThat(lake("string", TypeMapping.ZONED_TIMESTAMP, Map.of())).isEqualTo(ColumnType.of(Kind.TIMESTAMP_TZ));
        assertThat(lake("int32", TypeMapping.DATE, Map.of())).isEqualTo(ColumnType.of(Kind.DATE));
    }

    @Test
    void yearIsAnInteger() {
        assertThat(lake("int32", TypeMapping.YEAR, Map.of())).isEqualTo(ColumnType.of(Kind.INT));
    }

    @Test
    void enumSetAndJsonAreText() {
        assertThat(lake("string", TypeMapping.ENUM, Map.of("allowed", "small,medium,€uro"))).isEqualTo(ColumnType.of(Kind.STRING));
        assertThat(lake("string", TypeMapping.ENUM_SET, Map.of("allowed", "a,b,ü"))).isEqualTo(ColumnType.of(Kind.STRING));
        assertThat(lake("string", TypeMapping.JSON, Map.of())).isEqualTo(ColumnType.of(Kind.STRING));
    }

    @Test
    void enumWithALabelTheServerReportsAsQuestionMarkIsRefusedWithTheFix() {
        // MariaDB 11.4 reports ENUM('small','😀') as enum('small','?'), and Debezium's 'allowed' follows it.
        assertThatThrownBy(() -> lake("string", TypeMapping.ENUM, Map.of("allowed", "small,medium,large,?")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("ENUM('small','medium','large','?')")
                .hasMessageContaining("4-byte UTF-8")
                .hasMessageContaining("VARCHAR");
        assertThatThrownBy(() -> lake("string", TypeMapping.ENUM_SET, Map.of("allowed", "a,b,c,?")))
                .hasMessageStartingWith("SET('a','b','c','?')");
    }

    @Test
    void spatialTypesAreBytes() {
        assertThat(lake("struct", TypeMapping.GEOMETRY, Map.of())).isEqualTo(ColumnType.of(Kind.BINARY));
        assertThat(lake("struct", TypeMapping.POINT, Map.of())).isEqualTo(ColumnType.of(Kind.BINARY));
    }

    @Test
    void textAndBytesMapDirectly() {
        assertThat(lake("string")).isEqualTo(ColumnType.of(Kind.STRING));
        assertThat(lake("bytes")).isEqualTo(ColumnType.of(Kind.BINARY));
    }

    @Test
    void structsArraysAndMapsWithoutALosslessRuleAreRefusedNamingTheType() {
        assertThatThrownBy(() -> lake("struct", "io.debezium.data.VariableScaleDecimal", Map.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Connect type 'struct' (io.debezium.data.VariableScaleDecimal) has no lake type");
        assertThatThrownBy(() -> lake("array")).hasMessage("Connect type 'array' has no lake type");
        assertThatThrownBy(() -> lake("map")).hasMessage("Connect type 'map' has no lake type");
    }
}
