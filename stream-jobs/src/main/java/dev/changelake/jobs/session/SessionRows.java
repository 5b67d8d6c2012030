package dev.changelake.jobs.session;

import java.util.List;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.windowing.ProcessWindowFunction;
import org.apache.flink.streaming.api.windowing.windows.TimeWindow;
import org.apache.flink.table.data.GenericRowData;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.data.StringData;
import org.apache.flink.table.data.TimestampData;
import org.apache.flink.util.Collector;

/** A closed session to a row of the sessions table; counts them in the {@code sessionsClosed} metric. */
final class SessionRows extends ProcessWindowFunction<SessionAccumulator, RowData, String, TimeWindow> {
    private static final long serialVersionUID = 1L;
    private final AggregateSpec.Function[] functions;
    private transient Counter closed;

    SessionRows(List<AggregateSpec> aggregates) {
        this.functions = aggregates.stream().map(AggregateSpec::function).toArray(AggregateSpec.Function[]::new);
    }

    @Override
    public void open(Configuration parameters) {
        closed = getRuntimeContext().getMetricGroup().counter("sessionsClosed");
    }

    @Override
    public void process(String key, Context ctx, Iterable<SessionAccumulator> accumulators, Collector<RowData> out) {
        for (SessionAccumulator acc : accumulators) {
            out.collect(row(key, acc, functions));
            closed.inc();
        }
    }

    static GenericRowData row(String key, SessionAccumulator acc, AggregateSpec.Function[] functions) {
        GenericRowData row = new GenericRowData(3 + functions.length);
        row.setField(0, StringData.fromString(key));
        row.setField(1, TimestampData.fromEpochMillis(acc.first));
        row.setField(2, TimestampData.fromEpochMillis(acc.last));
        for (int i = 0; i < functions.length; i++) {
            Object v;
            switch (functions[i]) {
                case COUNT:
                    v = acc.count;
                    break;
                case DURATION:
                    v = acc.last - acc.first;
                    break;
                case SUM:
                case MIN:
                case MAX:
                    v = Double.isNaN(acc.numbers[i]) ? null : acc.numbers[i];
                    break;
                case FIRST_VALUE:
                case LAST_VALUE:
                    v = acc.texts[i] == null ? null : StringData.fromString(acc.texts[i]);
                    break;
                case DISTINCT_COUNT:
                    v = acc.distinct[i] == null ? 0L : (long) acc.distinct[i].length;
                    break;
                default:
                    throw new IllegalStateException("unexpected aggregate function " + functions[i]);
            }
            row.setField(3 + i, v);
        }
        return row;
    }
}
