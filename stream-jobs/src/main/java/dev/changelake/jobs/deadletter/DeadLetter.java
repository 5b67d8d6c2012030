package dev.changelake.jobs.deadletter;

import dev.changelake.jobs.source.RawChange;
import java.io.Serializable;

/** A record the job set aside: the original bytes, where they came from, which stage refused them and why. */
public final class DeadLetter implements Serializable {
    private static final long serialVersionUID = 1L;

    public final RawChange record;
    public final String stage;
    /** A short, stable name of the kind of problem ({@code undecodable}, {@code null-key}, …), for metrics and filters. */
    public final String code;
    public final String reason;
    public final long failedAtMillis;

    public DeadLetter(RawChange record, String stage, String code, String reason) {
        this.record = record;
        this.stage = stage;
        this.code = code;
        this.reason = reason;
        this.failedAtMillis = System.currentTimeMillis();
    }

    /** The first {@code max} bytes: a dead letter must fit where it goes, whatever came in. */
    static byte[] head(byte[] bytes, int max) {
        return bytes == null || bytes.length <= max ? bytes : java.util.Arrays.copyOf(bytes, max);
    }
}
