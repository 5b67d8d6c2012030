package dev.changelake.ingest.events;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.LongSupplier;

/**
 * Realistic shop events: users come and go in visits (a visit is a burst of views, searches, cart changes and now and
 * then a purchase), so that sessions separated by inactivity exist to be found. Event times are the "device" clock:
 * most events a little behind the sending clock, some further behind (out of order), a fraction far behind (late,
 * beyond any sensible allowed lateness).
 *
 * <p>Not thread-safe; one generator per producing thread.
 */
public final class EventGenerator {
    /** Default jitter: event time is up to this far behind the clock for an ordinary event. */
    static final long JITTER_MILLIS = 500;
    /** Out-of-order events: up to this far behind, within a typical bounded out-of-orderness. */
    static final long OUT_OF_ORDER_MILLIS = 4_000;
    /** Late events: at least this far behind, beyond a typical allowed lateness. */
    static final long LATE_MILLIS = 10 * 60_000;

    private static final String[] TYPES = {"view", "search", "add_to_cart", "remove_from_cart", "purchase"};
    private static final int[] TYPE_WEIGHTS = {70, 10, 12, 3, 5};

    private final int users;
    private final double lateFraction;
    private final double outOfOrderFraction;
    private final LongSupplier clock;
    private final SplittableRandom random;
    /** Users in a visit, with the events their visit still has. */
    private final List<int[]> visiting = new ArrayList<>();
    private final int concurrentVisits;
    private long seq;
    private long late;

    /**
     * @param users how many distinct users exist; about a quarter of them are in a visit at any moment
     * @param lateFraction share of events whose event time is {@link #LATE_MILLIS} or more behind the clock
     * @param clock the sending clock, epoch milliseconds
     */
    public EventGenerator(int users, double lateFraction, long seed, LongSupplier clock) {
        if (users < 1) {
            throw new IllegalArgumentException("users must be at least 1, was " + users);
        }
        if (lateFraction < 0 || lateFraction >= 1) {
            throw new IllegalArgumentException("late fraction must be in [0, 1), was " + lateFraction);
        }
        this.users = users;
        this.lateFraction = lateFraction;
        this.outOfOrderFraction = 0.05;
        this.clock = clock;
        this.random = new SplittableRandom(seed);
        this.concurrentVisits = Math.max(1, users / 4);
    }

    /** The next event. */
    public Event next() {
        while (visiting.size() < concurrentVisits) {
            visiting.add(new int[] {random.nextInt(users), 1 + geometric(8)});
        }
        int slot = random.nextInt(visiting.size());
        int[] visit = visiting.get(slot);
        if (--visit[1] <= 0) {
            visiting.set(slot, visiting.get(visiting.size() - 1));
            visiting.remove(visiting.size() - 1);
        }
        String type = pick();
        int product = random.nextInt(5_000);
        String item = type.equals("view") ? "/products/sku-" + product : type.equals("search") ? "/search?q=term-"
                + random.nextInt(300) : "sku-" + product;
        double amount = type.equals("purchase") || type.equals("add_to_cart") || type.equals("remove_from_cart")
                ? Math.round((5 + (product % 500) + random.nextDouble()) * 100) / 100.0 : 0.0;
        long now = clock.getAsLong();
        double r = random.nextDouble();
        long behind;
        if (r < lateFraction) {
            behind = LATE_MILLIS + random.nextLong(LATE_MILLIS);
            late++;
        } else if (r < lateFraction + outOfOrderFraction) {
            behind = JITTER_MILLIS + random.nextLong(OUT_OF_ORDER_MILLIS - JITTER_MILLIS);
        } else {
            behind = random.nextLong(JITTER_MILLIS);
        }
        return new Event(String.format("u-%06d", visit[0]), type, item, amount, now - behind, seq++);
    }

    /** Events generated so far. */
    public long generated() {
        return seq;
    }

    /** Of those, the ones made late on purpose. */
    public long late() {
        return late;
    }

    private String pick() {
        int r = random.nextInt(100);
        for (int i = 0; i < TYPES.length; i++) {
            r -= TYPE_WEIGHTS[i];
            if (r < 0) {
                return TYPES[i];
            }
        }
        return TYPES[0];
    }

    private int geometric(int mean) {
        return (int) Math.floor(Math.log(1 - random.nextDouble()) / Math.log(1 - 1.0 / mean));
    }
}
