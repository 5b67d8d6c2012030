package dev.changelake.bench.w1;

import java.util.Iterator;
import java.util.NoSuchElementException;

/**
 * W1 events as the Kafka records the capture writes for them, in order: each event's key and value, and after a
 * delete the tombstone (same key, null value) Debezium adds with {@code tombstones.on.delete=true}. Streaming: one
 * event is encoded at a time.
 */
public final class W1Records implements Iterator<W1Records.Record> {
    /** One Kafka record; {@link #value} is null for a tombstone, whose {@link #event} is the delete before it. */
    public static final class Record {
        public final byte[] key;
        public final byte[] value;
        public final W1Event event;

        Record(byte[] key, byte[] value, W1Event event) {
            this.key = key;
            this.value = value;
            this.event = event;
        }

        public boolean isTombstone() {
            return value == null;
        }
    }

    private final Iterator<W1Event> events;
    private final EnvelopeEncoder encoder;
    private final boolean tombstones;
    private Record pendingTombstone;

    /** @param tombstones whether deletes are followed by a tombstone, as the capture is configured (it is) */
    public W1Records(Iterator<W1Event> events, EnvelopeEncoder encoder, boolean tombstones) {
        this.events = events;
        this.encoder = encoder;
        this.tombstones = tombstones;
    }

    public W1Records(Iterator<W1Event> events, EnvelopeEncoder encoder) {
        this(events, encoder, true);
    }

    @Override
    public boolean hasNext() {
        return pendingTombstone != null || events.hasNext();
    }

    @Override
    public Record next() {
        if (pendingTombstone != null) {
            Record t = pendingTombstone;
            pendingTombstone = null;
            return t;
        }
        if (!events.hasNext()) {
            throw new NoSuchElementException();
        }
        W1Event e = events.next();
        byte[] key = encoder.key(e);
        if (tombstones && e.followedByTombstone()) {
            pendingTombstone = new Record(key, null, e);
        }
        return new Record(key, encoder.value(e), e);
    }
}
