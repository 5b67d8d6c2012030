package dev.changelake.jobs.session;

import dev.changelake.lake.catalog.LakeCatalogs;
import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.apache.flink.table.types.logical.RowType;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.SupportsNamespaces;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.exceptions.AlreadyExistsException;
import org.apache.iceberg.flink.FlinkSchemaUtil;
import org.apache.iceberg.types.Type;
import org.apache.iceberg.types.Types;

/**
 * The two lake tables of the SessionJob. Sessions: {@code session_key}, {@code session_start} and {@code session_end}
 * (event times of the first and last event), then one column per configured aggregate; partitioned by
 * {@code day(session_start)}. Late events: one row per event set aside (late beyond the allowed lateness, or
 * undecodable), with the reason, the watermark it missed and its values, for triage with SQL.
 */
final class SessionTables {
    static final Set<String> FIXED_COLUMNS = Set.of("session_key", "session_start", "session_end");

    static final Schema LATE_SCHEMA = new Schema(
            Types.NestedField.required(1, "reason", Types.StringType.get()),
            Types.NestedField.optional(2, "session_key", Types.StringType.get()),
            Types.NestedField.optional(3, "event_time", Types.TimestampType.withZone()),
            Types.NestedField.required(4, "detected_at", Types.TimestampType.withZone()),
            Types.NestedField.optional(5, "watermark", Types.TimestampType.withZone()),
            Types.NestedField.optional(6, "detail", Types.StringType.get()),
            Types.NestedField.optional(7, "payload", Types.BinaryType.get()));

    private SessionTables() {
    }

    static Schema sessionSchema(List<AggregateSpec> aggregates) {
        List<Types.NestedField> fields = new ArrayList<>();
        fields.add(Types.NestedField.required(1, "session_key", Types.StringType.get()));
        fields.add(Types.NestedField.required(2, "session_start", Types.TimestampType.withZone()));
        fields.add(Types.NestedField.required(3, "session_end", Types.TimestampType.withZone()));
        int id = 4;
        for (AggregateSpec a : aggregates) {
            fields.add(Types.NestedField.optional(id++, a.name(), type(a.function())));
        }
        return new Schema(fields);
    }

    static Type type(AggregateSpec.Function f) {
        switch (f) {
            case COUNT:
            case DISTINCT_COUNT:
            case DURATION:
                return Types.LongType.get();
            case SUM:
            case MIN:
            case MAX:
                return Types.DoubleType.get();
            case FIRST_VALUE:
            case LAST_VALUE:
                return Types.StringType.get();
            default:
                throw new IllegalStateException("unexpected aggregate function " + f);
        }
    }

    static RowType sessionRowType(List<AggregateSpec> aggregates) {
        return FlinkSchemaUtil.convert(sessionSchema(aggregates));
    }

    static RowType lateRowType() {
        return FlinkSchemaUtil.convert(LATE_SCHEMA);
    }

    /**
     * Creates both tables if missing, once, before the job runs. An existing sessions table must have the columns the
     * aggregates produce: appending rows of another shape would fail on every checkpoint instead.
     */
    static void createIfMissing(SessionJobOptions options) {
        Catalog catalog = LakeCatalogs.open(options.catalog());
        try {
            Schema sessions = sessionSchema(options.aggregates());
            Table t = create(catalog, options.table(), sessions, PartitionSpec.builderFor(sessions).day("session_start").build());
            if (!t.schema().asStruct().equals(sessions.asStruct())) {
                throw new IllegalArgumentException("lake table " + options.table() + " exists with columns "
                        + t.schema().asStruct() + ", but the sessions.aggregates produce " + sessions.asStruct()
                        + "; name another sessions.table or drop it");
            }
            create(catalog, options.lateTable(), LATE_SCHEMA, PartitionSpec.builderFor(LATE_SCHEMA).day("detected_at").build());
        } finally {
            if (catalog instanceof Closeable) {
                try {
                    ((Closeable) catalog).close();
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        }
    }

    private static Table create(Catalog catalog, String name, Schema schema, PartitionSpec spec) {
        TableIdentifier id = TableIdentifier.parse(name);
        if (catalog instanceof SupportsNamespaces && !id.namespace().isEmpty()
                && !((SupportsNamespaces) catalog).namespaceExists(id.namespace())) {
            try {
                ((SupportsNamespaces) catalog).createNamespace(Namespace.of(id.namespace().levels()));
            } catch (AlreadyExistsException raced) {
                // created meanwhile by another job: fine
            }
        }
        if (catalog.tableExists(id)) {
            return catalog.loadTable(id);
        }
        try {
            return catalog.buildTable(id, schema).withPartitionSpec(spec).withProperty("format-version", "2").create();
        } catch (AlreadyExistsException raced) {
            return catalog.loadTable(id);
        }
    }
}
