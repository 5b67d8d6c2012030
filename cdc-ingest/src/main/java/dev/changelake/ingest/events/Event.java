package dev.changelake.ingest.events;

import java.util.Objects;

/**
 * One user event as the producers write it: who, what, on which page or product, how much, and when it happened
 * (event time, set by the "device", which may lag the time it is sent).
 *
 * @param seq the producer's sequence number, unique within one producer run (tests use it to tell events apart)
 */
public record Event(String userId, String eventType, String item, double amount, long eventTimeMillis, long seq) {
    public Event {
        Objects.requireNonNull(userId, "userId");
        Objects.requireNonNull(eventType, "eventType");
        Objects.requireNonNull(item, "item");
    }
}
