package dev.saemonitor.publish;

import dev.saemonitor.config.Topics;
import dev.saemonitor.ingest.DeadLetterReason;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.reactive.messaging.OnOverflow;

/**
 * Copies a bad record, bytes, key and headers unchanged, to {@code llm.events.dlq} with the reason in headers
 * ({@code dead-letter-reason}, {@code dead-letter-detail}, and where it came from). The detail names
 * fields and sizes only, never content.
 */
@ApplicationScoped
public class DeadLetterPublisher {
    public static final String REASON = "dead-letter-reason";
    public static final String DETAIL = "dead-letter-detail";
    public static final String TOPIC = "dead-letter-topic";
    public static final String PARTITION = "dead-letter-partition";
    public static final String OFFSET = "dead-letter-offset";

    private final MutinyEmitter<byte[]> dlq;

    public DeadLetterPublisher(@Channel(Topics.DLQ_CHANNEL) @OnOverflow(value = OnOverflow.Strategy.BUFFER, bufferSize = 8192)
                               MutinyEmitter<byte[]> dlq) {
        this.dlq = dlq;
    }

    public CompletionStage<Void> send(byte[] value, String key, Iterable<Header> original, DeadLetterReason reason,
                                      String detail, String topic, int partition, long offset) {
        RecordHeaders h = new RecordHeaders();
        for (Header o : original) {
            if (!o.key().startsWith("dead-letter-")) {
                h.add(o);
            }
        }
        h.add(REASON, reason.label().getBytes(StandardCharsets.UTF_8));
        h.add(DETAIL, detail.getBytes(StandardCharsets.UTF_8));
        h.add(TOPIC, topic.getBytes(StandardCharsets.UTF_8));
        h.add(PARTITION, String.valueOf(partition).getBytes(StandardCharsets.UTF_8));
        h.add(OFFSET, String.valueOf(offset).getBytes(StandardCharsets.UTF_8));
        CompletableFuture<Void> done = new CompletableFuture<>();
        Message<byte[]> m = Message.of(value == null ? new byte[0] : value)
                .addMetadata(OutgoingKafkaRecordMetadata.<String>builder().withKey(key).withHeaders(h).build());
        dlq.sendMessageAndForget(Delivery.tracked(m, done));
        return done;
    }
}
