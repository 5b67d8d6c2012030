package dev.changelake.jobs.clean;

import java.util.Locale;
import java.util.TimeZone;

import org.apache.calcite.DataContext;
import org.apache.calcite.adapter.java.JavaTypeFactory;
import org.apache.calcite.linq4j.QueryProvider;
import org.apache.calcite.rel.type.TimeFrames;
import org.apache.calcite.schema.SchemaPlus;

/**
 * What Calcite's generated code reads while it evaluates one row: the row's values (as {@code "inputRecord"}, the
 * name {@code RexExecutorImpl}'s code uses) and the session variables some functions ask for. The session is UTC,
 * like the canonical timestamps; {@code CURRENT_TIMESTAMP} is the time the row is evaluated.
 */
final class RowContext implements DataContext {
    private static final String INPUT_RECORD = "inputRecord";
    private static final TimeZone UTC = TimeZone.getTimeZone("UTC");

    private final Object[] values;
    private long now = Long.MIN_VALUE;

    RowContext(Object[] values) {
        this.values = values;
    }

    @Override
    public Object get(String name) {
        if (INPUT_RECORD.equals(name)) {
            return values;
        }
        Variable variable = variable(name);
        if (variable == null) {
            return null;
        }
        switch (variable) {
            // One instant per row, so that every rule of the row sees the same time.
            case UTC_TIMESTAMP:
            case CURRENT_TIMESTAMP:
            case LOCAL_TIMESTAMP:
                return now();
            case TIME_ZONE:
                return UTC;
            case LOCALE:
                return Locale.ROOT;
            case TIME_FRAME_SET:
                return TimeFrames.CORE;
            case USER:
            case SYSTEM_USER:
                return "changelake";
            default:
                return null;
        }
    }

    private long now() {
        if (now == Long.MIN_VALUE) {
            now = System.currentTimeMillis();
        }
        return now;
    }

    private static Variable variable(String name) {
        for (Variable v : Variable.values()) {
            if (v.camelName.equals(name)) {
                return v;
            }
        }
        return null;
    }

    @Override
    public SchemaPlus getRootSchema() {
        return null;
    }

    @Override
    public JavaTypeFactory getTypeFactory() {
        return null;
    }

    @Override
    public QueryProvider getQueryProvider() {
        return null;
    }
}
