package dev.changelake.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import dev.changelake.fixtures.MariaDbServer;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The snapshot SELECTs generated from a real MariaDB's information_schema, run as Debezium runs them. */
class SnapshotOverridesIT {
    /** FLOATs that 6 significant digits cannot hold: the largest, the smallest normal, 2^24 + 2, 7 digits. */
    private static final float[] EXACT = {Float.MAX_VALUE, -Float.MAX_VALUE, Float.MIN_NORMAL, 16777218f, 1.234567f};

    @TempDir
    static Path workDir;
    static MariaDbServer db;
    static String url;

    @BeforeAll
    static void startDatabase() throws Exception {
        db = MariaDbServer.start(workDir.resolve("db"));
        db.createDatabaseAndUser("shop", "cdc", "cdc-pw");
        db.createDatabaseAndUser("crm", "cdc2", "cdc2-pw");
        url = "jdbc:mariadb://" + db.host() + ":" + db.port() + "/";
        exec("CREATE TABLE shop.measures (id INT PRIMARY KEY, `name` VARCHAR(20), f FLOAT, `we``ird col` FLOAT NOT NULL,"
                        + " d DOUBLE, f_unsigned FLOAT UNSIGNED)",
                "CREATE TABLE shop.no_floats (id INT PRIMARY KEY, d DOUBLE)",
                "CREATE TABLE crm.readings (id INT PRIMARY KEY, f FLOAT)",
                "CREATE VIEW shop.measures_view AS SELECT id, f FROM shop.measures");
        for (int i = 0; i < EXACT.length; i++) {
            // as the double the float is: Float.toString's shortest form (3.4028235E38) lies above FLOAT's range
            String f = Double.toString(EXACT[i]);
            String abs = Double.toString(Math.abs(EXACT[i]));
            exec("INSERT INTO shop.measures VALUES (" + i + ", 'row', " + f + ", " + f + ", 0.1, " + abs + ")");
        }
    }

    @AfterAll
    static void stopDatabase() throws Exception {
        if (db != null) {
            db.close();
        }
    }

    @Test
    void onlyTablesWithFloatColumnsOfTheCapturedDatabasesGetASelect() throws Exception {
        Map<String, String> c = SnapshotOverrides.forSource(url, "cdc", "cdc-pw", List.of("shop"));

        assertThat(c).containsOnlyKeys("snapshot.select.statement.overrides",
                "snapshot.select.statement.overrides.shop.measures");
        assertThat(c.get("snapshot.select.statement.overrides")).isEqualTo("shop.measures");
    }

    @Test
    void selectListsEveryColumnInTableOrderWithFloatsCastToDouble() throws Exception {
        String select = SnapshotOverrides.forSource(url, "cdc", "cdc-pw", List.of("shop"))
                .get("snapshot.select.statement.overrides.shop.measures");

        assertThat(select).isEqualTo("SELECT `id`, `name`, CAST(`f` AS DOUBLE) AS `f`,"
                + " CAST(`we``ird col` AS DOUBLE) AS `we``ird col`, `d`, CAST(`f_unsigned` AS DOUBLE) AS `f_unsigned`"
                + " FROM `shop`.`measures`");
    }

    @Test
    void selectReadsEveryFloatExactlyOverTheTextProtocolWithTheColumnNamesDebeziumMatches() throws Exception {
        String select = SnapshotOverrides.forSource(url, "cdc", "cdc-pw", List.of("shop"))
                .get("snapshot.select.statement.overrides.shop.measures");

        // a plain Statement, as Debezium's snapshot reads: the text protocol
        try (Connection c = DriverManager.getConnection(url, "cdc", "cdc-pw");
             Statement s = c.createStatement();
             ResultSet rs = s.executeQuery(select + " ORDER BY `id`")) {
            ResultSetMetaData md = rs.getMetaData();
            List<String> names = new ArrayList<>();
            for (int i = 1; i <= md.getColumnCount(); i++) {
                names.add(md.getColumnName(i));
            }
            assertThat(names).containsExactly("id", "name", "f", "we`ird col", "d", "f_unsigned");
            for (float expected : EXACT) {
                assertThat(rs.next()).isTrue();
                // Debezium narrows the Number to the float32 field with floatValue()
                assertThat(((Number) rs.getObject("f")).floatValue()).isEqualTo(expected);
                assertThat(((Number) rs.getObject("we`ird col")).floatValue()).isEqualTo(expected);
                assertThat(((Number) rs.getObject("f_unsigned")).floatValue()).isEqualTo(Math.abs(expected));
                assertThat(rs.getDouble("d")).isEqualTo(0.1);
            }
        }
    }

    @Test
    void plainSelectLosesFloatDigitsWhichIsWhyTheOverrideExists() throws Exception {
        try (Connection c = DriverManager.getConnection(url, "cdc", "cdc-pw");
             Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT f FROM shop.measures WHERE id = 0")) {
            rs.next();
            assertThat(((Number) rs.getObject(1)).floatValue()).isNotEqualTo(Float.MAX_VALUE);
        }
    }

    @Test
    void everyCapturedDatabaseIsRead() throws Exception {
        Map<String, String> c = SnapshotOverrides.forSource(url, "cdc", "cdc-pw", List.of("shop", "crm"));

        assertThat(c.get("snapshot.select.statement.overrides")).isEqualTo("crm.readings,shop.measures");
        assertThat(c.get("snapshot.select.statement.overrides.crm.readings"))
                .isEqualTo("SELECT `id`, CAST(`f` AS DOUBLE) AS `f` FROM `crm`.`readings`");
    }

    private static void exec(String... sql) throws Exception {
        try (Connection c = DriverManager.getConnection(url, db.rootUser(), db.rootPassword());
             Statement s = c.createStatement()) {
            for (String q : sql) {
                s.execute(q);
            }
        }
    }
}
