package dev.changelake.lake.catalog;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Map;
import javax.sql.rowset.CachedRowSet;
import javax.sql.rowset.RowSetProvider;
import org.apache.iceberg.CatalogProperties;
import org.apache.iceberg.jdbc.JdbcCatalog;
import org.apache.iceberg.jdbc.JdbcClientPool;

/**
 * Iceberg's JDBC catalog on a SQLite file, as the local run and the tests use it (AWS uses Glue).
 *
 * <p>Why not plain {@link JdbcCatalog}: Iceberg 1.10.1, the newest release built for Java 11 (which the MSF jar needs),
 * leaves the result sets of two metadata lookups open each time a catalog is opened (whether its tables and the
 * {@code iceberg_type} column exist; apache/iceberg#15462, fixed in 1.11.0). In SQLite an open result set is an open
 * read transaction: the catalog's connection keeps a SHARED lock on the file for as long as the catalog is open, and
 * a commit from any other connection, such as another Flink operator's catalog, waits for it and fails with
 * {@code SQLITE_BUSY}. Neither a longer busy timeout (the lock is never let go) nor WAL journal mode (the leaking
 * connection stays on its old snapshot and its own commits fail with {@code SQLITE_BUSY_SNAPSHOT}) fixes that. Here
 * every metadata result set is read to its end into a copy and closed before Iceberg sees it.
 */
public final class SqliteJdbcCatalog extends JdbcCatalog {

    /** Instantiated by Iceberg's {@code catalog-impl} loader. */
    public SqliteJdbcCatalog() {
        super(null, MetadataClosingPool::new, true);
    }

    /** Iceberg's connection pool, handing out connections whose metadata lookups leave no cursor open. */
    static final class MetadataClosingPool extends JdbcClientPool {
        MetadataClosingPool(Map<String, String> properties) {
            super(properties.get(CatalogProperties.URI), properties);
        }

        @Override
        protected Connection newClient() {
            return closingMetadataCursors(super.newClient());
        }
    }

    /** {@code connection}, except that its {@link DatabaseMetaData} returns closed-over copies of result sets. */
    static Connection closingMetadataCursors(Connection connection) {
        Connection[] self = new Connection[1];
        self[0] = proxy(Connection.class, (proxy, method, args) -> {
            Object result = identity(proxy, method, args, connection);
            if ("getMetaData".equals(method.getName())) {
                DatabaseMetaData metadata = (DatabaseMetaData) result;
                return proxy(DatabaseMetaData.class, (p, m, a) -> {
                    if ("getConnection".equals(m.getName())) {
                        return self[0];
                    }
                    Object value = identity(p, m, a, metadata);
                    return value instanceof ResultSet ? readToEnd((ResultSet) value) : value;
                });
            }
            return result;
        });
        return self[0];
    }

    private static CachedRowSet readToEnd(ResultSet results) throws SQLException {
        try (ResultSet r = results) {
            CachedRowSet copy = RowSetProvider.newFactory().createCachedRowSet();
            copy.populate(r);
            return copy;
        }
    }

    /** Calls {@code method} on {@code target}; a proxy equals and hashes as itself, not as its target. */
    private static Object identity(Object proxy, Method method, Object[] args, Object target) throws Throwable {
        if ("equals".equals(method.getName()) && args != null && args.length == 1) {
            return proxy == args[0];
        }
        if ("hashCode".equals(method.getName()) && (args == null || args.length == 0)) {
            return System.identityHashCode(proxy);
        }
        try {
            return method.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }

    private static <T> T proxy(Class<T> type, InvocationHandler handler) {
        return type.cast(Proxy.newProxyInstance(SqliteJdbcCatalog.class.getClassLoader(), new Class<?>[] {type}, handler));
    }
}
