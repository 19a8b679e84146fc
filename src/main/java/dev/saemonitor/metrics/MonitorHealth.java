package dev.saemonitor.metrics;

import dev.saemonitor.batch.InferenceQueue;
import dev.saemonitor.config.MonitorConfig;
import dev.saemonitor.scoring.ScoringService;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Liveness;
import org.eclipse.microprofile.health.Readiness;

/**
 * Readiness: the pack is loaded (SmallRye adds the Kafka channels' own checks). Liveness: not stalled —
 * events are in flight but none has finished within {@code monitor.stall-timeout}.
 */
@ApplicationScoped
public class MonitorHealth {
    private final ScoringService scoring;
    private final InferenceQueue queue;
    private final MonitorConfig config;

    public MonitorHealth(ScoringService scoring, InferenceQueue queue, MonitorConfig config) {
        this.scoring = scoring;
        this.queue = queue;
        this.config = config;
    }

    @Readiness
    HealthCheck packLoaded() {
        return () -> {
            var b = HealthCheckResponse.named("model-pack");
            var s = scoring.ready().getNow(null);
            if (s == null) {
                // while the pack loads there is no error to report, only a state; a refusal says why
                String refused = scoring.loadError();
                return refused == null ? b.down().withData("state", "loading").build()
                        : b.down().withData("state", "refused").withData("error", refused).build();
            }
            return b.up().withData("state", "loaded").withData("pack", s.pack().name()).withData("version", s.pack().version())
                    .withData("provider", s.provider()).build();
        };
    }

    @Liveness
    HealthCheck notStalled() {
        return () -> {
            long idleMs = (System.nanoTime() - queue.lastProgressNanos()) / 1_000_000;
            boolean stalled = queue.inflight() > 0 && idleMs > config.stallTimeout().toMillis();
            return HealthCheckResponse.named("processing").status(!stalled).withData("inflight", queue.inflight())
                    .withData("msSinceLastVerdict", idleMs).build();
        };
    }
}
