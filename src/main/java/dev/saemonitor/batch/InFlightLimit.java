package dev.saemonitor.batch;

import java.util.ArrayDeque;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An asynchronous bound on events in flight. {@link #acquire()} completes at once below the bound and
 * later otherwise, so the Kafka channel stops asking for records (back-pressure) instead of buffering.
 * After {@link #close()} nothing more is admitted (admissions fail with {@link CancellationException})
 * and {@link #drained()} completes when the last admitted event is released.
 */
public final class InFlightLimit {
    private final int max;
    private final AtomicLong inflight;
    private final ArrayDeque<CompletableFuture<Void>> waiting = new ArrayDeque<>();
    private final CompletableFuture<Void> drained = new CompletableFuture<>();
    private boolean closed;

    public InFlightLimit(int max, AtomicLong inflight) {
        this.max = max;
        this.inflight = inflight;
    }

    public synchronized CompletionStage<Void> acquire() {
        if (closed) {
            return CompletableFuture.failedFuture(stopping());
        }
        if (inflight.get() < max) {
            inflight.incrementAndGet();
            return CompletableFuture.completedFuture(null);
        }
        CompletableFuture<Void> f = new CompletableFuture<>();
        waiting.add(f);
        return f;
    }

    public void release() {
        CompletableFuture<Void> next;
        synchronized (this) {
            next = closed ? null : waiting.poll();
            if (next == null) {
                if (inflight.decrementAndGet() <= 0 && closed) {
                    drained.complete(null);
                }
                return;
            }
        }
        next.complete(null);
    }

    /** Admits nothing more; events waiting for room are refused. */
    public void close() {
        ArrayDeque<CompletableFuture<Void>> refused;
        synchronized (this) {
            closed = true;
            refused = new ArrayDeque<>(waiting);
            waiting.clear();
            if (inflight.get() <= 0) {
                drained.complete(null);
            }
        }
        refused.forEach(f -> f.completeExceptionally(stopping()));
    }

    /** Completes once closed and every admitted event has been released. */
    public CompletableFuture<Void> drained() {
        return drained;
    }

    public long inflight() {
        return inflight.get();
    }

    private static CancellationException stopping() {
        return new CancellationException("stopping: not admitted");
    }
}
