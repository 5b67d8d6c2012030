package dev.changelake.jobs.session;

/**
 * An event reduced to what the session windows need: its key, its event time, and per configured aggregate the one
 * value it reads ({@code numbers[i]} for numeric aggregates, NaN when absent; {@code texts[i]} for the others, null
 * when absent). A Flink POJO (public fields, no-argument constructor), so it is serialized without Kryo.
 *
 * <p>An event that could not be decoded has {@code key == null} and the reason in {@code error}; it never reaches a
 * window (it goes to the late-events table as {@code undecodable}).
 */
public final class SessionEvent {
    public String key;
    public long time;
    public double[] numbers;
    public String[] texts;
    /** Why the record could not be decoded; null for a good event. */
    public String error;
    /** The undecodable record's bytes (null for a good event: nobody needs them). */
    public byte[] payload;

    public SessionEvent() {
    }

    SessionEvent(String key, long time, double[] numbers, String[] texts) {
        this.key = key;
        this.time = time;
        this.numbers = numbers;
        this.texts = texts;
    }

    static SessionEvent undecodable(String error, byte[] payload) {
        SessionEvent e = new SessionEvent();
        e.time = Long.MIN_VALUE; // never moves a watermark
        e.error = error;
        e.payload = payload;
        return e;
    }

    boolean decoded() {
        return error == null;
    }

    @Override
    public String toString() {
        return decoded() ? "SessionEvent{" + key + " @" + time + "}" : "SessionEvent{undecodable: " + error + "}";
    }
}
