package dev.changelake.jobs.session;

import java.util.Arrays;
import java.util.List;
import org.apache.flink.api.common.functions.AggregateFunction;

/**
 * Folds events into a {@link SessionAccumulator} and merges two sessions' accumulators when an event bridges them.
 * The result does not depend on the order events arrive in (first/last compare event time, then value), so a replay
 * after a restart computes the same session.
 */
final class SessionAggregate implements AggregateFunction<SessionEvent, SessionAccumulator, SessionAccumulator> {
    private static final long serialVersionUID = 1L;
    private final AggregateSpec.Function[] functions;

    SessionAggregate(List<AggregateSpec> aggregates) {
        this.functions = aggregates.stream().map(AggregateSpec::function).toArray(AggregateSpec.Function[]::new);
    }

    @Override
    public SessionAccumulator createAccumulator() {
        return SessionAccumulator.empty(functions.length);
    }

    @Override
    public SessionAccumulator add(SessionEvent e, SessionAccumulator acc) {
        acc.count++;
        acc.first = Math.min(acc.first, e.time);
        acc.last = Math.max(acc.last, e.time);
        for (int i = 0; i < functions.length; i++) {
            switch (functions[i]) {
                case SUM:
                case MIN:
                case MAX:
                    acc.numbers[i] = combine(functions[i], acc.numbers[i], e.numbers[i]);
                    break;
                case FIRST_VALUE:
                case LAST_VALUE:
                    takeIfBetter(acc, i, e.texts[i], e.time, functions[i]);
                    break;
                case DISTINCT_COUNT:
                    acc.distinct[i] = union(acc.distinct[i], e.texts[i] == null ? null : new String[] {e.texts[i]});
                    break;
                default:
                    // count and duration come from count, first and last
                    break;
            }
        }
        return acc;
    }

    @Override
    public SessionAccumulator getResult(SessionAccumulator acc) {
        return acc;
    }

    @Override
    public SessionAccumulator merge(SessionAccumulator a, SessionAccumulator b) {
        SessionAccumulator m = SessionAccumulator.empty(functions.length);
        m.count = a.count + b.count;
        m.first = Math.min(a.first, b.first);
        m.last = Math.max(a.last, b.last);
        for (int i = 0; i < functions.length; i++) {
            switch (functions[i]) {
                case SUM:
                case MIN:
                case MAX:
                    m.numbers[i] = combine(functions[i], a.numbers[i], b.numbers[i]);
                    break;
                case FIRST_VALUE:
                case LAST_VALUE:
                    takeIfBetter(m, i, a.texts[i], a.textTimes[i], functions[i]);
                    takeIfBetter(m, i, b.texts[i], b.textTimes[i], functions[i]);
                    break;
                case DISTINCT_COUNT:
                    m.distinct[i] = union(a.distinct[i], b.distinct[i]);
                    break;
                default:
                    break;
            }
        }
        return m;
    }

    private static double combine(AggregateSpec.Function f, double acc, double v) {
        if (Double.isNaN(v)) {
            return acc;
        }
        if (Double.isNaN(acc)) {
            return v;
        }
        switch (f) {
            case SUM:
                return acc + v;
            case MIN:
                return Math.min(acc, v);
            default:
                return Math.max(acc, v);
        }
    }

    /** Keeps the earliest (first_value) or latest (last_value) value; ties by event time go to the smaller / larger value. */
    private static void takeIfBetter(SessionAccumulator acc, int i, String value, long time, AggregateSpec.Function f) {
        if (value == null) {
            return;
        }
        String held = acc.texts[i];
        boolean better;
        if (held == null) {
            better = true;
        } else if (f == AggregateSpec.Function.FIRST_VALUE) {
            better = time < acc.textTimes[i] || time == acc.textTimes[i] && value.compareTo(held) < 0;
        } else {
            better = time > acc.textTimes[i] || time == acc.textTimes[i] && value.compareTo(held) > 0;
        }
        if (better) {
            acc.texts[i] = value;
            acc.textTimes[i] = time;
        }
    }

    /** The sorted union of two sorted arrays of distinct values (either may be null). */
    static String[] union(String[] a, String[] b) {
        if (a == null) {
            return b;
        }
        if (b == null) {
            return a;
        }
        String[] out = new String[a.length + b.length];
        int i = 0;
        int j = 0;
        int n = 0;
        while (i < a.length || j < b.length) {
            int c = i == a.length ? 1 : j == b.length ? -1 : a[i].compareTo(b[j]);
            if (c <= 0) {
                out[n++] = a[i++];
                if (c == 0) {
                    j++;
                }
            } else {
                out[n++] = b[j++];
            }
        }
        return n == out.length ? out : Arrays.copyOf(out, n);
    }
}
