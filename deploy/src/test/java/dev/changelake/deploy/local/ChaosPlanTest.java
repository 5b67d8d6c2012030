package dev.changelake.deploy.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.changelake.deploy.local.PipelineChaosIT.Fault;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class ChaosPlanTest {

    @Test
    void theSameSeedPlansTheSameFaultsInTheSameOrder() {
        assertThat(PipelineChaosIT.plan("full", new Random(42))).isEqualTo(PipelineChaosIT.plan("full", new Random(42)));
        assertThat(PipelineChaosIT.plan("small", new Random(7))).isEqualTo(PipelineChaosIT.plan("small", new Random(7)));
    }

    @Test
    void smallSizeRunsEveryKindOnce() {
        assertThat(PipelineChaosIT.plan("small", new Random(1))).containsExactlyInAnyOrder(Fault.values());
    }

    @Test
    void fullSizeRunsTwentyFaultsWithEveryKindAtLeastTwice() {
        for (long seed = 0; seed < 20; seed++) {
            List<Fault> plan = PipelineChaosIT.plan("full", new Random(seed));
            Map<Fault, Long> byKind = plan.stream().collect(Collectors.groupingBy(Function.identity(), Collectors.counting()));
            assertThat(plan).hasSize(20);
            assertThat(byKind).hasSize(Fault.values().length).allSatisfy((kind, n) -> assertThat(n).isGreaterThanOrEqualTo(2));
        }
    }

    @Test
    void anUnknownSizeIsRefusedNamingTheChoices() {
        assertThatThrownBy(() -> PipelineChaosIT.plan("huge", new Random(1)))
                .hasMessage("chaos.size=huge: use small or full");
    }
}
