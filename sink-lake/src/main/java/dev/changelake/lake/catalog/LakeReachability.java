package dev.changelake.lake.catalog;

import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.apache.iceberg.CatalogUtil;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.SupportsNamespaces;
import org.apache.iceberg.io.FileIO;
import org.apache.iceberg.io.SupportsPrefixOperations;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks at start that the lake answers: the catalog (a namespace listing: JDBC database, Glue, REST server) and, for
 * an S3 warehouse, the bucket (one listing of the warehouse prefix through the catalog's FileIO, which also checks
 * credentials and that the bucket exists). An S3 endpoint or catalog that restarts is ridden out by retrying with
 * backoff (1 s, doubling, at most 30 s between tries); past the timeout the job refuses to start with an error that
 * names the endpoint and what to check. Runs before the job is submitted, so nothing is written to the lake before it
 * passes: no table is half-committed by a job that cannot reach its storage.
 */
public final class LakeReachability {
    private static final Logger LOG = LoggerFactory.getLogger(LakeReachability.class);
    private static final long FIRST_BACKOFF_MILLIS = 1_000;
    private static final long MAX_BACKOFF_MILLIS = 30_000;

    private LakeReachability() {
    }

    /**
     * Returns once the catalog and the warehouse storage answer; retries until {@code timeout} has passed.
     *
     * @throws IllegalStateException naming the catalog, the warehouse and the S3 endpoint, when they did not answer
     */
    public static void await(CatalogOptions options, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        long backoff = FIRST_BACKOFF_MILLIS;
        int attempt = 1;
        while (true) {
            try {
                check(options);
                if (attempt > 1) {
                    LOG.info("the lake answers after {} attempts", attempt);
                }
                return;
            } catch (RuntimeException e) {
                long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                if (left <= 0) {
                    throw new IllegalStateException(unreachable(options, timeout, attempt, e), e);
                }
                long wait = Math.min(backoff, left);
                LOG.warn("the lake does not answer yet ({}: {}); attempt {}, retrying in {} ms", where(options),
                        rootMessage(e), attempt, wait);
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(wait));
                backoff = Math.min(backoff * 2, MAX_BACKOFF_MILLIS);
                attempt++;
            }
        }
    }

    /** One try: the catalog lists namespaces, and an S3 warehouse's prefix can be listed. */
    static void check(CatalogOptions options) {
        Catalog catalog = LakeCatalogs.open(options);
        try {
            if (catalog instanceof SupportsNamespaces) {
                ((SupportsNamespaces) catalog).listNamespaces(Namespace.empty());
            }
        } finally {
            close(catalog);
        }
        if (!isS3(options.warehouse())) {
            return; // a local warehouse (tests) has nothing to reach
        }
        Map<String, String> props = options.icebergProperties();
        FileIO io = CatalogUtil.loadFileIO(props.get("io-impl"), props, new org.apache.hadoop.conf.Configuration());
        try {
            if (io instanceof SupportsPrefixOperations) {
                // Lists at most one page; a missing bucket, bad credentials or a dead endpoint all throw here.
                ((SupportsPrefixOperations) io).listPrefix(options.warehouse()).iterator().hasNext();
            } else {
                io.newInputFile(options.warehouse() + "/.changelake-reachability").exists();
            }
        } finally {
            io.close();
        }
    }

    private static boolean isS3(String warehouse) {
        return warehouse.startsWith("s3://") || warehouse.startsWith("s3a://") || warehouse.startsWith("s3n://");
    }

    private static String where(CatalogOptions options) {
        Map<String, String> p = options.properties();
        StringBuilder s = new StringBuilder("catalog '" + options.name() + "' (" + options.type().name().toLowerCase(java.util.Locale.ROOT));
        if (p.containsKey("uri")) {
            s.append(", uri ").append(p.get("uri"));
        }
        s.append("), warehouse ").append(options.warehouse());
        if (isS3(options.warehouse())) {
            s.append(", S3 endpoint ").append(p.getOrDefault("s3.endpoint", "the AWS default for the region"));
        }
        return s.toString();
    }

    static String unreachable(CatalogOptions options, Duration timeout, int attempts, RuntimeException e) {
        return "the lake is unreachable at start: " + where(options) + " did not answer in " + attempts
                + " attempts over " + timeout.toSeconds() + " s (" + rootMessage(e) + "). Nothing was written. Check "
                + "that the endpoint is up and reachable from the job, the lake.catalog section of pipeline.yaml "
                + "(uri, s3.endpoint, credentials) and that the bucket exists; lake.start-timeout sets how long the "
                + "job retries at start.";
    }

    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String top = e.getClass().getSimpleName() + ": " + e.getMessage();
        return root == e ? top : top + "; caused by " + root.getClass().getSimpleName() + ": " + root.getMessage();
    }

    private static void close(Catalog catalog) {
        if (catalog instanceof Closeable) {
            try {
                ((Closeable) catalog).close();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
