package dev.changelake.ingest.debezium;

import io.debezium.spi.converter.CustomConverter;
import io.debezium.spi.converter.RelationalColumn;
import java.time.LocalDate;
import java.time.Year;
import java.util.Properties;
import org.apache.kafka.connect.data.SchemaBuilder;

/**
 * Sends every MySQL / MariaDB {@code YEAR} column as the exact year, in the schema Debezium uses for YEAR
 * ({@code int32} named {@code io.debezium.time.Year}, version 1), so decoders need not know the converter exists.
 *
 * <p>Why: Debezium 3.5 converts a snapshot's YEAR through its two-digit-year rule even with
 * {@code enable.time.adjuster=false}, so MySQL's zero year {@code 0000} (read as the number 0, with
 * {@code database.yearIsDateType=false}) became 2000, which cannot be told from a real 2000. Streamed rows arrive as
 * {@link Year} objects decoded from the binlog, which stores a YEAR as year − 1900, so {@code 0000} arrives as 1900.
 * A YEAR holds 0 or 1901…2155, so 1900 can only be the zero year and becomes 0 here, whichever path it came by.
 *
 * <p>Public with a no-argument constructor: Debezium instantiates it by name ({@code converters=year},
 * {@code year.type=}this class).
 */
public final class YearConverter implements CustomConverter<SchemaBuilder, RelationalColumn> {
    /** Debezium's logical name for a YEAR ({@code io.debezium.time.Year.SCHEMA_NAME}, which is not in the SPI). */
    static final String SCHEMA_NAME = "io.debezium.time.Year";
    /** What the binlog (year − 1900 in a byte) makes of the zero year; never a YEAR value itself. */
    private static final int BINLOG_ZERO_YEAR = 1900;

    @Override
    public void configure(Properties props) {
        // nothing to configure: the rule is MySQL's
    }

    @Override
    public void converterFor(RelationalColumn column, ConverterRegistration<SchemaBuilder> registration) {
        if (isYear(column)) {
            // Debezium adds optional() and the default value to this builder itself, from the column.
            registration.register(SchemaBuilder.int32().name(SCHEMA_NAME).version(1), YearConverter::year);
        }
    }

    /** {@code YEAR} and {@code YEAR(4)}: the type name Debezium's DDL parser reports, without a length. */
    static boolean isYear(RelationalColumn column) {
        return "YEAR".equalsIgnoreCase(column.typeName());
    }

    /**
     * The exact year of a raw YEAR value as Debezium hands it over: a {@link Number} from the snapshot's JDBC read
     * (the driver's {@code yearIsDateType=false}), a {@link Year} from the binlog, a {@link String} or number for a
     * column default, a date where a driver reads YEAR as a date. Null stays null.
     */
    static Integer year(Object raw) {
        if (raw == null) {
            return null;
        }
        int year;
        if (raw instanceof Number n) {
            year = n.intValue();
        } else if (raw instanceof Year y) {
            year = y.getValue();
        } else if (raw instanceof String s) {
            year = Integer.parseInt(s.trim());
        } else if (raw instanceof java.sql.Date d) {
            year = d.toLocalDate().getYear();
        } else if (raw instanceof LocalDate d) {
            year = d.getYear();
        } else {
            // event.converting.failure.handling.mode=fail: the capture stops rather than guessing
            throw new IllegalArgumentException("YEAR value of unexpected type " + raw.getClass().getName() + ": " + raw);
        }
        return year == BINLOG_ZERO_YEAR ? 0 : year;
    }
}
