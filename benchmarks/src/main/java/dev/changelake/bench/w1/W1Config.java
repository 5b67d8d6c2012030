package dev.changelake.bench.w1;

import java.time.Instant;
import java.util.Objects;

/**
 * What a W1 generation is made of (BENCHMARKS.md, workload W1): the {@code orders} table's initial rows, then change
 * events with the insert / update / delete mix, update keys drawn Zipf over the existing ids. Everything follows from
 * {@link #seed}: the same configuration always gives the same rows, events and bytes.
 *
 * <p>{@link #topicPrefix}, {@link #database} and {@link #table} name things exactly as the capture does (topic
 * {@code <prefix>.<db>.<table>}, record names {@code <prefix>.<db>.<table>.Envelope}, {@code source.name}).
 */
public final class W1Config {
    /** BENCHMARKS.md's W1: 1,000,000 rows, then 5,000,000 changes. */
    public static final long W1_ROWS = 1_000_000;
    public static final long W1_EVENTS = 5_000_000;

    public final long rows;
    public final long events;
    public final long seed;
    public final double insertShare;
    public final double updateShare;
    /** Zipf exponent s of the update keys' popularity (rank 1 is the hottest existing key). */
    public final double zipfExponent;
    public final String topicPrefix;
    public final String database;
    public final String table;
    /** When the snapshot reads the table; the change events follow at {@link #changesPerSecond}. */
    public final Instant snapshotTime;
    public final Instant changesStart;
    public final int changesPerSecond;

    private W1Config(Builder b) {
        this.rows = b.rows;
        this.events = b.events;
        this.seed = b.seed;
        this.insertShare = b.insertShare;
        this.updateShare = b.updateShare;
        this.zipfExponent = b.zipfExponent;
        this.topicPrefix = Objects.requireNonNull(b.topicPrefix);
        this.database = Objects.requireNonNull(b.database);
        this.table = Objects.requireNonNull(b.table);
        this.snapshotTime = Objects.requireNonNull(b.snapshotTime);
        this.changesStart = Objects.requireNonNull(b.changesStart);
        this.changesPerSecond = b.changesPerSecond;
        if (rows < 1 || events < 0) {
            throw new IllegalArgumentException("W1 needs at least one initial row and no negative event count");
        }
        if (insertShare < 0 || updateShare < 0 || insertShare + updateShare > 1) {
            throw new IllegalArgumentException("insert and update shares must be >= 0 and add up to at most 1 "
                    + "(deletes are the rest)");
        }
        if (zipfExponent <= 0 || changesPerSecond < 1) {
            throw new IllegalArgumentException("Zipf exponent and change rate must be positive");
        }
    }

    /** BENCHMARKS.md's W1 as it stands: 1M rows, 5M events, 20/70/10 %, Zipf s = 1.1, seed 1. */
    public static W1Config w1() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The share of deletes: what inserts and updates leave. */
    public double deleteShare() {
        return 1 - insertShare - updateShare;
    }

    /** The change topic, as the capture names it. */
    public String topic() {
        return topicPrefix + "." + database + "." + table;
    }

    public Builder toBuilder() {
        return new Builder().rows(rows).events(events).seed(seed).insertShare(insertShare).updateShare(updateShare)
                .zipfExponent(zipfExponent).topicPrefix(topicPrefix).database(database).table(table)
                .snapshotTime(snapshotTime).changesStart(changesStart).changesPerSecond(changesPerSecond);
    }

    @Override
    public String toString() {
        return String.format(java.util.Locale.ROOT, "W1[rows=%d, events=%d, seed=%d, insert/update/delete=%.2f/%.2f/%.2f, "
                + "zipf s=%.2f, topic=%s]", rows, events, seed, insertShare, updateShare, deleteShare(), zipfExponent, topic());
    }

    public static final class Builder {
        private long rows = W1_ROWS;
        private long events = W1_EVENTS;
        private long seed = 1;
        private double insertShare = 0.20;
        private double updateShare = 0.70;
        private double zipfExponent = 1.1;
        private String topicPrefix = "changelake";
        private String database = "shop";
        private String table = "orders";
        private Instant snapshotTime = Instant.parse("2025-01-01T00:00:00Z");
        private Instant changesStart = Instant.parse("2025-01-01T01:00:00Z");
        private int changesPerSecond = 5_000;

        public Builder rows(long v) { rows = v; return this; }
        public Builder events(long v) { events = v; return this; }
        public Builder seed(long v) { seed = v; return this; }
        public Builder insertShare(double v) { insertShare = v; return this; }
        public Builder updateShare(double v) { updateShare = v; return this; }
        public Builder zipfExponent(double v) { zipfExponent = v; return this; }
        public Builder topicPrefix(String v) { topicPrefix = v; return this; }
        public Builder database(String v) { database = v; return this; }
        public Builder table(String v) { table = v; return this; }
        public Builder snapshotTime(Instant v) { snapshotTime = v; return this; }
        public Builder changesStart(Instant v) { changesStart = v; return this; }
        /** Spacing of the events' commit times (source.ts_ms); the generator itself runs as fast as it can. */
        public Builder changesPerSecond(int v) { changesPerSecond = v; return this; }

        public W1Config build() {
            return new W1Config(this);
        }
    }
}
