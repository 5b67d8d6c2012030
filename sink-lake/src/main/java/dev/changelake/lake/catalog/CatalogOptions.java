package dev.changelake.lake.catalog;

import java.io.Serializable;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Where the lake tables are registered and stored. {@code type} picks the catalog; {@code properties} are passed to
 * it as Iceberg catalog properties (e.g. {@code uri}, {@code s3.endpoint}); {@code warehouse} is the S3 location.
 */
public final class CatalogOptions implements Serializable {
    private static final long serialVersionUID = 1L;

    /** The catalog kinds changelake supports. */
    public enum Type {
        /** Iceberg's JDBC catalog (SQLite locally, any JDBC database otherwise). */
        JDBC("org.apache.iceberg.jdbc.JdbcCatalog"),
        /** AWS Glue Data Catalog. */
        GLUE("org.apache.iceberg.aws.glue.GlueCatalog"),
        /** An Iceberg REST catalog. */
        REST("org.apache.iceberg.rest.RESTCatalog");

        final String catalogImpl;

        Type(String catalogImpl) {
            this.catalogImpl = catalogImpl;
        }
    }

    private final String name;
    private final Type type;
    private final String warehouse;
    private final Map<String, String> properties;

    public CatalogOptions(String name, Type type, String warehouse, Map<String, String> properties) {
        this.name = Objects.requireNonNull(name, "name");
        this.type = Objects.requireNonNull(type, "type");
        this.warehouse = Objects.requireNonNull(warehouse, "warehouse");
        this.properties = Map.copyOf(properties);
    }

    /**
     * A JDBC catalog in a SQLite file with tables on an S3-compatible endpoint, as the local run and tests use it.
     * SQLite needs {@code jdbc.schema-version=V1} (H2 with V1 fails on reopen; see DESIGN.md).
     */
    public static CatalogOptions sqliteOnS3(String name, String sqliteFile, String warehouse, String s3Endpoint,
            String accessKey, String secretKey, String region) {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("uri", "jdbc:sqlite:" + sqliteFile);
        p.put("jdbc.schema-version", "V1");
        p.putAll(s3(s3Endpoint, accessKey, secretKey, region));
        return new CatalogOptions(name, Type.JDBC, warehouse, p);
    }

    /** S3FileIO settings for an S3-compatible endpoint with path-style access and static credentials. */
    public static Map<String, String> s3(String endpoint, String accessKey, String secretKey, String region) {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("io-impl", "org.apache.iceberg.aws.s3.S3FileIO");
        p.put("s3.endpoint", endpoint);
        p.put("s3.path-style-access", "true");
        p.put("s3.access-key-id", accessKey);
        p.put("s3.secret-access-key", secretKey);
        p.put("client.region", region);
        return p;
    }

    public String name() {
        return name;
    }

    public Type type() {
        return type;
    }

    public String warehouse() {
        return warehouse;
    }

    public Map<String, String> properties() {
        return properties;
    }

    /** Everything Iceberg's catalog needs, in Iceberg's property names. */
    public Map<String, String> icebergProperties() {
        Map<String, String> p = new LinkedHashMap<>(properties);
        p.put("warehouse", warehouse);
        p.putIfAbsent("io-impl", "org.apache.iceberg.aws.s3.S3FileIO");
        return p;
    }

    /**
     * The Iceberg catalog class: for a JDBC catalog on a SQLite file {@link SqliteJdbcCatalog}, which keeps Iceberg
     * 1.10.1 from holding a lock on the file for as long as a catalog is open.
     */
    public String catalogImpl() {
        if (type == Type.JDBC && properties.getOrDefault("uri", "").startsWith("jdbc:sqlite:")) {
            return SqliteJdbcCatalog.class.getName();
        }
        return type.catalogImpl;
    }
}
