package dev.saemonitor.metrics;

import dev.saemonitor.batch.InferenceQueue;
import dev.saemonitor.config.MonitorConfig;
import dev.saemonitor.ingest.GroupMembership;
import dev.saemonitor.publish.VerdictPublisher;
import dev.saemonitor.scoring.ScoringService;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Liveness;
import org.eclipse.microprofile.health.Readiness;

/**
 * Readiness: the pack is loaded and the events consumer has completed its first group assignment (so a
 * replacement waiting out a dead member's session timeout is not ready; SmallRye adds the Kafka channels'
 * own checks). Liveness: inference is not stalled — events wait for scoring but none was scored within
 * {@code monitor.stall-timeout}. Verdict writes waiting for an absent broker are not a stall: they are
 * retried, reported here and counted, and a restart would not bring the broker back.
 */
@ApplicationScoped
public class MonitorHealth {
    private final ScoringService scoring;
    private final InferenceQueue queue;
    private final GroupMembership membership;
    private final VerdictPublisher publisher;
    private final MonitorConfig config;

    public MonitorHealth(ScoringService scoring, InferenceQueue queue, GroupMembership membership,
                         VerdictPublisher publisher, MonitorConfig config) {
        this.scoring = scoring;
        this.queue = queue;
        this.membership = membership;
        this.publisher = publisher;
        this.config = config;
    }

    @Readiness
    HealthCheck packLoaded() {
        return () -> {
            var b = HealthCheckResponse.named("model-pack");
            var s = scoring.scorer();
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

    @Readiness
    HealthCheck joinedGroup() {
        return () -> HealthCheckResponse.named("consumer-group").status(membership.joined())
                .withData("state", membership.joined() ? "assigned" : "waiting for the first assignment")
                .withData("partitions", membership.partitions())
                .withData("pendingVerdictWrites", publisher.pendingWrites()).build();
    }

    @Liveness
    HealthCheck notStalled() {
        return () -> {
            long idleMs = (System.nanoTime() - queue.lastProgressNanos()) / 1_000_000;
            boolean stalled = queue.scoring() > 0 && idleMs > config.stallTimeout().toMillis();
            return HealthCheckResponse.named("processing").status(!stalled).withData("inflight", queue.inflight())
                    .withData("awaitingInference", queue.scoring()).withData("msSinceLastScored", idleMs).build();
        };
    }
}
