package dev.changelake.jobs.session;

import java.util.Arrays;

/**
 * The running aggregates of one open session, as kept in keyed window state: a Flink POJO of primitive arrays (no
 * Kryo), one slot per configured aggregate. Its size is bounded by the session, and it is dropped when the session
 * closes; only {@code distinct_count} grows with the session (it keeps the distinct values).
 */
public final class SessionAccumulator {
    public long count;
    /** Event times of the first and the last event. */
    public long first = Long.MAX_VALUE;
    public long last = Long.MIN_VALUE;
    /** Per aggregate: the sum, min or max so far (NaN: no value yet). */
    public double[] numbers;
    /** Per aggregate: the first or last value so far, and its event time. */
    public String[] texts;
    public long[] textTimes;
    /** Per aggregate: the distinct values so far, sorted (null for other aggregates). */
    public String[][] distinct;

    public SessionAccumulator() {
    }

    static SessionAccumulator empty(int aggregates) {
        SessionAccumulator a = new SessionAccumulator();
        a.numbers = new double[aggregates];
        Arrays.fill(a.numbers, Double.NaN);
        a.texts = new String[aggregates];
        a.textTimes = new long[aggregates];
        a.distinct = new String[aggregates][];
        return a;
    }
}
