package dev.saemonitor.publish;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.jboss.logging.Logger;

/**
 * Repeats a Kafka write until the broker acknowledges it, waiting {@code backoff}, then twice as long
 * each time up to {@code max}, between attempts. A write is never given up for a broker that is away
 * (an expired {@code delivery.timeout.ms}, a closed connection): the event's offset simply stays
 * uncommitted meanwhile. {@link #stop()} ends every pending write with a {@link CancellationException}.
 */
final class RetryingWrite {
    private static final Logger LOG = Logger.getLogger(RetryingWrite.class);

    private final long backoffMs;
    private final long maxMs;
    private final Runnable onRetry;
    private final Set<CompletableFuture<Void>> pending = ConcurrentHashMap.newKeySet();
    private final ScheduledExecutorService timer;
    private volatile boolean stopped;

    RetryingWrite(Duration backoff, Duration max, Runnable onRetry) {
        this("verdict-write-retry", backoff, max, onRetry);
    }

    /** @param threadName the timer thread's name (which writes it retries) */
    RetryingWrite(String threadName, Duration backoff, Duration max, Runnable onRetry) {
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> Thread.ofPlatform().name(threadName).daemon().unstarted(r));
        this.backoffMs = Math.max(1, backoff.toMillis());
        this.maxMs = Math.max(backoffMs, max.toMillis());
        this.onRetry = onRetry;
    }

    /**
     * Runs {@code attempt} (which completes the future it is given when the broker acks, or fails it) until
     * one attempt succeeds; {@code what} names the write in logs (ids and topics, never content).
     */
    CompletableFuture<Void> write(String what, Consumer<CompletableFuture<Void>> attempt) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        pending.add(done);
        done.whenComplete((x, err) -> pending.remove(done));
        attempt(what, attempt, done, 1);
        return done;
    }

    int pending() {
        return pending.size();
    }

    void stop() {
        stopped = true;
        timer.shutdownNow();
        for (CompletableFuture<Void> f : pending) {
            f.completeExceptionally(new CancellationException("stopping: write abandoned, input left uncommitted"));
        }
    }

    private void attempt(String what, Consumer<CompletableFuture<Void>> attempt, CompletableFuture<Void> done, int n) {
        if (stopped || done.isDone()) {
            done.completeExceptionally(new CancellationException("stopping: write abandoned, input left uncommitted"));
            return;
        }
        CompletableFuture<Void> one = new CompletableFuture<>();
        try {
            attempt.accept(one);
        } catch (RuntimeException e) {
            one.completeExceptionally(e);
        }
        one.whenComplete((x, err) -> {
            if (err == null) {
                if (n > 1) {
                    LOG.infof("%s written after %d attempts", what, n);
                }
                done.complete(null);
                return;
            }
            if (stopped) {
                done.completeExceptionally(new CancellationException("stopping: write abandoned, input left uncommitted"));
                return;
            }
            long wait = Math.min(maxMs, backoffMs << Math.min(20, n - 1));
            Throwable cause = err.getCause() != null && err instanceof java.util.concurrent.CompletionException ? err.getCause() : err;
            if (n == 1 || n % 10 == 0) {
                LOG.warnf("%s failed (attempt %d: %s: %s); retrying in %d ms, its input stays uncommitted until written",
                        what, n, cause.getClass().getSimpleName(), cause.getMessage(), wait);
            }
            onRetry.run();
            try {
                timer.schedule(() -> attempt(what, attempt, done, n + 1), wait, TimeUnit.MILLISECONDS);
            } catch (java.util.concurrent.RejectedExecutionException stopping) {
                done.completeExceptionally(new CancellationException("stopping: write abandoned, input left uncommitted"));
            }
        });
    }
}
