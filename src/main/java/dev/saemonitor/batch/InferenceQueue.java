package dev.saemonitor.batch;

import dev.saemonitor.config.MonitorConfig;
import dev.saemonitor.metrics.MonitorMetrics;
import dev.saemonitor.scoring.ScoreRequest;
import dev.saemonitor.scoring.ScoringService;
import dev.saemonitor.scoring.StageListener;
import dev.saemonitor.scoring.Verdict;
import io.quarkus.runtime.ShutdownEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The one path into inference for Kafka and HTTP alike: admission under the in-flight bound, then
 * the micro-batcher. Callers must {@link #release()} once the verdict is published or answered.
 */
@ApplicationScoped
public class InferenceQueue {
    private final ScoringService scoring;
    private final MonitorMetrics metrics;
    private final InFlightLimit limit;
    private final CompletableFuture<MicroBatcher> batcher = new CompletableFuture<>();
    private volatile long lastProgressNanos = System.nanoTime();

    public InferenceQueue(ScoringService scoring, MonitorMetrics metrics, MonitorConfig config) {
        this.scoring = scoring;
        this.metrics = metrics;
        this.limit = new InFlightLimit(config.batch().maxInFlight(), metrics.inflight());
        BatchLimits limits = new BatchLimits(config.batch().maxEvents(), config.batch().maxTokens(), config.batch().maxWait());
        StageListener listener = new StageListener() {
            @Override
            public void stage(String stage, long nanos) {
                metrics.stage(stage, nanos);
            }

            @Override
            public void batch(int texts, int tokens) {
                metrics.batch(texts, tokens);
            }
        };
        scoring.ready().thenAccept(s -> batcher.complete(new MicroBatcher(s, limits, listener)));
    }

    /** Completes when there is room for one more event in flight. */
    public CompletionStage<Void> admit() {
        return limit.acquire();
    }

    /** Scores one admitted request (waits for the pack if it is still loading). */
    public CompletionStage<Verdict> score(ScoreRequest r) {
        return batcher.thenCompose(b -> b.submit(r));
    }

    /** Marks one admitted event as finished (published, answered, or dead-lettered). */
    public void release() {
        lastProgressNanos = System.nanoTime();
        limit.release();
    }

    public long inflight() {
        return limit.inflight();
    }

    /** Nanos of the last finished event (for the stall check). */
    public long lastProgressNanos() {
        return lastProgressNanos;
    }

    void onStop(@Observes @Priority(1) ShutdownEvent e) {
        batcher.thenAccept(MicroBatcher::close);
    }
}
