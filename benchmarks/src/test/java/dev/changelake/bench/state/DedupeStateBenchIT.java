package dev.changelake.bench.state;

import static org.assertj.core.api.Assertions.assertThat;

import dev.changelake.bench.w1.W1Config;
import dev.changelake.bench.w1.W1Event;
import dev.changelake.bench.w1.W1Generator;
import dev.changelake.schema.SourcePosition;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The smoke run of P7 in ./mvnw verify: 200k keys through the real dedupe stage in a 1 GiB JVM. */
class DedupeStateBenchIT {
    private static final long KEYS = 200_000;

    @TempDir
    Path workDir;

    @Test
    void everyKeyReachesCheckpointedRocksDbStateWithinTheHeapLimit() throws Exception {
        DedupeStateResult r = DedupeStateBench.run(workDir, KEYS, Duration.ofSeconds(1), Map.of(), List.of(), System.out);

        assertThat(r.completed()).as("completed").isTrue();
        assertThat(r.outOfMemory()).isFalse();
        assertThat(r.keys()).isEqualTo(KEYS);
        assertThat(r.keysSeen()).as("changes through dedupe").isEqualTo(KEYS);
        assertThat(r.allKeysSeen()).as("ids 1..N, each once").isTrue();

        assertThat(r.heapLimitBytes()).isBetween(900L << 20, 1L << 30);
        assertThat(r.peakHeapBytes()).isPositive().isLessThanOrEqualTo(r.heapLimitBytes());
        assertThat(r.maxHeapUsedBytes()).isPositive().isLessThanOrEqualTo(r.peakHeapBytes());
        assertThat(r.maxHeapAfterGcBytes()).isLessThanOrEqualTo(r.heapLimitBytes());
        // Every key is in the checkpoint: at least its ~19-byte key each, at most ~2 KB each. The local RocksDB size is
        // sampled while the job runs, so a short run may see some keys still in the memtable: only bounded above.
        assertThat(r.rocksDbBytes()).isPositive().isLessThan(KEYS * 2_000);
        assertThat(r.checkpointBytes()).isBetween(KEYS * 8, KEYS * 2_000);
        assertThat(r.checkpointedBytes()).isPositive().isLessThanOrEqualTo(r.checkpointBytes());
        assertThat(r.seconds()).isPositive().isLessThan(r.jobSeconds());
        assertThat(r.recordsPerSecond()).isPositive();
        assertThat(r.p7Line()).matches("P7: \\d+ MiB heap, \\d+ MiB RocksDB for 200k keys");
    }

    /** The source's positions are those of W1's change events (as the decoders make them from Debezium's source block). */
    @Test
    void positionsAreW1s() {
        Iterator<W1Event> w1 = new W1Generator(W1Config.builder().rows(10).events(50).build()).changes();
        for (long n = 0; w1.hasNext(); n++) {
            W1Event e = w1.next();
            SourcePosition expected = new SourcePosition(false, SourcePosition.fileSequence(e.binlogFile), e.binlogPosition,
                    e.rowInEvent, e.gtid);
            SourcePosition p = DistinctKeySource.change(n).position();
            assertThat(p).isEqualTo(expected);
            assertThat(p.gtid()).isEqualTo(expected.gtid());
        }
    }
}
