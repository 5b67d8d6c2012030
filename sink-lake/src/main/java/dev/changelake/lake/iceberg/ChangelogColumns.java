package dev.changelake.lake.iceberg;

import dev.changelake.schema.ChangeRecord;
import dev.changelake.schema.TableId;
import dev.changelake.schema.TableSchema;
import java.util.List;
import org.apache.iceberg.types.Types;

/**
 * The columns an append-only changelog table (the rule for source tables without primary key) adds after the
 * source's columns: what the change did and where it sits in the binlog, so readers can order and deduplicate.
 */
final class ChangelogColumns {
    static final String OP = "_change_op";
    static final String SOURCE_TS = "_change_ts";
    static final String SNAPSHOT = "_snapshot";
    static final String BINLOG_FILE = "_binlog_file";
    static final String BINLOG_POS = "_binlog_pos";
    static final String BINLOG_ROW = "_binlog_row";
    static final List<String> NAMES = List.of(OP, SOURCE_TS, SNAPSHOT, BINLOG_FILE, BINLOG_POS, BINLOG_ROW);

    private ChangelogColumns() {
    }

    /** The extra fields, numbered from {@code firstId}. */
    static List<Types.NestedField> fields(int firstId) {
        int id = firstId;
        return List.of(
                Types.NestedField.required(id++, OP, Types.StringType.get(),
                        "r snapshot read, c insert, u update (row after), d delete (row before)"),
                Types.NestedField.optional(id++, SOURCE_TS, Types.TimestampType.withZone(), "commit time at the source"),
                Types.NestedField.required(id++, SNAPSHOT, Types.BooleanType.get(), "read by a snapshot, not the binlog"),
                Types.NestedField.required(id++, BINLOG_FILE, Types.LongType.get(), "binlog file sequence number"),
                Types.NestedField.required(id++, BINLOG_POS, Types.LongType.get(), "position of the row event"),
                Types.NestedField.required(id, BINLOG_ROW, Types.IntegerType.get(), "row index within the event"));
    }

    /** Refuses a source table whose own columns would collide with the changelog columns. */
    static void checkNoClash(TableSchema source) {
        for (TableSchema.Column c : source.columns()) {
            if (NAMES.contains(c.name())) {
                TableId t = source.table();
                throw new IllegalArgumentException("table " + t + " has no primary key and a column named " + c.name()
                        + ", which its append-only changelog table needs for itself; rename the column or add a primary key");
            }
        }
    }

    /** The value of changelog column {@code name} for {@code change}, in the canonical representation. */
    static Object value(String name, ChangeRecord change) {
        switch (name) {
            case OP: return change.op().code();
            case SOURCE_TS: return change.sourceTimestampMillis() * 1000L;
            case SNAPSHOT: return change.position().snapshot();
            case BINLOG_FILE: return change.position().fileSequence();
            case BINLOG_POS: return change.position().position();
            case BINLOG_ROW: return change.position().rowIndex();
            default: throw new IllegalArgumentException(name + " is not a changelog column");
        }
    }
}
