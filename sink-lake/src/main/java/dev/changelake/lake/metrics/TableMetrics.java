package dev.changelake.lake.metrics;

import dev.changelake.schema.TableId;
import org.apache.flink.metrics.MetricGroup;

/**
 * Where per-table metrics live: {@code <operator scope>.kinesisanalytics.table.<db.table>.<name>}. Managed Service for
 * Apache Flink sends to CloudWatch only metrics under a group named {@code kinesisanalytics}, and turns each key/value
 * group under it into a dimension: here {@code table = <db>.<table>} (and {@code reason = <code>} for dead letters).
 * Other reporters see the same pair as the metric variable {@code <table>}.
 *
 * <p>Cardinality is bounded by the number of mirrored tables (one group per source table a task has seen, so a few to
 * a few hundred), never by keys or records: CloudWatch bills per dimension combination.
 */
public final class TableMetrics {
    /** The group MSF forwards to CloudWatch. */
    public static final String MSF_GROUP = "kinesisanalytics";
    /** The key of the table key/value group; reporters see the variable {@code <table>}. */
    public static final String TABLE = "table";
    /** The key of the dead-letter reason group under a table; reporters see {@code <reason>}. */
    public static final String REASON = "reason";

    private TableMetrics() {
    }

    /** The metric group of {@code table} under {@code operator}; Flink returns the existing group when asked again. */
    public static MetricGroup of(MetricGroup operator, TableId table) {
        return operator.addGroup(MSF_GROUP).addGroup(TABLE, table.toString());
    }
}
