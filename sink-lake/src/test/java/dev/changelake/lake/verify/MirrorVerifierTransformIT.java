package dev.changelake.lake.verify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.changelake.fixtures.MariaDbServer;
import dev.changelake.lake.catalog.CatalogOptions;
import dev.changelake.lake.catalog.LakeCatalogs;
import dev.changelake.lake.iceberg.IcebergSchemas;
import dev.changelake.schema.ColumnType;
import dev.changelake.schema.ColumnType.Kind;
import dev.changelake.schema.TableId;
import dev.changelake.schema.TableSchema;
import dev.changelake.schema.TableSchema.Column;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.DataFiles;
import org.apache.iceberg.FileFormat;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.SupportsNamespaces;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.data.GenericAppenderFactory;
import org.apache.iceberg.data.GenericRecord;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.io.FileAppender;
import org.apache.iceberg.io.OutputFile;
import org.apache.iceberg.types.Types;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The verifier through a {@link RowTransform} (a mirror with cleaning rules), against a real MariaDB table and real
 * Iceberg tables; and the JDBC to canonical reading of every column kind.
 */
class MirrorVerifierTransformIT {
    static final TableId USERS = new TableId("shop", "users");
    static final TableId KINDS = new TableId("shop", "kinds");

    /** The users lake table: email lower-cased, secret dropped, amount_cents and created_day computed. */
    static final Schema USERS_LAKE = new Schema(List.of(
            Types.NestedField.required(1, "id", Types.LongType.get()),
            Types.NestedField.optional(2, "email", Types.StringType.get()),
            Types.NestedField.optional(3, "amount", Types.DecimalType.of(10, 2)),
            Types.NestedField.optional(4, "status", Types.StringType.get()),
            Types.NestedField.optional(5, "created", Types.TimestampType.withoutZone()),
            Types.NestedField.optional(6, "amount_cents", Types.LongType.get()),
            Types.NestedField.optional(7, "created_day", Types.DateType.get())), Set.of(1));

    /** Every ColumnType kind, from the MySQL types that map to it (docs/types.md). */
    static final TableSchema KINDS_SCHEMA = new TableSchema(KINDS, List.of(
            new Column("id", ColumnType.of(Kind.INT), false),
            new Column("bit1", ColumnType.of(Kind.BOOLEAN), true),
            new Column("i", ColumnType.of(Kind.INT), true),
            new Column("y", ColumnType.of(Kind.INT), true),
            new Column("tiny1", ColumnType.of(Kind.INT), true),
            new Column("l", ColumnType.of(Kind.LONG), true),
            new Column("f", ColumnType.of(Kind.FLOAT), true),
            new Column("d", ColumnType.of(Kind.DOUBLE), true),
            new Column("money", ColumnType.decimal(12, 3), true),
            new Column("ubig", ColumnType.decimal(20, 0), true),
            new Column("wide", ColumnType.of(Kind.STRING), true),
            new Column("s", ColumnType.of(Kind.STRING), true),
            new Column("e", ColumnType.of(Kind.STRING), true),
            new Column("js", ColumnType.of(Kind.STRING), true),
            new Column("bin", ColumnType.of(Kind.BINARY), true),
            new Column("bits", ColumnType.of(Kind.BINARY), true),
            new Column("g", ColumnType.of(Kind.BINARY), true),
            new Column("dt", ColumnType.of(Kind.DATE), true),
            new Column("t", ColumnType.of(Kind.TIME), true),
            new Column("ts", ColumnType.of(Kind.TIMESTAMP), true),
            new Column("tz", ColumnType.of(Kind.TIMESTAMP_TZ), true)), List.of("id"));

    @TempDir
    static Path dir;
    static MariaDbServer db;
    static Catalog catalog;

    @BeforeAll
    static void start() throws Exception {
        db = MariaDbServer.start(dir.resolve("db"));
        db.createDatabaseAndUser("shop", "cdc", "cdc");
        try (Connection c = connect(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE shop.users (id BIGINT PRIMARY KEY, email VARCHAR(50), secret VARCHAR(20),"
                    + " amount DECIMAL(10,2), status VARCHAR(10), created DATETIME(6))");
            s.execute("INSERT INTO shop.users VALUES"
                    + " (1, 'Ann@Example.COM', 's1', 1.10, 'active', '2024-02-29 12:00:00.000001'),"
                    + " (2, 'bob@example.com', 's2', 2.00, 'deleted', NULL),"
                    + " (3, NULL, NULL, -3.30, 'active', '1969-12-31 23:59:59.999999'),"
                    + " (4, 'Eve@X.org', 's4', 0.05, 'deleted', '2024-01-01 00:00:00'),"
                    + " (5, 'dan@y.net', NULL, NULL, NULL, NULL)");

            s.execute("CREATE TABLE shop.kinds (id INT PRIMARY KEY, bit1 BIT(1), i INT, y YEAR, tiny1 TINYINT(1), l BIGINT,"
                    + " f FLOAT, d DOUBLE, money DECIMAL(12,3), ubig BIGINT UNSIGNED, wide DECIMAL(50,30), s VARCHAR(20),"
                    + " e ENUM('a','b'), js JSON, bin VARBINARY(8), bits BIT(12), g POINT, dt DATE, t TIME(6),"
                    + " ts DATETIME(6), tz TIMESTAMP(6) NULL)");
            s.execute("SET time_zone = '+05:30'"); // tz is an instant: read back at UTC, 17:30 here is 12:00
            s.execute("INSERT INTO shop.kinds VALUES (1, b'1', -2147483648, 2155, -128, 9223372036854775807,"
                    + " 1.2345678, 0.30000000000000004, -123456789.123, 18446744073709551615,"
                    + " -0.000000000000000000000000000001, '\uD83D\uDE00 ü', 'b', '{\"a\": 1}', x'00ff',"
                    + " b'101010101010', POINT(1, 2), '0001-01-01', '-838:59:59.000000', '9999-12-31 23:59:59.999999',"
                    + " '2024-02-29 17:30:00.000001')");
            s.execute("INSERT INTO shop.kinds (id) VALUES (2)");
            s.execute("SET sql_mode = ''"); // admits zero dates
            s.execute("INSERT INTO shop.kinds (id, y, t, dt, ts, tz)"
                    + " VALUES (3, 0, '00:00:00.5', '0000-00-00', '2024-00-15 00:00:00', '0000-00-00 00:00:00')");
        }
        catalog = LakeCatalogs.open(new CatalogOptions("lake", CatalogOptions.Type.JDBC, dir.resolve("warehouse").toUri().toString(),
                Map.of("uri", "jdbc:sqlite:" + dir.resolve("catalog.db"), "jdbc.schema-version", "V1",
                        "io-impl", "org.apache.iceberg.hadoop.HadoopFileIO")));
        ((SupportsNamespaces) catalog).createNamespace(Namespace.of("shop"));
    }

    @AfterAll
    static void stop() {
        db.close();
    }

    static Connection connect() throws Exception {
        return DriverManager.getConnection(db.jdbcUrl("shop"), db.rootUser(), db.rootPassword());
    }

    /** The cleaning rules the users lake table was written with, by hand: what the cleaning engine would do. */
    static class CleanUsers implements RowTransform {
        @Override
        public TableSchema sourceSchema() {
            return new TableSchema(USERS, List.of(
                    new Column("id", ColumnType.of(Kind.LONG), false),
                    new Column("email", ColumnType.of(Kind.STRING), true),
                    new Column("secret", ColumnType.of(Kind.STRING), true),
                    new Column("amount", ColumnType.decimal(10, 2), true),
                    new Column("status", ColumnType.of(Kind.STRING), true),
                    new Column("created", ColumnType.of(Kind.TIMESTAMP), true)), List.of("id"));
        }

        @Override
        public Map<String, Object> apply(Map<String, Object> row) {
            if ("deleted".equals(row.get("status"))) {
                return null;
            }
            Map<String, Object> out = new LinkedHashMap<>(row);
            out.remove("secret");
            out.computeIfPresent("email", (k, v) -> ((String) v).toLowerCase(Locale.ROOT));
            BigDecimal amount = (BigDecimal) row.get("amount");
            out.put("amount_cents", amount == null ? null : amount.movePointRight(2).longValueExact());
            Long created = (Long) row.get("created");
            out.put("created_day", created == null ? null : (int) Math.floorDiv(created, 86_400_000_000L));
            return out;
        }
    }

    /** CleanUsers with its output changed afterwards, for transforms that break the contract. */
    static class Rewritten extends CleanUsers {
        private final UnaryOperator<Map<String, Object>> change;

        Rewritten(UnaryOperator<Map<String, Object>> change) {
            this.change = change;
        }

        @Override
        public Map<String, Object> apply(Map<String, Object> row) {
            Map<String, Object> out = super.apply(row);
            return out == null ? null : change.apply(out);
        }
    }

    static Record user(long id, String email, String amount, String status, String created, Long cents, String day) {
        Record r = GenericRecord.create(USERS_LAKE);
        r.setField("id", id);
        r.setField("email", email);
        r.setField("amount", amount == null ? null : new BigDecimal(amount));
        r.setField("status", status);
        r.setField("created", created == null ? null : LocalDateTime.parse(created));
        r.setField("amount_cents", cents);
        r.setField("created_day", day == null ? null : LocalDate.parse(day));
        return r;
    }

    static TableIdentifier lakeTable(String name, Schema schema, List<Record> rows) throws Exception {
        TableIdentifier id = TableIdentifier.of("shop", name);
        Table table = catalog.createTable(id, schema, PartitionSpec.unpartitioned());
        OutputFile out = table.io().newOutputFile(table.locationProvider().newDataLocation(name + ".parquet"));
        FileAppender<Record> appender = new GenericAppenderFactory(schema).newAppender(out, FileFormat.PARQUET);
        try (appender) {
            for (Record r : rows) {
                appender.add(r);
            }
        }
        DataFile file = DataFiles.builder(PartitionSpec.unpartitioned()).withPath(out.location()).withFormat(FileFormat.PARQUET)
                .withFileSizeInBytes(appender.length()).withMetrics(appender.metrics()).build();
        table.newAppend().appendFile(file).commit();
        return id;
    }

    /** Chunks of 2 source rows (ids 1..5: three chunks), so filtered rows fall in several chunks. */
    static VerifyReport verifyUsers(TableIdentifier lake, RowTransform transform) throws Exception {
        return new MirrorVerifier(db.jdbcUrl("shop"), db.rootUser(), db.rootPassword(), catalog, 2)
                .verify(Map.of(USERS, lake), Map.of(USERS, transform));
    }

    @Test
    void lakeWrittenThroughTheTransformMatches() throws Exception {
        TableIdentifier lake = lakeTable("users_clean", USERS_LAKE, List.of(
                user(1, "ann@example.com", "1.10", "active", "2024-02-29T12:00:00.000001", 110L, "2024-02-29"),
                user(3, null, "-3.30", "active", "1969-12-31T23:59:59.999999", -330L, "1969-12-31"),
                user(5, "dan@y.net", null, null, null, null, null)));

        VerifyReport report = verifyUsers(lake, new CleanUsers());

        assertThat(report.ok()).as(report.details()).isTrue();
        TableDiff users = report.tables().get(0);
        assertThat(users.chunks()).isEqualTo(3);
        assertThat(users.sourceRows()).isEqualTo(3);
        assertThat(users.filteredRows()).isEqualTo(2);
        assertThat(users).hasToString("shop.users: OK 3 rows (2 filtered out)");
        assertThat(report.summaryLine()).isEqualTo("verify: OK 1 tables, 3 rows");
    }

    @Test
    void lakeNotMatchingTheTransformIsReportedByKeyAndColumn() throws Exception {
        TableIdentifier lake = lakeTable("users_dirty", USERS_LAKE, List.of(
                user(1, "Ann@Example.COM", "1.10", "active", "2024-02-29T12:00:00.000001", 110L, "2024-02-29"),
                user(2, "bob@example.com", "2.00", "deleted", null, 200L, null),
                user(3, null, "-3.30", "active", "1969-12-31T23:59:59.999999", -33L, "1970-01-01")));

        VerifyReport report = verifyUsers(lake, new CleanUsers());

        TableDiff users = report.tables().get(0);
        assertThat(users.examples()).containsExactlyInAnyOrder(
                "key id=1: email source=ann@example.com lake=Ann@Example.COM",
                "key id=2: in lake but filtered out by the transform",
                "key id=3: amount_cents source=-330 lake=-33, created_day source=1969-12-31 lake=1970-01-01",
                "key id=5: missing in lake");
        assertThat(users).hasToString("shop.users: FAILED 4 differing keys (source 3 rows, 2 filtered out, lake 3)");
    }

    @Test
    void transformThatBreaksTheContractStopsWithTheTableColumnAndKey() throws Exception {
        TableIdentifier lake = lakeTable("users_any", USERS_LAKE, List.of());

        assertThatThrownBy(() -> verifyUsers(lake, new Rewritten(out -> {
            out.put("amount_cents", 1); // an Integer in a LONG column
            return out;
        }))).hasMessage("shop.users column amount_cents after the transform: Integer 1 is not a canonical long value (Long)");
        assertThatThrownBy(() -> verifyUsers(lake, new Rewritten(out -> {
            throw new ArithmeticException("boom");
        }))).hasMessage("the transform of shop.users failed on the row with key id=1: boom");
    }

    @Test
    void jdbcValuesReadAsCanonicalValuesOfEveryKind() throws Exception {
        List<Map<String, Object>> rows = readKinds();

        Map<String, Object> full = new LinkedHashMap<>();
        full.put("id", 1);
        full.put("bit1", true);
        full.put("i", Integer.MIN_VALUE);
        full.put("y", 2155);
        full.put("tiny1", -128);
        full.put("l", Long.MAX_VALUE);
        full.put("f", 1.2345678f); // 6 digits (1.23457) over the text protocol without the cast
        full.put("d", 0.30000000000000004);
        full.put("money", new BigDecimal("-123456789.123"));
        full.put("ubig", new BigDecimal("18446744073709551615"));
        full.put("wide", "-0.000000000000000000000000000001");
        full.put("s", "\uD83D\uDE00 ü");
        full.put("e", "b");
        full.put("js", "{\"a\": 1}");
        full.put("bin", new byte[] {0, (byte) 0xff});
        full.put("bits", new byte[] {0x0a, (byte) 0xaa}); // big-endian, as b'101010101010' reads
        // SRID 0 (4 bytes little-endian), then WKB: little-endian point (type 1), x = 1.0, y = 2.0
        full.put("g", HexFormat.of().parseHex("00000000" + "0101000000" + "000000000000f03f" + "0000000000000040"));
        full.put("dt", (int) LocalDate.of(1, 1, 1).toEpochDay());
        full.put("t", -3_020_399_000_000L);
        full.put("ts", micros(LocalDateTime.of(9999, 12, 31, 23, 59, 59, 999_999_000)));
        full.put("tz", micros(LocalDateTime.of(2024, 2, 29, 12, 0, 0, 1_000)));
        assertThat(rows.get(0)).usingRecursiveComparison().isEqualTo(full);
        assertThat(rows.get(0).values()).extracting(v -> v.getClass().getSimpleName()).containsExactly("Integer",
                "Boolean", "Integer", "Integer", "Integer", "Long", "Float", "Double", "BigDecimal", "BigDecimal",
                "String", "String", "String", "String", "byte[]", "byte[]", "byte[]", "Integer", "Long", "Long", "Long");

        Map<String, Object> nulls = new LinkedHashMap<>();
        KINDS_SCHEMA.columns().forEach(c -> nulls.put(c.name(), null));
        nulls.put("id", 2);
        assertThat(rows.get(1)).containsExactlyEntriesOf(nulls);

        Map<String, Object> zeros = new LinkedHashMap<>(nulls); // zero dates are no dates: NULL
        zeros.put("id", 3);
        zeros.put("y", 0);
        zeros.put("t", 500_000L);
        assertThat(rows.get(2)).containsExactlyEntriesOf(zeros);
    }

    /** The canonical values of every kind, held by the lake, compare equal through a transform and without one. */
    @Test
    void everyKindInTheLakeMatchesBothWithAndWithoutATransform() throws Exception {
        Schema schema = IcebergSchemas.toIceberg(KINDS_SCHEMA);
        List<Record> records = new ArrayList<>();
        for (Map<String, Object> row : readKinds()) {
            Record r = GenericRecord.create(schema);
            for (Column c : KINDS_SCHEMA.columns()) {
                r.setField(c.name(), icebergValue(c.type().kind(), row.get(c.name())));
            }
            records.add(r);
        }
        TableIdentifier lake = lakeTable("kinds", schema, records);
        RowTransform identity = new RowTransform() {
            @Override
            public TableSchema sourceSchema() {
                return KINDS_SCHEMA;
            }

            @Override
            public Map<String, Object> apply(Map<String, Object> row) {
                return row;
            }
        };
        MirrorVerifier verifier = new MirrorVerifier(db.jdbcUrl("shop"), db.rootUser(), db.rootPassword(), catalog);

        VerifyReport through = verifier.verify(Map.of(KINDS, lake), Map.of(KINDS, identity));
        VerifyReport direct = verifier.verify(Map.of(KINDS, lake));

        assertThat(through.ok()).as(through.details()).isTrue();
        assertThat(through.rows()).isEqualTo(3);
        assertThat(direct.ok()).as(direct.details()).isTrue();
    }

    static List<Map<String, Object>> readKinds() throws Exception {
        CanonicalRowReader reader = new CanonicalRowReader(KINDS_SCHEMA);
        List<Map<String, Object>> rows = new ArrayList<>();
        try (Connection c = connect(); Statement s = c.createStatement()) {
            s.execute("SET time_zone = '+00:00'");
            try (ResultSet rs = s.executeQuery("SELECT " + reader.selectList() + " FROM shop.kinds ORDER BY id")) {
                while (rs.next()) {
                    rows.add(reader.read(rs));
                }
            }
        }
        return rows;
    }

    /** A canonical value as Iceberg's generic writer takes it. */
    static Object icebergValue(Kind kind, Object v) {
        if (v == null) {
            return null;
        }
        switch (kind) {
            case BINARY: return ByteBuffer.wrap((byte[]) v);
            case DATE: return LocalDate.ofEpochDay((Integer) v);
            case TIMESTAMP: return LocalDateTime.ofEpochSecond(Math.floorDiv((Long) v, 1_000_000L),
                    (int) Math.floorMod((Long) v, 1_000_000L) * 1000, ZoneOffset.UTC);
            case TIMESTAMP_TZ: return OffsetDateTime.of((LocalDateTime) icebergValue(Kind.TIMESTAMP, v), ZoneOffset.UTC);
            default: return v;
        }
    }

    static long micros(LocalDateTime t) {
        return t.toEpochSecond(ZoneOffset.UTC) * 1_000_000L + t.getNano() / 1000;
    }
}
