package dev.changelake.jobs.session;

import java.io.Serializable;
import java.util.Locale;
import java.util.Objects;

/**
 * One aggregate of a session, a column of the sessions table: {@code name} is the column, {@code function} what it
 * computes over the session's events, {@code field} the event field it reads (none for count and duration).
 *
 * <p>A final value class with a record's accessors, equals, hashCode and toString (Java 11: it is in the MSF jar).
 */
public final class AggregateSpec implements Serializable {
    private static final long serialVersionUID = 1L;

    private final String name;
    private final Function function;
    private final String field;

    /** What an aggregate computes. */
    public enum Function {
        /** Events in the session (bigint). */
        COUNT(false, false),
        /** Sum of a numeric field (double); events without the field add nothing. */
        SUM(true, true),
        /** Least value of a numeric field (double), null when no event has it. */
        MIN(true, true),
        /** Greatest value of a numeric field (double), null when no event has it. */
        MAX(true, true),
        /** The field's value (as text) of the earliest event by event time; ties: the smallest value. */
        FIRST_VALUE(true, false),
        /** The field's value (as text) of the latest event by event time; ties: the largest value. */
        LAST_VALUE(true, false),
        /** Distinct values of the field (bigint), exact: the values are kept while the session is open. */
        DISTINCT_COUNT(true, false),
        /** Milliseconds from the first to the last event (bigint); 0 for a session of one event. */
        DURATION(false, false);

        final boolean needsField;
        final boolean numeric;

        Function(boolean needsField, boolean numeric) {
            this.needsField = needsField;
            this.numeric = numeric;
        }

        /** As written in pipeline.yaml: count, sum, first_value, distinct_count, … */
        public String configName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public AggregateSpec(String name, Function function, String field) {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(function, "function");
        if (function.needsField && field == null) {
            throw new IllegalArgumentException("aggregate " + name + ": " + function.configName() + " needs a field");
        }
        if (!function.needsField && field != null) {
            throw new IllegalArgumentException("aggregate " + name + ": " + function.configName() + " takes no field");
        }
        this.name = name;
        this.function = function;
        this.field = field;
    }

    public String name() {
        return name;
    }

    public Function function() {
        return function;
    }

    public String field() {
        return field;
    }

    /** Whether the event carries this aggregate's input as a number (else as text, or not at all). */
    boolean numeric() {
        return function.numeric;
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof AggregateSpec)) {
            return false;
        }
        AggregateSpec a = (AggregateSpec) o;
        return name.equals(a.name) && function == a.function && Objects.equals(field, a.field);
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, function, field);
    }

    @Override
    public String toString() {
        return "AggregateSpec[name=" + name + ", function=" + function + ", field=" + field + "]";
    }
}
