package dev.saemonitor.batch;

import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An asynchronous bound on events in flight. {@link #acquire()} completes at once below the bound and
 * later otherwise, so the Kafka channel stops asking for records (back-pressure) instead of buffering.
 */
public final class InFlightLimit {
    private final int max;
    private final AtomicLong inflight;
    private final ArrayDeque<CompletableFuture<Void>> waiting = new ArrayDeque<>();

    public InFlightLimit(int max, AtomicLong inflight) {
        this.max = max;
        this.inflight = inflight;
    }

    public synchronized CompletionStage<Void> acquire() {
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
            next = waiting.poll();
            if (next == null) {
                inflight.decrementAndGet();
                return;
            }
        }
        next.complete(null);
    }

    public long inflight() {
        return inflight.get();
    }
}
