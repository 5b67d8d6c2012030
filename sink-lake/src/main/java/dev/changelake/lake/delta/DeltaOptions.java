package dev.changelake.lake.delta;

import dev.changelake.lake.catalog.CatalogOptions;
import java.io.Serializable;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Where Delta tables go and how the Delta sink keeps them: the location tables are created under
 * ({@code <location>/<namespace>/<table>}), Hadoop file system settings (S3A), small-file folding and vacuum.
 * S3 settings default to the Iceberg catalog's ({@code s3.endpoint}, path-style access, static keys, region), so
 * one lake configuration serves both formats.
 */
public final class DeltaOptions implements Serializable {
    private static final long serialVersionUID = 1L;

    public static final long DEFAULT_SMALL_FILE_BYTES = 8L << 20;
    public static final String DEFAULT_VACUUM_RETENTION = "7d";
    public static final String DEFAULT_VACUUM_INTERVAL = "1h";

    private final String location;
    private final Map<String, String> hadoop;
    private final long smallFileBytes;
    private final Duration vacuumRetention;
    private final Duration vacuumInterval;

    public DeltaOptions(String location, Map<String, String> hadoop, long smallFileBytes, Duration vacuumRetention,
            Duration vacuumInterval) {
        this.location = stripSlash(Objects.requireNonNull(location, "location"));
        this.hadoop = Map.copyOf(hadoop);
        this.smallFileBytes = smallFileBytes;
        this.vacuumRetention = vacuumRetention;
        this.vacuumInterval = vacuumInterval;
    }

    /** Tables under {@code <warehouse>/delta}, S3 settings from the catalog, default upkeep. */
    public static DeltaOptions defaults(CatalogOptions catalog) {
        return new DeltaOptions(stripSlash(catalog.warehouse()) + "/delta", Map.of(), DEFAULT_SMALL_FILE_BYTES,
                Duration.ofDays(7), Duration.ofHours(1));
    }

    /** The table's location: Hadoop paths, so {@code s3://} is read through S3A ({@link #hadoopConf}). */
    public String tablePath(String namespace, String table) {
        return location + "/" + namespace + "/" + table;
    }

    /**
     * Hadoop settings for the tables' file system: S3A for {@code s3://} and {@code s3a://}, with the endpoint,
     * path-style access, keys and region of the Iceberg catalog's S3 properties where it has them (a local S3
     * server; on AWS leave keys out and S3A uses the default credential chain), then the configured overrides.
     */
    public Map<String, String> hadoopConf(CatalogOptions catalog) {
        Map<String, String> c = new LinkedHashMap<>();
        c.put("fs.s3.impl", "org.apache.hadoop.fs.s3a.S3AFileSystem");
        Map<String, String> p = catalog.properties();
        copy(p, "s3.endpoint", c, "fs.s3a.endpoint");
        copy(p, "s3.path-style-access", c, "fs.s3a.path.style.access");
        copy(p, "s3.access-key-id", c, "fs.s3a.access.key");
        copy(p, "s3.secret-access-key", c, "fs.s3a.secret.key");
        copy(p, "client.region", c, "fs.s3a.endpoint.region");
        if (p.containsKey("s3.access-key-id")) {
            c.put("fs.s3a.aws.credentials.provider", "org.apache.hadoop.fs.s3a.SimpleAWSCredentialsProvider");
        }
        if (String.valueOf(p.get("s3.endpoint")).startsWith("http://")) {
            c.put("fs.s3a.connection.ssl.enabled", "false");
        }
        c.putAll(hadoop);
        return c;
    }

    /** A Kernel engine on the tables' file system. */
    public io.delta.kernel.engine.Engine engine(CatalogOptions catalog) {
        org.apache.hadoop.conf.Configuration conf = new org.apache.hadoop.conf.Configuration();
        hadoopConf(catalog).forEach(conf::set);
        return io.delta.kernel.defaults.engine.DefaultEngine.create(conf);
    }

    /** The names of the Delta tables in {@code namespace} (directories under it with a {@code _delta_log}). */
    public java.util.List<String> listTables(CatalogOptions catalog, String namespace) {
        org.apache.hadoop.conf.Configuration conf = new org.apache.hadoop.conf.Configuration();
        hadoopConf(catalog).forEach(conf::set);
        org.apache.hadoop.fs.Path dir = new org.apache.hadoop.fs.Path(location + "/" + namespace);
        java.util.List<String> names = new java.util.ArrayList<>();
        try {
            org.apache.hadoop.fs.FileSystem fs = dir.getFileSystem(conf);
            if (!fs.exists(dir)) {
                return names;
            }
            for (org.apache.hadoop.fs.FileStatus f : fs.listStatus(dir)) {
                if (f.isDirectory() && fs.exists(new org.apache.hadoop.fs.Path(f.getPath(), "_delta_log"))) {
                    names.add(f.getPath().getName());
                }
            }
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("listing Delta tables under " + dir, e);
        }
        return names;
    }

    private static void copy(Map<String, String> from, String key, Map<String, String> to, String as) {
        if (from.get(key) != null) {
            to.put(as, from.get(key));
        }
    }

    private static String stripSlash(String s) {
        return s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
    }

    public String location() {
        return location;
    }

    public Map<String, String> hadoop() {
        return hadoop;
    }

    public long smallFileBytes() {
        return smallFileBytes;
    }

    public Duration vacuumRetention() {
        return vacuumRetention;
    }

    public Duration vacuumInterval() {
        return vacuumInterval;
    }
}
