package dev.changelake.ingest.events;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;

/** Sends generated events to a sink at a steady rate for a while (the load generator of {@code changelake produce}). */
public final class EventProducer {
    private final EventGenerator generator;
    private final EventFormat format;
    private final EventSink sink;

    public EventProducer(EventGenerator generator, EventFormat format, EventSink sink) {
        this.generator = generator;
        this.format = format;
        this.sink = sink;
    }

    /**
     * Sends about {@code rate} events per second until {@code duration} has passed or {@code stop} is set, then flushes.
     * Paced against the start time, so a slow send is caught up rather than lost from the rate.
     *
     * @return the number of events sent
     */
    public long run(int rate, Duration duration, AtomicBoolean stop) throws IOException {
        if (rate < 1) {
            throw new IllegalArgumentException("rate must be at least 1 event/s, was " + rate);
        }
        long start = System.nanoTime();
        long end = start + duration.toNanos();
        long sent = 0;
        while (!stop.get()) {
            long now = System.nanoTime();
            if (now >= end) {
                break;
            }
            long due = (now - start) * rate / 1_000_000_000L + 1;
            if (sent >= due) {
                LockSupport.parkNanos(Math.min(end - now, 1_000_000_000L / rate)); // pacing, not a wait for a condition
                continue;
            }
            for (; sent < due; sent++) {
                Event e = generator.next();
                sink.send(e.userId(), format.encode(e));
            }
        }
        sink.flush();
        return sent;
    }

    public EventGenerator generator() {
        return generator;
    }

    public EventSink sink() {
        return sink;
    }
}
