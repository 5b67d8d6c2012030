package dev.changelake.jobs.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.Optional;

/** The checks both source ITs make: the phases' sessions in the lake, exactly, across a restart from a checkpoint. */
final class SessionScenarioCheck {
    private static final Duration WAIT = Duration.ofMinutes(3);

    private SessionScenarioCheck() {
    }

    interface Phase {
        void send() throws Exception;
    }

    /**
     * Runs phase 1, waits for its sessions in the lake, cancels the job, restores it from its newest checkpoint, runs
     * phase 2, and asserts that the lake holds exactly the expected sessions and late events, before and after two
     * more checkpoints.
     */
    static void run(SessionJobRunner runner, SessionJobOptions options, Phase phase1, Phase phase2) throws Exception {
        runner.start(options, false);
        phase1.send();
        await("phase 1 sessions in the lake").atMost(WAIT).pollInterval(Duration.ofMillis(500)).untilAsserted(() ->
                assertThat(runner.rows(SessionScenario.TABLE, SessionScenario::render))
                        .containsExactlyElementsOf(SessionScenario.phase1Sessions()));

        runner.cancel();
        runner.start(options, true);
        phase2.send();

        await("all sessions and late events in the lake").atMost(WAIT).pollInterval(Duration.ofMillis(500))
                .untilAsserted(() -> {
                    assertThat(runner.rows(SessionScenario.TABLE, SessionScenario::render))
                            .containsExactlyElementsOf(SessionScenario.allSessions());
                    assertThat(runner.rows(SessionScenario.LATE_TABLE, SessionScenario::renderLate))
                            .containsExactlyElementsOf(SessionScenario.lateEvents());
                });
        // Nothing more arrives with later checkpoints: no session written twice, no late event repeated.
        for (int i = 0; i < 2; i++) {
            Optional<String> seen = runner.latestCheckpoint();
            await("another checkpoint").atMost(WAIT).pollInterval(Duration.ofMillis(200))
                    .until(() -> !runner.latestCheckpoint().equals(seen));
        }
        assertThat(runner.rows(SessionScenario.TABLE, SessionScenario::render))
                .containsExactlyElementsOf(SessionScenario.allSessions());
        assertThat(runner.rows(SessionScenario.LATE_TABLE, SessionScenario::renderLate))
                .containsExactlyElementsOf(SessionScenario.lateEvents());
    }
}
