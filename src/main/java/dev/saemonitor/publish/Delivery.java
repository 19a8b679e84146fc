package dev.saemonitor.publish;

import java.util.concurrent.CompletableFuture;
import org.eclipse.microprofile.reactive.messaging.Message;

/** Ties an outgoing message's broker acknowledgement to a future, so callers can commit input after it. */
final class Delivery {
    private Delivery() {
    }

    static <T> Message<T> tracked(Message<T> m, CompletableFuture<Void> done) {
        return m.withAck(() -> {
            done.complete(null);
            return CompletableFuture.completedFuture(null);
        }).withNack(t -> {
            done.completeExceptionally(t);
            return CompletableFuture.completedFuture(null);
        });
    }
}
