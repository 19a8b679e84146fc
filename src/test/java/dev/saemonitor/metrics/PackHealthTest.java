package dev.saemonitor.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.saemonitor.scoring.ScoringService;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.junit.jupiter.api.Test;

/** The pack readiness check while the pack is still loading: down, a state, and no error at all. */
class PackHealthTest {

    @Test
    void loadingIsAStateNotAnError() {
        ScoringService notLoadedYet = new ScoringService(null, null);
        HealthCheckResponse r = new MonitorHealth(notLoadedYet, null, null, null, null, null).packLoaded().call();
        assertThat(r.getStatus()).isEqualTo(HealthCheckResponse.Status.DOWN);
        assertThat(r.getData()).isPresent();
        assertThat(r.getData().get()).containsEntry("state", "loading").doesNotContainKey("error");
        assertThat(r.getData().get().values()).noneMatch(v -> "null".equals(String.valueOf(v)));
    }
}
