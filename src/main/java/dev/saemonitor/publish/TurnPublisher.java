package dev.saemonitor.publish;

import dev.saemonitor.config.MonitorConfig;
import dev.saemonitor.config.Topics;
import dev.saemonitor.metrics.MonitorMetrics;
import dev.saemonitor.scoring.Verdict;
import io.quarkus.runtime.ShutdownEvent;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.reactive.messaging.OnOverflow;

/**
 * Writes each scored event's turn record to the turns topic, keyed by conversation id, for conversation state.
 * Part of the event's ack chain: the input offset is committed only once both the verdict and the turn record
 * are on the broker, so a crash loses no turn (it may repeat one; conversation state drops repeats by event id).
 * Events without a conversation id, and every event when conversations are off, write nothing.
 */
@ApplicationScoped
public class TurnPublisher {
    private final MutinyEmitter<byte[]> turns;
    private final boolean enabled;
    private final RetryingWrite retrying;

    public TurnPublisher(@Channel(Topics.TURNS_CHANNEL) @OnOverflow(value = OnOverflow.Strategy.BUFFER, bufferSize = 8192)
                         MutinyEmitter<byte[]> turns, MonitorConfig config, MonitorMetrics metrics) {
        this.turns = turns;
        this.enabled = config.conversations().enabled();
        this.retrying = new RetryingWrite("turn-write-retry", config.publish().retryBackoff(),
                config.publish().retryBackoffMax(), metrics::verdictWriteRetry);
    }

    /** Whether this verdict's event belongs to conversation state (so conversation-level paging covers it). */
    public boolean tracks(Verdict v) {
        return enabled && v.conversationId() != null && v.turn() != null;
    }

    /** Completes when the broker has the turn record (at once when the event has no conversation state). */
    public CompletionStage<Void> publish(Verdict v) {
        if (!tracks(v)) {
            return CompletableFuture.completedFuture(null);
        }
        byte[] record = new TurnRecord(v.conversationId(), v.tenant(), v.turn(), v.source()).toBytes();
        return retrying.write("turn record of event " + v.eventId() + " to " + Topics.TURNS_CHANNEL, done -> {
            OutgoingKafkaRecordMetadata<String> kafka = OutgoingKafkaRecordMetadata.<String>builder()
                    .withKey(v.conversationId()).build();
            turns.sendMessageAndForget(Delivery.tracked(Message.of(record).addMetadata(kafka), done));
        });
    }

    public int pendingWrites() {
        return retrying.pending();
    }

    /** After the drain, like the verdict writes: what is still retrying is abandoned, its input left uncommitted. */
    void onStop(@Observes @Priority(2) ShutdownEvent e) {
        retrying.stop();
    }
}
