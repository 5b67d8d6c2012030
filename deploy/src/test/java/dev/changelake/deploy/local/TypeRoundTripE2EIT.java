package dev.changelake.deploy.local;

import static org.assertj.core.api.Assertions.assertThat;

import dev.changelake.lake.verify.VerifyReport;
import dev.changelake.schema.Encoding;
import dev.changelake.schema.TableId;
import dev.changelake.schema.TableSchema;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every MySQL column type the type mapping covers (docs/types.md), with edge values, through the whole path: rows
 * written before the capture starts (snapshot, op=r) and after the job runs (binlog, op=c), then updates, a
 * primary-key change and deletes. MariaDB runs at +05:30, so TIMESTAMP values prove they land as UTC whatever the
 * server's zone. The verifier compares every column of every row with MariaDB's.
 */
class TypeRoundTripE2EIT {
    static final String DB = "shop";
    static final TableId ALL_TYPES = new TableId(DB, "all_types");
    /** Not UTC and not a whole hour, so a TIMESTAMP read in the wrong zone cannot pass by accident. */
    static final String SERVER_TIME_ZONE = "+05:30";

    /** Column name → type, in table order. */
    static final Map<String, String> COLUMNS = new LinkedHashMap<>();

    static {
        COLUMNS.put("c_tinyint1", "TINYINT(1)");
        COLUMNS.put("c_boolean", "BOOLEAN");
        COLUMNS.put("c_tinyint", "TINYINT");
        COLUMNS.put("c_tinyint_u", "TINYINT UNSIGNED");
        COLUMNS.put("c_smallint", "SMALLINT");
        COLUMNS.put("c_smallint_u", "SMALLINT UNSIGNED");
        COLUMNS.put("c_mediumint", "MEDIUMINT");
        COLUMNS.put("c_mediumint_u", "MEDIUMINT UNSIGNED");
        COLUMNS.put("c_int", "INT");
        COLUMNS.put("c_int_u", "INT UNSIGNED");
        COLUMNS.put("c_bigint", "BIGINT");
        COLUMNS.put("c_bigint_u", "BIGINT UNSIGNED");
        COLUMNS.put("c_decimal_10_2", "DECIMAL(10,2)");
        COLUMNS.put("c_decimal_38_10", "DECIMAL(38,10)");
        COLUMNS.put("c_decimal_65_30", "DECIMAL(65,30)");
        COLUMNS.put("c_float", "FLOAT");
        COLUMNS.put("c_double", "DOUBLE");
        COLUMNS.put("c_bit1", "BIT(1)");
        COLUMNS.put("c_bit8", "BIT(8)");
        COLUMNS.put("c_bit64", "BIT(64)");
        COLUMNS.put("c_char", "CHAR(10)");
        COLUMNS.put("c_varchar", "VARCHAR(255)");
        COLUMNS.put("c_text", "TEXT");
        COLUMNS.put("c_binary", "BINARY(4)");
        COLUMNS.put("c_varbinary", "VARBINARY(16)");
        COLUMNS.put("c_blob", "BLOB");
        COLUMNS.put("c_date", "DATE");
        COLUMNS.put("c_time", "TIME(6)");
        COLUMNS.put("c_datetime0", "DATETIME(0)");
        COLUMNS.put("c_datetime3", "DATETIME(3)");
        COLUMNS.put("c_datetime6", "DATETIME(6)");
        COLUMNS.put("c_timestamp0", "TIMESTAMP(0) NULL");
        COLUMNS.put("c_timestamp6", "TIMESTAMP(6) NULL");
        COLUMNS.put("c_year", "YEAR");
        // Labels without 4-byte characters: the server reports those as '?' (refused, see docs/types.md).
        COLUMNS.put("c_enum", "ENUM('small','medium','large','€uro')");
        COLUMNS.put("c_set", "SET('a','b','c','ü')");
        COLUMNS.put("c_json", "JSON");
        COLUMNS.put("c_geometry", "GEOMETRY");
        COLUMNS.put("c_point", "POINT");
        COLUMNS.put("c_required", "VARCHAR(20) NOT NULL");
    }

    /** The smallest value of every type. */
    static Map<String, String> minima() {
        Map<String, String> r = new LinkedHashMap<>();
        r.put("c_tinyint1", "-128");
        r.put("c_boolean", "-128");
        r.put("c_tinyint", "-128");
        r.put("c_tinyint_u", "0");
        r.put("c_smallint", "-32768");
        r.put("c_smallint_u", "0");
        r.put("c_mediumint", "-8388608");
        r.put("c_mediumint_u", "0");
        r.put("c_int", "-2147483648");
        r.put("c_int_u", "0");
        r.put("c_bigint", "-9223372036854775808");
        r.put("c_bigint_u", "0");
        r.put("c_decimal_10_2", "-99999999.99");
        r.put("c_decimal_38_10", "-" + "9".repeat(28) + "." + "9".repeat(10));
        r.put("c_decimal_65_30", "-" + "9".repeat(35) + "." + "9".repeat(30));
        r.put("c_float", "-3.4028234663852886e38"); // exactly -Float.MAX_VALUE: 6 digits would lose it
        r.put("c_double", "-1.7976931348623157e308");
        r.put("c_bit1", "b'0'");
        r.put("c_bit8", "b'0'");
        r.put("c_bit64", "b'0'");
        r.put("c_char", "''");
        r.put("c_varchar", "''");
        r.put("c_text", "''");
        r.put("c_binary", "X'00000000'");
        r.put("c_varbinary", "X''");
        r.put("c_blob", "X''");
        r.put("c_date", "'0001-01-01'"); // a two-digit-year adjuster would make this 2001
        r.put("c_time", "'-838:59:59.000000'");
        r.put("c_datetime0", "'0001-01-01 00:00:00'");
        r.put("c_datetime3", "'1000-01-01 00:00:00.000'");
        r.put("c_datetime6", "'1000-01-01 00:00:00.000000'");
        r.put("c_timestamp0", "'1970-01-01 05:30:01'"); // 1970-01-01T00:00:01Z at +05:30
        r.put("c_timestamp6", "'1970-01-01 05:30:01.000000'");
        r.put("c_year", "1901");
        r.put("c_enum", "'small'");
        r.put("c_set", "''");
        r.put("c_json", "'{}'");
        r.put("c_geometry", "ST_GeomFromText('POINT(0 0)')");
        r.put("c_point", "ST_GeomFromText('POINT(-180 -90)', 4326)");
        r.put("c_required", "''");
        return r;
    }

    /**
     * The largest value of every type. FLOAT is exactly Float.MAX_VALUE: the snapshot would read it over JDBC's text
     * protocol, where MariaDB prints a FLOAT with 6 significant digits, but the capture's snapshot SELECT casts FLOAT
     * columns to DOUBLE (docs/types.md).
     */
    static Map<String, String> maxima() {
        Map<String, String> r = new LinkedHashMap<>();
        r.put("c_tinyint1", "127");
        r.put("c_boolean", "127");
        r.put("c_tinyint", "127");
        r.put("c_tinyint_u", "255");
        r.put("c_smallint", "32767");
        r.put("c_smallint_u", "65535");
        r.put("c_mediumint", "8388607");
        r.put("c_mediumint_u", "16777215");
        r.put("c_int", "2147483647");
        r.put("c_int_u", "4294967295");
        r.put("c_bigint", "9223372036854775807");
        r.put("c_bigint_u", "18446744073709551615");
        r.put("c_decimal_10_2", "99999999.99");
        r.put("c_decimal_38_10", "9".repeat(28) + "." + "9".repeat(10));
        r.put("c_decimal_65_30", "9".repeat(35) + "." + "9".repeat(30));
        r.put("c_float", "3.4028234663852886e38");
        r.put("c_double", "1.7976931348623157e308");
        r.put("c_bit1", "b'1'");
        r.put("c_bit8", "b'11111111'");
        r.put("c_bit64", "b'" + "1".repeat(64) + "'");
        r.put("c_char", "'" + "😀".repeat(10) + "'");
        r.put("c_varchar", "'" + "🚀".repeat(255) + "'");
        r.put("c_text", "REPEAT('ünïcødé 🚀 ', 3000)");
        r.put("c_binary", "X'FFFFFFFF'");
        r.put("c_varbinary", "X'" + "FF".repeat(16) + "'");
        r.put("c_blob", "REPEAT(X'00FF10', 20000)");
        r.put("c_date", "'9999-12-31'");
        r.put("c_time", "'838:59:59.000000'");
        r.put("c_datetime0", "'9999-12-31 23:59:59'");
        r.put("c_datetime3", "'9999-12-31 23:59:59.999'");
        r.put("c_datetime6", "'9999-12-31 23:59:59.999999'");
        r.put("c_timestamp0", "'2038-01-19 08:44:07'"); // 2038-01-19T03:14:07Z at +05:30
        r.put("c_timestamp6", "'2038-01-19 08:44:07.999999'");
        r.put("c_year", "2155");
        r.put("c_enum", "'€uro'");
        r.put("c_set", "'a,b,c,ü'");
        r.put("c_json", "'{\"emoji\": \"😀\", \"n\": [1, 2.5, -0.0, null, true], \"nested\": {\"k\": \"\"}}'");
        r.put("c_geometry", "ST_GeomFromText('POLYGON((0 0, 10 0, 10 10, 0 10, 0 0))', 3857)");
        r.put("c_point", "ST_GeomFromText('POINT(180 90)', 4326)");
        r.put("c_required", "'" + "😀".repeat(20) + "'");
        return r;
    }

    /** NULL in every nullable column. */
    static Map<String, String> nulls() {
        Map<String, String> r = new LinkedHashMap<>();
        r.put("c_required", "'not null'");
        return r;
    }

    /** Values that are easy to get wrong: negative zero, 29 Feb, empty string, byte order, durations past 24 h. */
    static Map<String, String> edges() {
        Map<String, String> r = new LinkedHashMap<>();
        r.put("c_tinyint1", "1");
        r.put("c_boolean", "0");
        r.put("c_tinyint", "0");
        r.put("c_tinyint_u", "128");
        r.put("c_smallint", "-1");
        r.put("c_smallint_u", "32768");
        r.put("c_mediumint", "-1");
        r.put("c_mediumint_u", "8388608");
        r.put("c_int", "-1");
        r.put("c_int_u", "2147483648");
        r.put("c_bigint", "-1");
        r.put("c_bigint_u", "9223372036854775808");
        r.put("c_decimal_10_2", "-0.01");
        r.put("c_decimal_38_10", "0.0000000001");
        r.put("c_decimal_65_30", "-0.000000000000000000000000000001");
        r.put("c_float", "-0e0");
        r.put("c_double", "-0e0");
        r.put("c_bit1", "b'1'");
        r.put("c_bit8", "b'10100101'");
        r.put("c_bit64", "X'0102030405060708'");
        r.put("c_char", "'a  '"); // CHAR drops trailing spaces, in MariaDB and in the lake
        r.put("c_varchar", "'trailing  '");
        r.put("c_text", "''");
        r.put("c_binary", "X'01'"); // BINARY(4) pads with zero bytes
        r.put("c_varbinary", "X'00'");
        r.put("c_blob", "X'00FF'");
        r.put("c_date", "'2024-02-29'");
        r.put("c_time", "'-00:00:00.000001'");
        r.put("c_datetime0", "'2024-02-29 12:34:56'");
        r.put("c_datetime3", "'2024-02-29 12:34:56.789'");
        r.put("c_datetime6", "'2024-02-29 23:59:59.999999'");
        r.put("c_timestamp0", "'2024-02-29 05:29:59'"); // 2024-02-28T23:59:59Z: the UTC date is the day before
        r.put("c_timestamp6", "'2024-03-01 05:29:59.999999'"); // 2024-02-29T23:59:59.999999Z
        r.put("c_year", "2024");
        r.put("c_enum", "'medium'");
        r.put("c_set", "'a,ü'");
        r.put("c_json", "'\"😀\"'");
        r.put("c_geometry", "ST_GeomFromText('LINESTRING(0.5 -1.25, 10000000000 3)')");
        r.put("c_point", "ST_GeomFromText('POINT(1.5 -2.25)')");
        r.put("c_required", "'x'");
        return r;
    }

    /** Another row of in-between values, with a TIME past 24 h. */
    static Map<String, String> ordinary() {
        Map<String, String> r = edges();
        r.put("c_tinyint1", "0");
        r.put("c_float", "1.17549435e-38"); // the smallest normal FLOAT: 1.17549e-38 in 6 digits
        r.put("c_double", "0.1");
        r.put("c_decimal_10_2", "12345.67");
        r.put("c_decimal_38_10", "-12345678901234567890.0123456789");
        r.put("c_decimal_65_30", "12345678901234567890123456789012345.012345678901234567890123456789");
        r.put("c_time", "'123:45:56.789012'");
        r.put("c_text", "'ünïcødé 🚀'");
        r.put("c_json", "'[]'");
        return r;
    }

    /**
     * Zero dates, which need a session sql_mode without NO_ZERO_DATE and NO_ZERO_IN_DATE, and MySQL's zero year
     * (Debezium's own conversion makes it 2000 in the snapshot and 1900 in the binlog; the capture's YEAR converter
     * keeps 0, docs/types.md).
     */
    static Map<String, String> zeroDates() {
        Map<String, String> r = new LinkedHashMap<>();
        r.put("c_date", "'0000-00-00'");
        r.put("c_datetime0", "'0000-00-00 00:00:00'");
        r.put("c_datetime3", "'0000-00-00 00:00:00.000'");
        r.put("c_datetime6", "'2024-00-00 00:00:00.000000'");
        r.put("c_timestamp0", "'0000-00-00 00:00:00'");
        r.put("c_timestamp6", "'0000-00-00 00:00:00.000000'");
        r.put("c_time", "'00:00:00'");
        r.put("c_year", "0"); // the number 0 is YEAR 0000 (the string '0' would be 2000)
        r.put("c_required", "'zero dates'");
        return r;
    }

    /** A FLOAT with 8 significant digits (2^24 - 1, exactly representable), which 6 digits would make 16777200. */
    static Map<String, String> exactFloats() {
        Map<String, String> r = new LinkedHashMap<>();
        r.put("c_float", "16777215");
        r.put("c_required", "'exact float'");
        return r;
    }

    @TempDir(cleanup = CleanupMode.ON_SUCCESS) // a failed run keeps the services' logs
    static Path workDir;
    static LocalStack stack;
    static LocalFlinkCluster flink;

    @BeforeAll
    static void startServices() throws Exception {
        stack = LocalStack.start(workDir, DB, SERVER_TIME_ZONE);
        flink = LocalFlinkCluster.start(0, 2);
    }

    @AfterAll
    static void stopServices() throws Exception {
        if (flink != null) {
            flink.close();
        }
        if (stack != null) {
            stack.close();
        }
    }

    /** How Debezium writes the changes; {@link TypeRoundTripAvroE2EIT} runs the same round trip in Avro. */
    Encoding encoding() {
        return Encoding.JSON;
    }

    @Test
    void everyTypeRoundTripsThroughSnapshotStreamingUpdatesAndDeletes() throws Exception {
        try (Connection db = DriverManager.getConnection(stack.mariaDb().jdbcUrl(DB), stack.mariaDb().rootUser(),
                stack.mariaDb().rootPassword());
             Statement s = db.createStatement();
             LocalMirror mirror = new LocalMirror(stack, flink, DB, Duration.ofSeconds(2), 1, encoding())) {
            assertThat(sessionTimeZone(s)).isEqualTo(SERVER_TIME_ZONE);
            // Zero dates are only accepted without these modes; every write below runs in this session.
            s.execute("SET SESSION sql_mode = REPLACE(REPLACE(@@sql_mode, 'NO_ZERO_DATE', ''), 'NO_ZERO_IN_DATE', '')");
            s.execute(createTable());
            insertRows(s, 0);

            mirror.startCapture();
            Map<TableId, TableSchema> tables = mirror.awaitTables(t -> t.contains(ALL_TYPES), Duration.ofMinutes(2));
            mirror.startJob(tables, false);

            insertRows(s, 100);
            Map<String, String> max = maxima();
            s.execute("UPDATE " + ALL_TYPES + " SET c_float = " + max.get("c_float") + ", c_varchar = 'updated 😀'"
                    + " WHERE id = 1");
            s.execute("UPDATE " + ALL_TYPES + " SET " + assignments(max) + " WHERE id = 3"); // NULLs to maxima
            s.execute("UPDATE " + ALL_TYPES + " SET " + assignments(nulls()) + " WHERE id = 102"); // maxima to NULLs
            s.execute("UPDATE " + ALL_TYPES + " SET " + assignments(zeroDates()) + " WHERE id = 104");
            s.execute("UPDATE " + ALL_TYPES + " SET id = 200 WHERE id = 105"); // a primary-key change
            s.execute("DELETE FROM " + ALL_TYPES + " WHERE id IN (4, 103)");

            VerifyReport report = mirror.awaitMirror(Duration.ofMinutes(3));

            assertThat(report.ok()).as(report.details()).isTrue();
            assertThat(report.rows()).isEqualTo(count(s));
            assertThat(count(s)).isEqualTo(12);
        }
    }

    private static String createTable() {
        List<String> columns = new ArrayList<>();
        columns.add("id BIGINT NOT NULL PRIMARY KEY");
        COLUMNS.forEach((name, type) -> columns.add(name + " " + type));
        return "CREATE TABLE " + ALL_TYPES + " (" + String.join(", ", columns) + ")";
    }

    /**
     * Rows id+1 … id+7: minima, maxima, NULLs, edges, ordinary values, zero dates, exact floats. The snapshot and the
     * binlog get the same values: both paths are exact.
     */
    private static void insertRows(Statement s, int idBase) throws Exception {
        List<Map<String, String>> rows = List.of(minima(), maxima(), nulls(), edges(), ordinary(), zeroDates(),
                exactFloats());
        for (int i = 0; i < rows.size(); i++) {
            List<String> values = new ArrayList<>();
            values.add(String.valueOf(idBase + i + 1));
            for (String column : COLUMNS.keySet()) {
                values.add(rows.get(i).getOrDefault(column, "NULL"));
            }
            s.execute("INSERT INTO " + ALL_TYPES + " VALUES (" + String.join(", ", values) + ")");
        }
    }

    /** {@code c = v, …} for every column, NULL where {@code row} has no value. */
    private static String assignments(Map<String, String> row) {
        List<String> set = new ArrayList<>();
        for (String column : COLUMNS.keySet()) {
            set.add(column + " = " + row.getOrDefault(column, "NULL"));
        }
        return String.join(", ", set);
    }

    private static String sessionTimeZone(Statement s) throws Exception {
        try (ResultSet rs = s.executeQuery("SELECT @@session.time_zone")) {
            rs.next();
            return rs.getString(1);
        }
    }

    private static long count(Statement s) throws Exception {
        try (ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM " + ALL_TYPES)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
