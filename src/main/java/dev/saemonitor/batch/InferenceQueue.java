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
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.jboss.logging.Logger;

/**
 * The one path into inference for Kafka and HTTP alike: admission under the in-flight bound, then
 * the micro-batcher. Callers must {@link #release()} once the verdict is published or answered.
 * On shutdown it stops admitting, waits (up to {@code monitor.drain-timeout}) until every admitted event
 * is released, and only then closes the batcher; refused and abandoned work fails with
 * {@link java.util.concurrent.CancellationException}, which callers treat as "leave uncommitted".
 */
@ApplicationScoped
public class InferenceQueue {
    private static final Logger LOG = Logger.getLogger(InferenceQueue.class);
    private final ScoringService scoring;
    private final MonitorMetrics metrics;
    private final InFlightLimit limit;
    private final CompletableFuture<MicroBatcher> batcher = new CompletableFuture<>();
    private final AtomicLong awaitingInference = new AtomicLong();
    private final Duration drainTimeout;
    private volatile long lastProgressNanos = System.nanoTime();

    public InferenceQueue(ScoringService scoring, MonitorMetrics metrics, MonitorConfig config) {
        this.scoring = scoring;
        this.metrics = metrics;
        this.limit = new InFlightLimit(config.batch().maxInFlight(), metrics.inflight());
        this.drainTimeout = config.drainTimeout();
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

    /** Completes when there is room for one more event in flight; fails (cancelled) once stopping. */
    public CompletionStage<Void> admit() {
        return limit.acquire();
    }

    /** Scores one admitted request (waits for the pack if it is still loading). */
    public CompletionStage<Verdict> score(ScoreRequest r) {
        awaitingInference.incrementAndGet();
        return batcher.thenCompose(b -> b.submit(r)).whenComplete((v, err) -> {
            lastProgressNanos = System.nanoTime();
            awaitingInference.decrementAndGet();
        });
    }

    /** Marks one admitted event as finished (published, answered, dead-lettered, or left for the next owner). */
    public void release() {
        limit.release();
    }

    public long inflight() {
        return limit.inflight();
    }

    /** Events submitted for scoring whose verdict is not computed yet (the stall check's subject). */
    public long scoring() {
        return awaitingInference.get();
    }

    /** Nanos of the last scored (or failed) event, for the stall check. */
    public long lastProgressNanos() {
        return lastProgressNanos;
    }

    /** Runs first on shutdown, while the Kafka channels are still open: drain, then close the batcher. */
    void onStop(@Observes @Priority(1) ShutdownEvent e) {
        limit.close();
        long t0 = System.nanoTime();
        try {
            limit.drained().get(drainTimeout.toMillis(), TimeUnit.MILLISECONDS);
            LOG.infof("drained in %d ms: every admitted event finished", (System.nanoTime() - t0) / 1_000_000);
        } catch (TimeoutException ex) {
            LOG.warnf("drain timed out after %s (monitor.drain-timeout) with %d events unfinished; they stay uncommitted "
                    + "for the partition's next owner", drainTimeout, limit.inflight());
        } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
        } catch (java.util.concurrent.ExecutionException ex) {
            throw new IllegalStateException("drain failed", ex);
        }
        batcher.thenAccept(MicroBatcher::close);
    }
}
