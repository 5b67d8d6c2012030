package dev.changelake.jobs.changelog;

import dev.changelake.jobs.types.ChangeRecordTypeInfo;
import dev.changelake.lake.catalog.CatalogOptions;
import dev.changelake.schema.ChangeRecord;
import dev.changelake.schema.TableId;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * The ChangelogJob's dedupe stage and checkpoint / state-backend set-up, for benchmarks. It lives in the job's package
 * (in the benchmarks module) only to reach the package-private {@link DedupeFunction}, {@link ChangelogJob.TableKey}
 * and {@link ChangelogJob#configureCheckpointing}: what it builds is exactly what {@link ChangelogJob#build} builds, so
 * a change there is measured here without edits.
 */
public final class DedupeStage {
    private DedupeStage() {
    }

    /**
     * Job options with the ChangelogJob's defaults (parallelism, dedupe state TTL, checkpoint pause, timeout...) and the
     * given checkpoint directory and interval. Kafka and the catalog are placeholders: nothing here connects to them.
     */
    public static ChangelogJobOptions options(String checkpointDir, Duration checkpointInterval) {
        return ChangelogJobOptions.builder()
                .bootstrapServers("unused:9092")
                .catalog(new CatalogOptions("bench", CatalogOptions.Type.JDBC, "file:///unused", Map.of()))
                .tables(List.of(TableId.parse("shop.orders")))
                .checkpointDir(checkpointDir)
                .checkpointInterval(checkpointInterval)
                .build();
    }

    /**
     * Parallelism, checkpointing and state backend as the ChangelogJob sets them ({@code
     * ChangelogJob.configureCheckpointing}: embedded RocksDB with incremental checkpoints, exactly-once, aligned).
     */
    public static void configure(StreamExecutionEnvironment env, ChangelogJobOptions options) {
        ChangelogJob.configureCheckpointing(env, options);
    }

    /** {@code decoded} keyed by (table, primary key) and deduplicated, as the ChangelogJob does it. */
    public static SingleOutputStreamOperator<ChangeRecord> dedupe(DataStream<ChangeRecord> decoded,
            ChangelogJobOptions options) {
        return decoded
                .keyBy(new ChangelogJob.TableKey(), Types.STRING)
                .process(new DedupeFunction(options.dedupeStateTtl)).uid("dedupe").name("dedupe")
                .returns(ChangeRecordTypeInfo.INSTANCE);
    }

    /** The dedupe state's time to live in {@code options}. */
    public static Duration dedupeStateTtl(ChangelogJobOptions options) {
        return options.dedupeStateTtl;
    }
}
