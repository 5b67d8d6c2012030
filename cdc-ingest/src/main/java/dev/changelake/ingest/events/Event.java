package dev.changelake.ingest.events;

import java.util.Objects;

/**
 * One user event as the producers write it: who, what, on which page or product, how much, and when it happened
 * (event time, set by the "device", which may lag the time it is sent).
 *
 * <p>A final value class with a record's accessors, equals, hashCode and toString (Java 11: it is in the MSF jar).
 */
public final class Event {
    private final String userId;
    private final String eventType;
    private final String item;
    private final double amount;
    private final long eventTimeMillis;
    private final long seq;

    /** @param seq the producer's sequence number, unique within one producer run (tests use it to tell events apart) */
    public Event(String userId, String eventType, String item, double amount, long eventTimeMillis, long seq) {
        this.userId = Objects.requireNonNull(userId, "userId");
        this.eventType = Objects.requireNonNull(eventType, "eventType");
        this.item = Objects.requireNonNull(item, "item");
        this.amount = amount;
        this.eventTimeMillis = eventTimeMillis;
        this.seq = seq;
    }

    public String userId() {
        return userId;
    }

    public String eventType() {
        return eventType;
    }

    public String item() {
        return item;
    }

    public double amount() {
        return amount;
    }

    public long eventTimeMillis() {
        return eventTimeMillis;
    }

    public long seq() {
        return seq;
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof Event)) {
            return false;
        }
        Event e = (Event) o;
        return userId.equals(e.userId) && eventType.equals(e.eventType) && item.equals(e.item)
                && Double.compare(amount, e.amount) == 0 && eventTimeMillis == e.eventTimeMillis && seq == e.seq;
    }

    @Override
    public int hashCode() {
        return Objects.hash(userId, eventType, item, amount, eventTimeMillis, seq);
    }

    @Override
    public String toString() {
        return "Event[userId=" + userId + ", eventType=" + eventType + ", item=" + item + ", amount=" + amount
                + ", eventTimeMillis=" + eventTimeMillis + ", seq=" + seq + "]";
    }
}
