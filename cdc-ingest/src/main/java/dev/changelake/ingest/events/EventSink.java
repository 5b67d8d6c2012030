package dev.changelake.ingest.events;

import java.io.Closeable;
import java.io.IOException;

/** Where producers write events: a Kafka topic or a Kinesis stream. Keyed by user, so a user's events stay in order. */
public interface EventSink extends Closeable {
    /** Sends one record (asynchronously where the client allows); {@link #flush()} waits for all of them. */
    void send(String key, byte[] value) throws IOException;

    /** Waits until every record sent so far is stored, or throws. */
    void flush() throws IOException;

    /** Records stored so far (acknowledged by the broker or the stream). */
    long acknowledged();

    /** Where the records go, for messages. */
    String describe();
}
