package dev.saemonitor.metrics;

import dev.saemonitor.batch.InferenceQueue;
import dev.saemonitor.config.MonitorConfig;
import dev.saemonitor.conversation.state.ConversationStream;
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
    private final ConversationStream conversations;

    public MonitorHealth(ScoringService scoring, InferenceQueue queue, GroupMembership membership,
                         VerdictPublisher publisher, MonitorConfig config, ConversationStream conversations) {
        this.conversations = conversations;
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

    /**
     * Conversation state: ready once the topology has run with its stores restored, and from then on while it is
     * RUNNING or REBALANCING (a rebalance is routine; turns wait on their topic meanwhile, so readiness does not flap
     * with it). Down before the first restore completes and when the topology failed or stopped.
     */
    @Readiness
    HealthCheck conversationState() {
        return () -> {
            var b = HealthCheckResponse.named("conversation-state");
            if (!conversations.enabled()) {
                return b.up().withData("state", "disabled").build();
            }
            var state = conversations.state();
            boolean up = conversations.everRunning() && state != null
                    && (state == org.apache.kafka.streams.KafkaStreams.State.RUNNING
                    || state == org.apache.kafka.streams.KafkaStreams.State.REBALANCING);
            return b.status(up).withData("state", state == null ? "starting" : state.name())
                    .withData("conversations", conversations.conversations()).build();
        };
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
