package dev.changelake.lake.verify;

import static org.assertj.core.api.Assertions.assertThat;

import dev.changelake.fixtures.MariaDbServer;
import dev.changelake.lake.catalog.CatalogOptions;
import dev.changelake.lake.catalog.LakeCatalogs;
import dev.changelake.schema.TableId;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
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

/** The verifier against a real MariaDB table and a real Iceberg table that differ in known ways. */
class MirrorVerifierIT {
    static final Schema SCHEMA = new Schema(List.of(
            Types.NestedField.required(1, "id", Types.LongType.get()),
            Types.NestedField.optional(2, "name", Types.StringType.get()),
            Types.NestedField.optional(3, "amount", Types.DecimalType.of(12, 2)),
            Types.NestedField.optional(4, "updated_at", Types.TimestampType.withZone())), java.util.Set.of(1));

    @TempDir
    static Path dir;
    static MariaDbServer db;
    static Catalog catalog;

    @BeforeAll
    static void start() throws Exception {
        db = MariaDbServer.start(dir.resolve("db"));
        db.createDatabaseAndUser("shop", "cdc", "cdc");
        try (Connection c = connect(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE shop.items (id BIGINT PRIMARY KEY, name VARCHAR(20), amount DECIMAL(12,2), updated_at TIMESTAMP(6) NULL)");
            s.execute("INSERT INTO shop.items VALUES (1, 'one', 1.10, '2024-02-29 12:00:00.000001'), (2, 'two', 2.00, NULL), (3, NULL, -3.30, '2024-01-01 00:00:00')");
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

    static Record row(long id, String name, String amount, String updatedAtUtc) {
        Record r = GenericRecord.create(SCHEMA);
        r.setField("id", id);
        r.setField("name", name);
        r.setField("amount", amount == null ? null : new BigDecimal(amount));
        r.setField("updated_at", updatedAtUtc == null ? null : OffsetDateTime.of(LocalDateTime.parse(updatedAtUtc), ZoneOffset.UTC));
        return r;
    }

    static TableIdentifier lakeTable(String name, Record... rows) throws Exception {
        TableIdentifier id = TableIdentifier.of("shop", name);
        Table table = catalog.createTable(id, SCHEMA, PartitionSpec.unpartitioned());
        OutputFile out = table.io().newOutputFile(table.locationProvider().newDataLocation(name + ".parquet"));
        FileAppender<Record> appender = new GenericAppenderFactory(SCHEMA).newAppender(out, FileFormat.PARQUET);
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

    static VerifyReport verify(TableIdentifier lake) throws Exception {
        return new MirrorVerifier(db.jdbcUrl("shop"), db.rootUser(), db.rootPassword(), catalog)
                .verify(Map.of(new TableId("shop", "items"), lake));
    }

    @Test
    void tableComparedInKeyRangeChunksFindsDifferencesInEveryChunk() throws Exception {
        try (Connection c = connect(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE shop.many (id BIGINT PRIMARY KEY, name VARCHAR(20), amount DECIMAL(12,2), updated_at TIMESTAMP(6) NULL)");
            s.execute("INSERT INTO shop.many SELECT seq, CONCAT('n', seq), seq / 100, NULL FROM seq_1_to_1000");
        }
        List<Record> rows = new java.util.ArrayList<>();
        for (long id = 0; id <= 1001; id++) { // 0 and 1001 lie outside the source's keys: before the first chunk, after the last
            if (id != 500) { // missing in the middle chunk
                rows.add(row(id, id == 999 ? "changed" : "n" + id, new BigDecimal(id).movePointLeft(2).toPlainString(), null));
            }
        }
        TableIdentifier lake = lakeTable("many", rows.toArray(new Record[0]));

        VerifyReport report = new MirrorVerifier(db.jdbcUrl("shop"), db.rootUser(), db.rootPassword(), catalog, 64)
                .verify(Map.of(new TableId("shop", "many"), lake));

        assertThat(report.tables().get(0).chunks()).as("1000 source rows in chunks of 64").isEqualTo(16);
        assertThat(report.tables().get(0).sourceRows()).isEqualTo(1000);
        assertThat(report.tables().get(0).lakeRows()).isEqualTo(1001);
        assertThat(report.tables().get(0).examples()).containsExactlyInAnyOrder(
                "key id=0: in lake but not in source",
                "key id=500: missing in lake",
                "key id=999: name source=n999 lake=changed",
                "key id=1001: in lake but not in source");
    }

    @Test
    void identicalTablesMatch() throws Exception {
        VerifyReport report = verify(lakeTable("same", row(1, "one", "1.10", "2024-02-29T12:00:00.000001"),
                row(2, "two", "2.00", null), row(3, null, "-3.30", "2024-01-01T00:00")));

        assertThat(report.ok()).as(report.details()).isTrue();
        assertThat(report.summaryLine()).isEqualTo("verify: OK 1 tables, 3 rows");
    }

    @Test
    void corruptedLakeRowIsReportedByKeyAndColumn() throws Exception {
        VerifyReport report = verify(lakeTable("corrupt", row(1, "one", "1.10", "2024-02-29T12:00:00.000002"),
                row(2, "two", "2.00", null), row(3, null, "-3.30", "2024-01-01T00:00")));

        assertThat(report.ok()).isFalse();
        assertThat(report.tables().get(0).differingKeys()).isEqualTo(1);
        assertThat(report.tables().get(0).examples()).containsExactly(
                "key id=1: updated_at source=2024-02-29T12:00:00.000001 lake=2024-02-29T12:00:00.000002");
        assertThat(report.summaryLine()).startsWith("verify: FAILED shop.items (1 keys differ: key id=1: updated_at");
    }

    @Test
    void missingExtraAndNullVersusEmptyAreAllDifferences() throws Exception {
        VerifyReport report = verify(lakeTable("drift", row(1, "one", "1.10", "2024-02-29T12:00:00.000001"),
                row(3, "", "-3.30", "2024-01-01T00:00"), row(4, "resurrected", "4.00", null)));

        assertThat(report.tables().get(0).examples()).containsExactlyInAnyOrder(
                "key id=2: missing in lake",
                "key id=3: name source=NULL lake=",
                "key id=4: in lake but not in source");
    }
}
