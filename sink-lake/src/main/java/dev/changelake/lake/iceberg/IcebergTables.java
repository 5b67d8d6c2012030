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

    /** The table if it exists, else a new unpartitioned one with the source's schema. */
    public static Table ensure(Catalog catalog, TableIdentifier id, TableSchema source, Map<String, String> extraProperties) {
        return ensure(catalog, id, source, PartitionTransforms.parse(java.util.List.of()), extraProperties);
    }

    /**
     * Checks {@code partitioning} fits the table: known columns, and for a table with primary key only key columns
     * (an upsert must find a key's old row in the partition its new row goes to, so a row must never move between
     * partitions).
     *
     * @throws IllegalArgumentException naming the column and what would be accepted
     */
    public static void checkPartitioning(TableSchema source, PartitionTransforms partitioning) {
        partitioning.toSpec(IcebergSchemas.toIceberg(source));
        if (source.hasPrimaryKey()) {
            for (String column : partitioning.sourceColumns()) {
                if (!source.primaryKey().contains(column)) {
                    throw new IllegalArgumentException("partition-by " + partitioning + " reads column '" + column
                            + "', which is not in the primary key " + source.primaryKey() + "; an upserted row could "
                            + "move between partitions and leave its old version behind: partition by key columns, "
                            + "e.g. bucket(16, " + source.primaryKey().get(0) + ")");
                }
            }
        }
    }

    /**
     * The table if it exists, else a new one with the source's schema, partitioned by {@code partitioning}.
     *
     * @throws IllegalArgumentException when the partitioning does not fit the table: an unknown column, or for a
     *     table with primary key a column outside the key (an upsert must find a key's old row in the partition
     *     its new row goes to, so a row must never move between partitions)
     */
    public static Table ensure(Catalog catalog, TableIdentifier id, TableSchema source, PartitionTransforms partitioning,
            Map<String, String> extraProperties) {
        if (catalog.tableExists(id)) {
            return catalog.loadTable(id);
        }
        if (catalog instanceof SupportsNamespaces) {
            SupportsNamespaces namespaces = (SupportsNamespaces) catalog;
            Namespace ns = id.namespace();
            if (!namespaces.namespaceExists(ns)) {
                try {
                    namespaces.createNamespace(ns);
                } catch (RuntimeException e) {
                    // Another task or job may have created it meanwhile; JDBC catalogs report that race as an SQL error.
                    if (!namespaces.namespaceExists(ns)) {
                        throw e;
                    }
                }
            }
        }
        Schema schema = IcebergSchemas.toIceberg(source);
        checkPartitioning(source, partitioning);
        PartitionSpec spec = partitioning.toSpec(schema);
        Map<String, String> props = new LinkedHashMap<>();
        props.put(TableProperties.FORMAT_VERSION, "2");
        props.put(TableProperties.UPSERT_ENABLED, String.valueOf(source.hasPrimaryKey()));
        props.put(TableProperties.DEFAULT_FILE_FORMAT, "parquet");
        // Keep the metadata folder from growing without bound while the pipeline commits every checkpoint.
        props.put(TableProperties.METADATA_DELETE_AFTER_COMMIT_ENABLED, "true");
        props.put(TableProperties.METADATA_PREVIOUS_VERSIONS_MAX, "20");
        props.putAll(extraProperties);
        try {
            Table table = catalog.createTable(id, schema, spec, props);
            LOG.info(source.hasPrimaryKey() ? "created Iceberg table {} with primary key {}"
                    : "created append-only changelog table {} (the source has no primary key)", id, source.primaryKey());
            return table;
        } catch (RuntimeException e) {
            if (catalog.tableExists(id)) { // created by another task meanwhile
                return catalog.loadTable(id);
            }
            throw e;
        }
    }
}
