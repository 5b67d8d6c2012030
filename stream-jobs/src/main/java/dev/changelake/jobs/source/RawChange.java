package dev.changelake.jobs.source;

import java.io.Serializable;

/** A Kafka record as it arrived, with where it came from, so that a bad one can be named and set aside whole. */
public final class RawChange implements Serializable {
    private static final long serialVersionUID = 1L;

    public final String topic;
    public final int partition;
    public final long offset;
    public final byte[] key;
    public final byte[] value;

    public RawChange(String topic, int partition, long offset, byte[] key, byte[] value) {
        this.topic = topic;
        this.partition = partition;
        this.offset = offset;
        this.key = key;
        this.value = value;
    }

    /** {@code topic/partition@offset}, the way operators look a record up. */
    public String where() {
        return topic + "/" + partition + "@" + offset;
    }
}
