package dev.changelake.bench.w1;

import java.math.BigDecimal;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.Objects;

/**
 * One row of W1's {@code orders} table at one version. Its values are a pure function of (seed, id, version): the
 * generator keeps only each key's version, never the rows, so 1M rows and 5M events fit in a few MB of state. The
 * columns are BENCHMARKS.md's, in table order ({@link W1Table#COLUMNS}).
 *
 * <p>Version 0 is the row as inserted; every update makes the next version, which always changes {@code updated_at}
 * (a later time), so an UPDATE of the row is never a no-op that MySQL would leave out of the binlog.
 * {@code customer_id}, {@code currency}, {@code created_at} and {@code is_gift} never change.
 */
public final class W1Row {
    static final String[] STATUSES = {"NEW", "PAID", "SHIPPED", "DELIVERED", "CANCELLED"};
    private static final String[] CURRENCIES = {"EUR", "USD", "GBP", "JPY", "CHF"};
    private static final String[] WORDS = {"please", "leave", "at", "door", "gift", "wrap", "fragile", "call",
        "before", "delivery", "back", "entrance", "grüße", "café", "naïve", "日本", "asap", "no", "rush", "thanks"};
    /** created_at of id 0; each id is created one second after the one before. DATETIME(6), read as UTC. */
    private static final long CREATED_BASE_MICROS = LocalDateTime.of(2024, 1, 1, 0, 0).toEpochSecond(ZoneOffset.UTC)
            * 1_000_000L;

    public final long id;
    public final int version;
    public final long customerId;
    public final String status;
    /** amount DECIMAL(12,2) as its unscaled value (cents). */
    public final long amountCents;
    public final String currency;
    /** created_at DATETIME(6): microseconds since the epoch of the wall-clock value read as UTC. */
    public final long createdAtMicros;
    /** updated_at TIMESTAMP(6): microseconds since the epoch (UTC). */
    public final long updatedAtMicros;
    /** nullable */
    public final String note;
    /** flags BIT(8): 0..255 */
    public final int flags;
    /** attrs JSON, nullable: the JSON text as written (MariaDB keeps it as is) */
    public final String attrs;
    /** qty INT UNSIGNED: 0..4294967295 */
    public final long qty;
    /** weight DOUBLE, nullable */
    public final Double weight;
    /** is_gift TINYINT(1): 0 or 1 */
    public final int isGift;

    private W1Row(long id, int version, long customerId, String status, long amountCents, String currency,
            long createdAtMicros, long updatedAtMicros, String note, int flags, String attrs, long qty, Double weight,
            int isGift) {
        this.id = id;
        this.version = version;
        this.customerId = customerId;
        this.status = status;
        this.amountCents = amountCents;
        this.currency = currency;
        this.createdAtMicros = createdAtMicros;
        this.updatedAtMicros = updatedAtMicros;
        this.note = note;
        this.flags = flags;
        this.attrs = attrs;
        this.qty = qty;
        this.weight = weight;
        this.isGift = isGift;
    }

    /** The row {@code id} at {@code version} of the workload with {@code seed}. */
    public static W1Row of(long seed, long id, int version) {
        if (id < 1 || version < 0) {
            throw new IllegalArgumentException("id must be >= 1 and version >= 0: " + id + " v" + version);
        }
        long fixed = mix(seed * 0x9E3779B97F4A7C15L + id);     // what never changes
        long h = mix(fixed + 0xD1B54A32D192ED03L * (version + 1)); // what each version draws anew
        long customerId = 1 + Long.remainderUnsigned(fixed, 200_000);
        String currency = CURRENCIES[(int) Long.remainderUnsigned(fixed >>> 8, CURRENCIES.length)];
        long createdAt = CREATED_BASE_MICROS + id * 1_000_000L + Long.remainderUnsigned(fixed >>> 16, 1_000_000);
        int isGift = (fixed >>> 40 & 7) == 0 ? 1 : 0;

        long h1 = mix(h + 1);
        long h2 = mix(h + 2);
        long h3 = mix(h + 3);
        String status = version == 0 ? "NEW" : STATUSES[(int) Long.remainderUnsigned(h, STATUSES.length)];
        long cents = 1 + Long.remainderUnsigned(h1, 5_000_000); // 0.01 .. 50,000.00
        if ((h1 >>> 60) == 0) {
            cents = -cents; // a refund now and then: negative two's complement decimals
        }
        // Version v lies in [second after creation + v s, + 1 s): later with every version, to the microsecond.
        // Now and then a whole second, whose fraction the timestamp formats drop or pad.
        long updatedAt = (createdAt / 1_000_000L + 1 + version) * 1_000_000L
                + ((h2 & 0x3F) == 0 ? 0 : Long.remainderUnsigned(h1 >>> 24, 1_000_000));
        String note = (h2 >>> 8 & 7) == 0 ? null : note(id, version, h2);
        int flags = (int) (h3 & 0xFF);
        String attrs = (h3 >>> 8 & 3) == 0 ? null : attrs(version, h3);
        long qty = (h3 >>> 16 & 0x7F) == 0 ? 4_294_967_295L - (h3 >>> 24 & 0xFF) : 1 + Long.remainderUnsigned(h3 >>> 24, 100);
        Double weight = (h2 >>> 32 & 0xF) == 0 ? null : Long.remainderUnsigned(h2 >>> 36, 10_000_000) / 100.0;
        return new W1Row(id, version, customerId, status, cents, currency, createdAt, updatedAt, note, flags, attrs,
                qty, weight, isGift);
    }

    private static String note(long id, int version, long h) {
        StringBuilder sb = new StringBuilder(64).append("order ").append(id).append(" v").append(version).append(':');
        int words = 1 + (int) Long.remainderUnsigned(h >>> 12, 12);
        long w = h;
        for (int i = 0; i < words; i++) {
            w = mix(w + i);
            sb.append(' ').append(WORDS[(int) Long.remainderUnsigned(w, WORDS.length)]);
        }
        return sb.toString();
    }

    private static String attrs(int version, long h) {
        return "{\"src\":\"" + ((h & 0x100000) == 0 ? "web" : "app") + "\",\"v\":" + version + ",\"tags\":[\"t"
                + Long.remainderUnsigned(h >>> 20, 10) + "\",\"t" + Long.remainderUnsigned(h >>> 30, 10) + "\"],\"score\":"
                + Long.remainderUnsigned(h >>> 40, 1000) / 10.0 + "}";
    }

    /** SplitMix64's finalizer: a bijection that spreads every input bit over the output. */
    static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    public BigDecimal amount() {
        return BigDecimal.valueOf(amountCents, 2);
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof W1Row)) {
            return false;
        }
        W1Row r = (W1Row) o;
        return id == r.id && version == r.version && customerId == r.customerId && status.equals(r.status)
                && amountCents == r.amountCents && currency.equals(r.currency) && createdAtMicros == r.createdAtMicros
                && updatedAtMicros == r.updatedAtMicros && Objects.equals(note, r.note) && flags == r.flags
                && Objects.equals(attrs, r.attrs) && qty == r.qty && Objects.equals(weight, r.weight) && isGift == r.isGift;
    }

    @Override
    public int hashCode() {
        return Objects.hash(id, version);
    }

    @Override
    public String toString() {
        return "orders[id=" + id + " v" + version + " " + status + " " + amount() + " " + currency + "]";
    }
}
