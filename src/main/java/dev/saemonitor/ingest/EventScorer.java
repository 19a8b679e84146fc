package dev.saemonitor.ingest;

import dev.saemonitor.batch.InferenceQueue;
import dev.saemonitor.metrics.MonitorMetrics;
import dev.saemonitor.publish.AlertPusher;
import dev.saemonitor.publish.TurnPublisher;
import dev.saemonitor.publish.VerdictPublisher;
import dev.saemonitor.scoring.ScoreRequest;
import dev.saemonitor.scoring.ScoringService;
import dev.saemonitor.scoring.Verdict;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;

/**
 * The one way a validated Kafka event becomes a verdict, whichever topic it came from ({@code llm.events},
 * OpenTelemetry GenAI records): scored through {@link InferenceQueue}, then its verdict and its turn record
 * written side by side. The returned stage completes only once both writes are on the broker, so the caller
 * acks its input then; admission and {@link InferenceQueue#release()} stay with the caller.
 */
@ApplicationScoped
public class EventScorer {
    private final ScoringService scoring;
    private final InferenceQueue queue;
    private final VerdictPublisher publisher;
    private final TurnPublisher turns;
    private final AlertPusher alerts;
    private final MonitorMetrics metrics;

    public EventScorer(ScoringService scoring, InferenceQueue queue, VerdictPublisher publisher, TurnPublisher turns,
                       AlertPusher alerts, MonitorMetrics metrics) {
        this.scoring = scoring;
        this.queue = queue;
        this.publisher = publisher;
        this.turns = turns;
        this.alerts = alerts;
        this.metrics = metrics;
    }

    /** Scores an admitted event that has no {@code llm.events} coordinates (OpenTelemetry input): source null. */
    public CompletableFuture<Verdict> scoreAndPublish(LlmEvent e) {
        return scoreAndPublish(e, null);
    }

    /**
     * Scores an admitted event and writes its verdict and turn record; fails as scoring or the writes fail.
     *
     * @param source the input record's coordinates, carried in the verdict (the console fetches the text by them)
     */
    public CompletableFuture<Verdict> scoreAndPublish(LlmEvent e, Verdict.Source source) {
        ScoreRequest req = new ScoreRequest(e.id(), e.conversationId(), e.tenant(), e.role(), e.text(), e.activations());
        return queue.score(req).toCompletableFuture().thenApply(v -> source == null ? v : v.withSource(source))
                // verdict and turn record written side by side; the offset waits for both (conversation state loses no turn)
                .thenCompose(v -> publisher.publish(v).toCompletableFuture()
                        .thenCombine(turns.publish(v), (a, b) -> v))
                .whenComplete((v, err) -> {
                    if (err == null) {
                        scoring.recordVerdict(v);
                        metrics.endToEnd(Duration.between(e.time() == null ? Instant.now() : e.time(), Instant.now()));
                        alerts.maybePush(v, scoring::severityOf);
                    }
                });
    }
}
