package dev.changelake.lake.delta;

import static dev.changelake.lake.delta.DeltaFixtures.comparable;
import static dev.changelake.lake.delta.DeltaFixtures.order;
import static org.assertj.core.api.Assertions.assertThat;

import dev.changelake.fixtures.S3Server;
import dev.changelake.lake.catalog.CatalogOptions;
import io.delta.kernel.engine.Engine;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Delta layer on a real S3-compatible server through S3A, configured the way the job configures it. */
class DeltaOnS3IT {
    @TempDir
    static Path dir;
    static S3Server s3;
    static CatalogOptions catalog;

    @BeforeAll
    static void startS3() throws Exception {
        s3 = S3Server.start(dir, "lake");
        catalog = CatalogOptions.sqliteOnS3("lake", dir.resolve("catalog.db").toString(), "s3://lake/warehouse",
                s3.endpoint(), s3.accessKey(), s3.secretKey(), s3.region());
    }

    @AfterAll
    static void stopS3() {
        s3.close();
    }

    @Test
    void upsertsCommitsAndVacuumWorkOnS3() {
        DeltaOptions options = DeltaOptions.defaults(catalog);
        Engine engine = options.engine(catalog);
        String table = options.tablePath("shop", "orders");
        assertThat(table).isEqualTo("s3://lake/warehouse/delta/shop/orders");
        DeltaTables.create(engine, table, DeltaFixtures.ORDERS, List.of("tenant"), Map.of(), "sink-a");
        List<Map<String, Object>> rows = new ArrayList<>();
        for (long id = 1; id <= 5; id++) {
            rows.add(order("acme", id));
        }
        DeltaCommitter.commit(engine, table, "sink-a", 1, DeltaFiles.write(engine, table, rows));
        Map<String, Object> updated = order("acme", 3);
        updated.put("qty", 3_333);

        CopyOnWrite.Result r = CopyOnWrite.apply(engine, DeltaTables.snapshot(engine, table),
                DeltaFiles.liveFiles(engine, table), Map.of(List.of("acme", 3L), updated), java.util.Set.of(), 0,
                System.currentTimeMillis());
        DeltaCommitter.commit(engine, table, "sink-a", 2, r.actions);

        rows.set(2, updated);
        assertThat(comparable(DeltaFiles.readAll(engine, table))).containsExactlyInAnyOrderElementsOf(comparable(rows));
        Configuration conf = new Configuration();
        options.hadoopConf(catalog).forEach(conf::set);
        // A retention of zero: the file rewritten at version 2 is read by no version younger than now.
        assertThat(DeltaMaintenance.vacuum(engine, conf, table, Duration.ZERO, System.currentTimeMillis() + 1_000))
                .isEqualTo(1);
        assertThat(comparable(DeltaFiles.readAll(engine, table))).containsExactlyInAnyOrderElementsOf(comparable(rows));
    }

    @Test
    void maintenancePassWritesALogCheckpointAndVacuums() throws Exception {
        DeltaOptions options = new DeltaOptions(DeltaOptions.defaults(catalog).location(), Map.of(),
                DeltaOptions.DEFAULT_SMALL_FILE_BYTES, Duration.ZERO, Duration.ofHours(1));
        Engine engine = options.engine(catalog);
        String table = options.tablePath("shop", "maintained");
        DeltaTables.create(engine, table, DeltaFixtures.ORDERS, List.of("tenant"), Map.of(), "sink-a");
        List<Map<String, Object>> rows = new ArrayList<>();
        for (long id = 1; id <= 3; id++) {
            rows.add(order("acme", id));
        }
        DeltaCommitter.commit(engine, table, "sink-a", 1, DeltaFiles.write(engine, table, rows));
        Map<String, Object> updated = order("acme", 2);
        updated.put("qty", 2_222);
        CopyOnWrite.Result r = CopyOnWrite.apply(engine, DeltaTables.snapshot(engine, table),
                DeltaFiles.liveFiles(engine, table), Map.of(List.of("acme", 2L), updated), java.util.Set.of(), 0,
                System.currentTimeMillis());
        DeltaCommitter.commit(engine, table, "sink-a", 2, r.actions);
        rows.set(1, updated);
        long version = DeltaTables.snapshot(engine, table).getVersion();
        Configuration conf = new Configuration();
        options.hadoopConf(catalog).forEach(conf::set);
        org.apache.hadoop.fs.Path checkpoint = new org.apache.hadoop.fs.Path(table + "/_delta_log/"
                + String.format("%020d", version) + ".checkpoint.parquet");
        assertThat(checkpoint.getFileSystem(conf).exists(checkpoint)).isFalse();

        org.apache.iceberg.catalog.Catalog iceberg = dev.changelake.lake.catalog.LakeCatalogs.open(catalog);
        dev.changelake.lake.maintain.LakeMaintenance maintenance = new dev.changelake.lake.maintain.LakeMaintenance(
                iceberg, dev.changelake.lake.maintain.MaintenanceOptions.defaults(), () -> null, options, catalog);
        List<String> first = maintenance.run(List.of(), List.of(table), System.currentTimeMillis() + 1_000);
        List<String> second = maintenance.run(List.of(), List.of(table), System.currentTimeMillis() + 1_000);

        assertThat(first).containsExactly("delta " + table + ": log checkpoint written, vacuum deleted 1 files");
        assertThat(second).containsExactly("delta " + table + ": log checkpoint current, vacuum deleted 0 files");
        assertThat(checkpoint.getFileSystem(conf).exists(checkpoint)).as(checkpoint.toString()).isTrue();
        assertThat(comparable(DeltaFiles.readAll(engine, table))).containsExactlyInAnyOrderElementsOf(comparable(rows));
        ((java.io.Closeable) iceberg).close();
    }
}
