package dev.changelake.bench.w1;

import dev.changelake.schema.Op;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;

/**
 * W1's {@code orders} table in MySQL / MariaDB: its DDL, its columns, and how a {@link W1Event} is made in the
 * database (for the parity test, which lets real Debezium capture what the generator synthesizes, and for loading the
 * initial rows where real capture is measured, P8).
 */
public final class W1Table {
    /** The columns, in table order: BENCHMARKS.md's list. */
    public static final List<String> COLUMNS = List.of("id", "customer_id", "status", "amount", "currency",
            "created_at", "updated_at", "note", "flags", "attrs", "qty", "weight", "is_gift");

    private W1Table() {
    }

    /** {@code CREATE TABLE} of {@code database.table}. Nullable: note, attrs, weight; every other column NOT NULL. */
    public static String ddl(String database, String table) {
        return "CREATE TABLE `" + database + "`.`" + table + "` ("
                + "id BIGINT NOT NULL PRIMARY KEY, "
                + "customer_id BIGINT NOT NULL, "
                + "status ENUM('" + String.join("','", W1Row.STATUSES) + "') NOT NULL, "
                + "amount DECIMAL(12,2) NOT NULL, "
                + "currency CHAR(3) NOT NULL, "
                + "created_at DATETIME(6) NOT NULL, "
                + "updated_at TIMESTAMP(6) NOT NULL, "
                + "note VARCHAR(255) NULL, "
                + "flags BIT(8) NOT NULL, "
                + "attrs JSON NULL, "
                + "qty INT UNSIGNED NOT NULL, "
                + "weight DOUBLE NULL, "
                + "is_gift TINYINT(1) NOT NULL)";
    }

    public static void create(Connection c, String database, String table) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute(ddl(database, table));
        }
    }

    /**
     * Makes the change in the database: INSERT for a read or insert (the row as the generator has it), UPDATE of every
     * non-key column to the new version, DELETE by key. The session's time zone must be UTC ({@code updated_at} is
     * written as UTC wall-clock text).
     */
    public static void apply(Connection c, String database, String table, W1Event e) throws SQLException {
        String t = "`" + database + "`.`" + table + "`";
        if (e.op == Op.READ || e.op == Op.CREATE) {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + t + " (" + String.join(", ", COLUMNS)
                    + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
                ps.setLong(1, e.after.id);
                bindNonKey(ps, 2, e.after);
                ps.executeUpdate();
            }
        } else if (e.op == Op.UPDATE) {
            StringBuilder sql = new StringBuilder("UPDATE ").append(t).append(" SET ");
            for (int i = 1; i < COLUMNS.size(); i++) {
                sql.append(i > 1 ? ", " : "").append(COLUMNS.get(i)).append(" = ?");
            }
            try (PreparedStatement ps = c.prepareStatement(sql.append(" WHERE id = ?").toString())) {
                bindNonKey(ps, 1, e.after);
                ps.setLong(COLUMNS.size(), e.id);
                requireOneRow(ps.executeUpdate(), e);
            }
        } else if (e.op == Op.DELETE) {
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM " + t + " WHERE id = ?")) {
                ps.setLong(1, e.id);
                requireOneRow(ps.executeUpdate(), e);
            }
        } else {
            throw new IllegalArgumentException("W1 has no " + e.op + " events");
        }
    }

    /** Rows per transaction of {@link #load}: large enough that commits cost nothing, small enough for the undo log. */
    static final int LOAD_ROWS_PER_TRANSACTION = 100_000;

    /**
     * Bulk-inserts snapshot rows (events with an {@code after} row, as {@link W1Generator#snapshot()} gives them):
     * multi-row {@code INSERT}s of {@code batchRows} rows each (the driver binds the values client-side, so a statement
     * is one round trip and one parse), committed every {@value #LOAD_ROWS_PER_TRANSACTION} rows. 1M rows load in
     * well under a minute, about two orders of magnitude faster than {@link #apply} per row with autocommit. The rows
     * are exactly what {@link #apply} would write. The session's time zone must be UTC (see {@link #apply}); the
     * connection's autocommit setting is restored afterwards. To keep the load out of the binlog (nothing captures it
     * when a snapshot follows), run {@code SET SESSION sql_log_bin = 0} on the connection first (needs SUPER).
     *
     * @param batchRows rows per INSERT statement, e.g. 1,000 (13 parameters per row)
     * @return the number of rows inserted
     */
    public static long load(Connection c, String database, String table, Iterator<W1Event> snapshot, int batchRows)
            throws SQLException {
        if (batchRows < 1) {
            throw new IllegalArgumentException("batchRows must be at least 1: " + batchRows);
        }
        String head = "INSERT INTO `" + database + "`.`" + table + "` (" + String.join(", ", COLUMNS) + ") VALUES ";
        String tuple = "(" + String.join(", ", Collections.nCopies(COLUMNS.size(), "?")) + ")";
        boolean autoCommit = c.getAutoCommit();
        c.setAutoCommit(false);
        long loaded = 0;
        PreparedStatement full = null;
        try {
            W1Row[] batch = new W1Row[batchRows];
            int n = 0;
            long uncommitted = 0;
            while (snapshot.hasNext()) {
                W1Event e = snapshot.next();
                if (e.after == null) {
                    throw new IllegalArgumentException("only rows can be loaded, not " + e);
                }
                batch[n++] = e.after;
                if (n == batchRows) {
                    if (full == null) {
                        full = c.prepareStatement(head + String.join(", ", Collections.nCopies(batchRows, tuple)));
                    }
                    insert(full, batch, n);
                    loaded += n;
                    uncommitted += n;
                    n = 0;
                    if (uncommitted >= LOAD_ROWS_PER_TRANSACTION) {
                        c.commit();
                        uncommitted = 0;
                    }
                }
            }
            if (n > 0) {
                try (PreparedStatement last = c.prepareStatement(head + String.join(", ", Collections.nCopies(n, tuple)))) {
                    insert(last, batch, n);
                }
                loaded += n;
            }
            c.commit();
        } catch (SQLException | RuntimeException e) {
            c.rollback();
            throw e;
        } finally {
            if (full != null) {
                full.close();
            }
            c.setAutoCommit(autoCommit);
        }
        return loaded;
    }

    private static void insert(PreparedStatement ps, W1Row[] rows, int n) throws SQLException {
        int p = 1;
        for (int i = 0; i < n; i++) {
            ps.setLong(p, rows[i].id);
            bindNonKey(ps, p + 1, rows[i]);
            p += COLUMNS.size();
        }
        int inserted = ps.executeUpdate();
        if (inserted != n) {
            throw new SQLException("a multi-row INSERT of " + n + " rows inserted " + inserted);
        }
    }

    private static void bindNonKey(PreparedStatement ps, int first, W1Row r) throws SQLException {
        int i = first;
        ps.setLong(i++, r.customerId);
        ps.setString(i++, r.status);
        ps.setBigDecimal(i++, r.amount());
        ps.setString(i++, r.currency);
        ps.setString(i++, wallClock(r.createdAtMicros));
        ps.setString(i++, wallClock(r.updatedAtMicros));
        ps.setString(i++, r.note);
        ps.setInt(i++, r.flags);
        ps.setString(i++, r.attrs);
        ps.setLong(i++, r.qty);
        if (r.weight == null) {
            ps.setNull(i++, Types.DOUBLE);
        } else {
            ps.setDouble(i++, r.weight);
        }
        ps.setInt(i, r.isGift);
    }

    private static void requireOneRow(int changed, W1Event e) throws SQLException {
        if (changed != 1) {
            throw new SQLException("change " + e + " changed " + changed + " rows, not 1: the table is not in the "
                    + "generator's state");
        }
    }

    /** {@code yyyy-MM-dd HH:mm:ss.ffffff} of epoch microseconds read in UTC. */
    static String wallClock(long epochMicros) {
        LocalDateTime t = LocalDateTime.ofEpochSecond(Math.floorDiv(epochMicros, 1_000_000L),
                (int) Math.floorMod(epochMicros, 1_000_000L) * 1000, ZoneOffset.UTC);
        return String.format(java.util.Locale.ROOT, "%04d-%02d-%02d %02d:%02d:%02d.%06d", t.getYear(),
                t.getMonthValue(), t.getDayOfMonth(), t.getHour(), t.getMinute(), t.getSecond(), t.getNano() / 1000);
    }
}
