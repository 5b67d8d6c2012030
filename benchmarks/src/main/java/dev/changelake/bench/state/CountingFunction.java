package dev.changelake.bench.state;

import dev.changelake.schema.ChangeRecord;
import java.util.concurrent.atomic.LongAdder;
import org.apache.flink.api.common.accumulators.LongCounter;
import org.apache.flink.api.common.accumulators.LongMaximum;
import org.apache.flink.api.common.accumulators.LongMinimum;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichFlatMapFunction;
import org.apache.flink.util.Collector;

/**
 * Counts what the dedupe stage lets through and drops it: the number of changes, the sum of their ids (N distinct ids
 * 1..N sum to N(N+1)/2) and when the first and the last one passed, as accumulators of the job's result.
 */
final class CountingFunction extends RichFlatMapFunction<ChangeRecord, ChangeRecord> {
    private static final long serialVersionUID = 1L;

    static final String RECORDS = "records";
    static final String ID_SUM = "id-sum";
    static final String FIRST_MILLIS = "first-millis";
    static final String LAST_MILLIS = "last-millis";

    /** Changes counted so far in this JVM, for progress reports while the job runs (the accumulators come at the end). */
    static final LongAdder PROGRESS = new LongAdder();

    private transient LongCounter records;
    private transient LongCounter idSum;
    private transient LongMinimum first;
    private transient LongMaximum last;
    private transient long count;

    @Override
    public void open(OpenContext openContext) {
        records = new LongCounter();
        idSum = new LongCounter();
        first = new LongMinimum(Long.MAX_VALUE);
        last = new LongMaximum(Long.MIN_VALUE);
        getRuntimeContext().addAccumulator(RECORDS, records);
        getRuntimeContext().addAccumulator(ID_SUM, idSum);
        getRuntimeContext().addAccumulator(FIRST_MILLIS, first);
        getRuntimeContext().addAccumulator(LAST_MILLIS, last);
    }

    @Override
    public void flatMap(ChangeRecord change, Collector<ChangeRecord> out) {
        long now = System.currentTimeMillis();
        if (count++ == 0) {
            first.add(now);
        }
        last.add(now);
        records.add(1L);
        idSum.add(((Number) change.key().get("id")).longValue());
        PROGRESS.increment();
    }
}
