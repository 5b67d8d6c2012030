package dev.changelake.jobs.source;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

class BacklogProbeTest {
    private static final TopicPartition P0 = new TopicPartition("changelake.shop.orders", 0);
    private static final TopicPartition P1 = new TopicPartition("changelake.shop.orders", 1);

    @Test
    void aSteadyJobThatHasReadEverythingIsNotBehindAlthoughItsCommittedOffsetsTrailByAnInterval() {
        // 5,000 changes/s for 30 s since the last checkpoint: 150,000 records past the committed offsets, all read
        Map<TopicPartition, Long> end = Map.of(P0, 1_075_000L, P1, 1_075_000L);
        Map<TopicPartition, Long> committed = Map.of(P0, 1_000_000L, P1, 1_000_000L);
        Map<TopicPartition, Long> read = Map.of(P0, 1_074_900L, P1, 1_075_000L);

        assertThat(BacklogProbe.behind(end, committed, read)).isEqualTo(100);
    }

    @Test
    void aJobThatHasNotReadTheBacklogIsBehindByAllOfIt() {
        Map<TopicPartition, Long> end = Map.of(P0, 3_000_000L, P1, 3_000_000L);
        Map<TopicPartition, Long> committed = Map.of(P0, 1_000_000L, P1, 1_000_000L);
        Map<TopicPartition, Long> read = Map.of(P0, 1_200_000L, P1, 1_100_000L);

        assertThat(BacklogProbe.behind(end, committed, read)).isEqualTo(1_800_000L + 1_900_000L);
    }

    @Test
    void aPartitionNoReaderHasReportedCountsFromItsCommittedOffsetOrFromTheStart() {
        Map<TopicPartition, Long> end = Map.of(P0, 500L, P1, 700L);
        Map<TopicPartition, Long> committed = Map.of(P0, 200L);

        assertThat(BacklogProbe.behind(end, committed, Map.of())).isEqualTo(300 + 700);
    }
}
