package dev.changelake.bench.w1;

import dev.changelake.schema.Op;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
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
