package dev.changelake.lake.iceberg;

import dev.changelake.schema.TableSchema;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Table;
import org.apache.iceberg.TableProperties;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.SupportsNamespaces;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.exceptions.AlreadyExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates lake tables on first sight, format v2: a mirror (upserts on, identifier fields = primary key), or for a
 * source without primary key an append-only changelog table (see {@link ChangelogColumns}).
 */
public final class IcebergTables {
    private static final Logger LOG = LoggerFactory.getLogger(IcebergTables.class);

    private IcebergTables() {
    }

    /** The table if it exists, else a new one with the source's schema. */
    public static Table ensure(Catalog catalog, TableIdentifier id, TableSchema source, Map<String, String> extraProperties) {
        if (catalog.tableExists(id)) {
            return catalog.loadTable(id);
        }
        if (catalog instanceof SupportsNamespaces) {
            SupportsNamespaces namespaces = (SupportsNamespaces) catalog;
            Namespace ns = id.namespace();
            if (!namespaces.namespaceExists(ns)) {
                try {
                    namespaces.createNamespace(ns);
                } catch (AlreadyExistsException e) {
                    // another job created it meanwhile
                }
            }
        }
        Schema schema = IcebergSchemas.toIceberg(source);
        Map<String, String> props = new LinkedHashMap<>();
        props.put(TableProperties.FORMAT_VERSION, "2");
        props.put(TableProperties.UPSERT_ENABLED, String.valueOf(source.hasPrimaryKey()));
        props.put(TableProperties.DEFAULT_FILE_FORMAT, "parquet");
        // Keep the metadata folder from growing without bound while the pipeline commits every checkpoint.
        props.put(TableProperties.METADATA_DELETE_AFTER_COMMIT_ENABLED, "true");
        props.put(TableProperties.METADATA_PREVIOUS_VERSIONS_MAX, "20");
        props.putAll(extraProperties);
        try {
            Table table = catalog.createTable(id, schema, PartitionSpec.unpartitioned(), props);
            LOG.info(source.hasPrimaryKey() ? "created Iceberg table {} with primary key {}"
                    : "created append-only changelog table {} (the source has no primary key)", id, source.primaryKey());
            return table;
        } catch (AlreadyExistsException e) {
            return catalog.loadTable(id);
        }
    }
}
