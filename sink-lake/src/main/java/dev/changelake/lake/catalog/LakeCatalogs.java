package dev.changelake.lake.catalog;

import org.apache.hadoop.conf.Configuration;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.flink.CatalogLoader;

/** Opens the Iceberg catalog described by {@link CatalogOptions}, for the job (as a loader) and for tools. */
public final class LakeCatalogs {
    private LakeCatalogs() {
    }

    /** A serializable loader, for Flink operators that open the catalog on the task managers. */
    public static CatalogLoader loader(CatalogOptions options) {
        return CatalogLoader.custom(options.name(), options.icebergProperties(), new Configuration(), options.catalogImpl());
    }

    /** Opens the catalog now. Close it when done if it is {@link java.io.Closeable}. */
    public static Catalog open(CatalogOptions options) {
        return loader(options).loadCatalog();
    }
}
