package dev.saemonitor.ingest.otel;

import dev.saemonitor.ingest.LlmEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The events of one input record, each admitted under the in-flight bound before it is scored and released
 * once its writes settle; the record's fate is decided only when every event has settled. An event never
 * admitted (the service is stopping) never settles, so neither is the record: it stays unacked.
 */
final class EventFanOut {
    private EventFanOut() {
    }

    /** How the events of a record ended: all written, or the failures (a {@code CancellationException} = stopping). */
    record Settled(int events, List<Throwable> failures) {
        boolean written() {
            return failures.isEmpty();
        }
    }

    /**
     * @param admit   one admission per event (completes when there is room; fails once stopping)
     * @param release called once per admitted event, when its scoring and writes have settled
     * @param score   scores one event and writes its verdict; completes when the writes are on the broker
     * @param settled called once, after the last event settled
     * @return completes once the last event is admitted (the caller's back-pressure), fails if an admission fails
     */
    static CompletableFuture<Void> run(List<LlmEvent> events, Supplier<CompletionStage<?>> admit, Runnable release,
                                       Function<LlmEvent, CompletionStage<?>> score, Consumer<Settled> settled) {
        List<CompletableFuture<Void>> done = new ArrayList<>();
        CompletableFuture<Void> admitted = CompletableFuture.completedFuture(null);
        for (LlmEvent e : events) {
            CompletableFuture<Void> one = new CompletableFuture<>();
            done.add(one);
            admitted = admitted.thenCompose(x -> admit.get()).thenRun(() -> score.apply(e).whenComplete((v, err) -> {
                release.run();
                if (err == null) {
                    one.complete(null);
                } else {
                    one.completeExceptionally(cause(err));
                }
            }));
        }
        CompletableFuture.allOf(done.toArray(CompletableFuture[]::new)).whenComplete((ok, err) -> settled.accept(
                new Settled(done.size(), done.stream().filter(CompletableFuture::isCompletedExceptionally)
                        .map(f -> cause(f.handle((v, t) -> t).join())).toList())));
        return admitted;
    }

    static Throwable cause(Throwable err) {
        return err instanceof CompletionException && err.getCause() != null ? err.getCause() : err;
    }
}
