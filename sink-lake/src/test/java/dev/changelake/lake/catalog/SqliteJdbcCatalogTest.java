package dev.changelake.lake.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.Closeable;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.iceberg.Schema;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.catalog.ViewCatalog;
import org.apache.iceberg.jdbc.JdbcCatalog;
import org.apache.iceberg.types.Types;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Several catalogs open at once on one SQLite file, as the operators of a Flink job open them in one JVM. */
class SqliteJdbcCatalogTest {
    private static final TableIdentifier TABLE = TableIdentifier.of("shop", "orders");

    @TempDir
    Path dir;
    private final List<Catalog> open = new ArrayList<>();

    @AfterEach
    void close() throws Exception {
        for (Catalog c : open) {
            ((Closeable) c).close();
        }
    }

    @Test
    void everyOpenCatalogCommitsAndReadsTheOthersCommits() {
        Catalog first = open();
        first.createTable(TABLE, new Schema(Types.NestedField.required(1, "id", Types.LongType.get())));
        // Opened on the existing file: Iceberg 1.10.1's lookups of the catalog's tables and columns find them.
        Catalog second = open();
        Catalog third = open();

        second.loadTable(TABLE).updateProperties().set("writer", "second").commit();
        assertThat(third.loadTable(TABLE).properties()).containsEntry("writer", "second");
        third.loadTable(TABLE).updateProperties().set("writer", "third").commit();
        assertThat(first.loadTable(TABLE).properties()).containsEntry("writer", "third");
        first.loadTable(TABLE).updateProperties().set("writer", "first").commit();
        assertThat(second.loadTable(TABLE).properties()).containsEntry("writer", "first");
    }

    @Test
    void reopenedCatalogKeepsViewSupport() {
        open().createTable(TABLE, new Schema(Types.NestedField.required(1, "id", Types.LongType.get())));
        // The iceberg_type column (schema V1) is found, not added a second time; views need it.
        assertThat(((ViewCatalog) open()).listViews(Namespace.of("shop"))).isEmpty();
    }

    @Test
    void sqliteUriGetsThisCatalogOtherJdbcUrisIcebergsOwn() {
        assertThat(options("jdbc:sqlite:/tmp/c.db").catalogImpl()).isEqualTo(SqliteJdbcCatalog.class.getName());
        assertThat(options("jdbc:postgresql://db:5432/lake").catalogImpl()).isEqualTo(JdbcCatalog.class.getName());
    }

    private Catalog open() {
        Catalog c = LakeCatalogs.open(options("jdbc:sqlite:" + dir.resolve("catalog.db")));
        open.add(c);
        return c;
    }

    private CatalogOptions options(String uri) {
        return new CatalogOptions("lake", CatalogOptions.Type.JDBC, dir.resolve("warehouse").toUri().toString(),
                Map.of("uri", uri, "jdbc.schema-version", "V1", "io-impl", "org.apache.iceberg.hadoop.HadoopFileIO"));
    }
}
