package dev.changelake.jobs.changelog;

import dev.changelake.lake.metrics.TableMetrics;
import dev.changelake.schema.ChangeRecord;
import dev.changelake.schema.SourcePosition;
import java.time.Duration;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.StateTtlConfig;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Keyed by (table, primary key): passes a change only when its source position is newer than the newest seen for that
 * key, so Debezium's replays after a restart (it is at-least-once) and duplicates never reach the lake.
 *
 * <p>A table without primary key has no key to order by; its changes may arrive on any partition. Its binlog changes
 * are keyed by their own position, so only an exact replay is dropped; its snapshot rows all share the snapshot's
 * position, so they pass unchecked (see {@code TablesWithoutPrimaryKey.APPEND}).
 */
final class DedupeFunction extends KeyedProcessFunction<String, ChangeRecord, ChangeRecord> {
    private static final long serialVersionUID = 1L;

    private final Duration ttl;
    private transient ValueState<SourcePosition> newest;
    /** Per table: tables are few (see {@link TableMetrics}). */
    private transient java.util.Map<dev.changelake.schema.TableId, Counter> replaysDropped;

    DedupeFunction(Duration ttl) {
        this.ttl = ttl;
    }

    @Override
    public void open(OpenContext openContext) {
        ValueStateDescriptor<SourcePosition> descriptor =
                new ValueStateDescriptor<>("newest-position", TypeInformation.of(SourcePosition.class));
        descriptor.enableTimeToLive(StateTtlConfig.newBuilder(ttl)
                .setUpdateType(StateTtlConfig.UpdateType.OnCreateAndWrite)
                .setStateVisibility(StateTtlConfig.StateVisibility.NeverReturnExpired)
                .build());
        newest = getRuntimeContext().getState(descriptor);
        replaysDropped = new java.util.HashMap<>();
    }

    @Override
    public void processElement(ChangeRecord change, Context ctx, Collector<ChangeRecord> out) throws Exception {
        if (change.key().isEmpty() && change.position().snapshot()) {
            out.collect(change);
            return;
        }
        SourcePosition seen = newest.value();
        if (seen != null && !change.position().isAfter(seen)) {
            replaysDropped.computeIfAbsent(change.table(),
                    t -> TableMetrics.of(getRuntimeContext().getMetricGroup(), t).counter("replaysDropped")).inc();
            return;
        }
        newest.update(change.position());
        out.collect(change);
    }

    /** The key: table and primary-key values; for a table without primary key, the change's own position. */
    static String keyOf(ChangeRecord change) {
        if (change.key().isEmpty()) {
            SourcePosition p = change.position();
            String where = p.fileSequence() + ":" + p.position() + "#" + p.rowIndex();
            // Snapshot rows share one position: spread them by content (deterministic, as Flink requires of keys).
            if (!p.snapshot()) {
                return change.table() + "\u0001" + where;
            }
            java.util.Map<String, Object> row = change.after() != null ? change.after() : change.before();
            return change.table() + "\u0001" + where + "\u0001" + ChangeRecord.valuesText(row.values());
        }
        return change.table() + "\u0000" + change.keyString();
    }

}
