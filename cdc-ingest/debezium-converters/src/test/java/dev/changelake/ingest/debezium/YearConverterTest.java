package dev.changelake.ingest.debezium;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.debezium.spi.converter.CustomConverter;
import io.debezium.spi.converter.RelationalColumn;
import java.sql.Types;
import java.time.Year;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import java.util.Properties;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.junit.jupiter.api.Test;

class YearConverterTest {

    /** A column as Debezium's DDL parser describes it; only the type name matters to the converter. */
    private record Column(String name, String typeName, int jdbcType) implements RelationalColumn {
        @Override public String dataCollection() { return "shop.t"; }
        @Override public int nativeType() { return -1; }
        @Override public String typeExpression() { return typeName; }
        @Override public OptionalInt length() { return OptionalInt.empty(); }
        @Override public OptionalInt scale() { return OptionalInt.empty(); }
        @Override public boolean isOptional() { return true; }
        @Override public Object defaultValue() { return null; }
        @Override public boolean hasDefaultValue() { return false; }
    }

    /** What the converter registered for a column: the schema builder and the value function, or nothing. */
    private static final class Registrations implements CustomConverter.ConverterRegistration<SchemaBuilder> {
        final List<SchemaBuilder> schemas = new ArrayList<>();
        final List<CustomConverter.Converter> converters = new ArrayList<>();

        @Override
        public void register(SchemaBuilder schema, CustomConverter.Converter converter) {
            schemas.add(schema);
            converters.add(converter);
        }
    }

    private static Registrations registrationsFor(RelationalColumn column) {
        YearConverter converter = new YearConverter();
        converter.configure(new Properties());
        Registrations r = new Registrations();
        converter.converterFor(column, r);
        return r;
    }

    @Test
    void yearColumnGetsDebeziumsYearSchemaSoDecodersNeedNoChange() {
        Registrations r = registrationsFor(new Column("c_year", "YEAR", Types.INTEGER));

        assertThat(r.schemas).hasSize(1);
        Schema schema = r.schemas.get(0).build();
        assertThat(schema.type()).isEqualTo(Schema.Type.INT32);
        assertThat(schema.name()).isEqualTo("io.debezium.time.Year");
        assertThat(schema.version()).isEqualTo(1);
    }

    @Test
    void otherColumnsKeepDebeziumsOwnConversion() {
        assertThat(registrationsFor(new Column("c_int", "INT", Types.INTEGER)).schemas).isEmpty();
        assertThat(registrationsFor(new Column("c_date", "DATE", Types.DATE)).schemas).isEmpty();
        assertThat(registrationsFor(new Column("c_year_name", "VARCHAR", Types.VARCHAR)).schemas).isEmpty();
    }

    @Test
    void lowerCaseTypeNameIsAYearToo() {
        assertThat(registrationsFor(new Column("c_year", "year", Types.INTEGER)).schemas).hasSize(1);
    }

    @Test
    void snapshotZeroYearStaysZeroInsteadOfBecoming2000() {
        CustomConverter.Converter convert = registrationsFor(new Column("c_year", "YEAR", Types.INTEGER)).converters.get(0);

        // the MariaDB driver with yearIsDateType=false reads YEAR as a Short
        assertThat(convert.convert((short) 0)).isEqualTo(0);
        assertThat(convert.convert((short) 1901)).isEqualTo(1901);
        assertThat(convert.convert((short) 2155)).isEqualTo(2155);
        assertThat(convert.convert(2024)).isEqualTo(2024);
    }

    @Test
    void binlogZeroYearWhichArrivesAs1900IsZero() {
        CustomConverter.Converter convert = registrationsFor(new Column("c_year", "YEAR", Types.INTEGER)).converters.get(0);

        assertThat(convert.convert(Year.of(1900))).isEqualTo(0); // year − 1900 = 0 in the binlog
        assertThat(convert.convert(Year.of(1901))).isEqualTo(1901);
        assertThat(convert.convert(Year.of(2155))).isEqualTo(2155);
    }

    @Test
    void nullStaysNull() {
        assertThat(YearConverter.year(null)).isNull();
    }

    @Test
    void defaultsAndDateReadingsGiveTheYear() {
        assertThat(YearConverter.year("0000")).isEqualTo(0);
        assertThat(YearConverter.year("2024")).isEqualTo(2024);
        assertThat(YearConverter.year(java.sql.Date.valueOf("2024-01-01"))).isEqualTo(2024);
        assertThat(YearConverter.year(java.time.LocalDate.of(1999, 1, 1))).isEqualTo(1999);
    }

    @Test
    void unknownValueTypeIsRefusedNamingTheType() {
        assertThatThrownBy(() -> YearConverter.year(new Object()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("java.lang.Object");
    }
}
