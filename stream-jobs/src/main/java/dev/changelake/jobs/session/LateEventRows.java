package dev.changelake.jobs.session;

import java.util.List;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.table.data.GenericRowData;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.data.StringData;
import org.apache.flink.table.data.TimestampData;
import org.apache.flink.util.Collector;

/**
 * An event that missed its session (later than the allowed lateness behind the watermark) to a row of the late-events
 * table, counted in the {@code lateEvents} metric: late events are kept and counted, never dropped silently.
 */
final class LateEventRows extends ProcessFunction<SessionEvent, RowData> {
    private static final long serialVersionUID = 1L;
    private final List<AggregateSpec> aggregates;
    private transient Counter late;

    LateEventRows(List<AggregateSpec> aggregates) {
        this.aggregates = aggregates;
    }

    @Override
    public void open(Configuration parameters) {
        late = getRuntimeContext().getMetricGroup().counter("lateEvents");
    }

    @Override
    public void processElement(SessionEvent e, Context ctx, Collector<RowData> out) {
        late.inc();
        long watermark = ctx.timerService().currentWatermark();
        out.collect(GenericRowData.of(StringData.fromString("late"), StringData.fromString(e.key),
                TimestampData.fromEpochMillis(e.time), TimestampData.fromEpochMillis(System.currentTimeMillis()),
                watermark == Long.MIN_VALUE ? null : TimestampData.fromEpochMillis(watermark),
                StringData.fromString(values(e)), null));
    }

    /** The values the event carried for the aggregates, as a small JSON object (what the session missed). */
    private String values(SessionEvent e) {
        StringBuilder sb = new StringBuilder("{");
        java.util.Set<String> written = new java.util.HashSet<>();
        for (int i = 0; i < aggregates.size(); i++) {
            AggregateSpec a = aggregates.get(i);
            if (a.field() == null || !written.add(a.field())) {
                continue;
            }
            Object v = a.numeric() ? (Double.isNaN(e.numbers[i]) ? null : e.numbers[i]) : e.texts[i];
            sb.append(sb.length() > 1 ? "," : "").append('"').append(a.field()).append("\":");
            sb.append(v instanceof String ? '"' + ((String) v).replace("\\", "\\\\").replace("\"", "\\\"") + '"'
                    : String.valueOf(v));
        }
        return sb.append('}').toString();
    }

    /** An undecodable record as a row of the same table (reason {@code undecodable}, with the error and its bytes). */
    static RowData undecodable(SessionEvent e) {
        return GenericRowData.of(StringData.fromString("undecodable"), null, null,
                TimestampData.fromEpochMillis(System.currentTimeMillis()), null, StringData.fromString(e.error), e.payload);
    }
}
