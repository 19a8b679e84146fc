package dev.saemonitor.publish;

import dev.saemonitor.config.Topics;
import dev.saemonitor.ingest.DeadLetterReason;
import dev.saemonitor.metrics.MonitorMetrics;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.time.Duration;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.reactive.messaging.OnOverflow;

/**
 * Copies a bad record (bytes, key and headers) to {@code llm.events.dlq} with the reason in headers
 * ({@code dead-letter-reason}, {@code dead-letter-detail}, and where it came from). The copy always
 * fits the producer's {@code max.request.size} ({@link DeadLetterCopy}: the value is cut, or dropped,
 * with a header that says so). A write that fails is retried with backoff ({@link RetryingWrite}, as verdict
 * writes are) until the broker takes it, so
 * the returned stage completes only once the dead letter is on the topic (the caller acks the input
 * then) and fails, with a {@link CancellationException}, only when the service stops first (the input
 * stays uncommitted). The detail names
 * fields, sizes and expected values only, never content.
 */
@ApplicationScoped
public class DeadLetterPublisher {
    public static final String REASON = "dead-letter-reason";
    public static final String DETAIL = "dead-letter-detail";
    public static final String TOPIC = "dead-letter-topic";
    public static final String PARTITION = "dead-letter-partition";
    public static final String OFFSET = "dead-letter-offset";
    /** Present when the copied value was cut to fit; the value is the original size in bytes. */
    public static final String TRUNCATED = DeadLetterCopy.TRUNCATED;
    /** Present when the value was not copied; the value is the original size in bytes. */
    public static final String VALUE_DROPPED = DeadLetterCopy.VALUE_DROPPED;
    /** Present when the original headers were not copied; the value is how many there were. */
    public static final String HEADERS_DROPPED = DeadLetterCopy.HEADERS_DROPPED;

    /** Kafka's producer default for {@code max.request.size}. */
    static final int DEFAULT_MAX_REQUEST_SIZE = 1_048_576;
    private static final Duration FIRST_BACKOFF = Duration.ofMillis(200);
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(30);

    private final MutinyEmitter<byte[]> dlq;
    private final MonitorMetrics metrics;
    private final int maxRequestSize;
    private final RetryingWrite retrying;

    public DeadLetterPublisher(@Channel(Topics.DLQ_CHANNEL) @OnOverflow(value = OnOverflow.Strategy.BUFFER, bufferSize = 8192)
                               MutinyEmitter<byte[]> dlq, MonitorMetrics metrics, Config config) {
        this.dlq = dlq;
        this.metrics = metrics;
        this.retrying = new RetryingWrite("dead-letter-write-retry", FIRST_BACKOFF, MAX_BACKOFF, metrics::deadLetterRetry);
        // the limit the DLQ channel's producer enforces: its own setting, else the connector-wide one, else Kafka's default
        this.maxRequestSize = config.getOptionalValue("mp.messaging.outgoing." + Topics.DLQ_CHANNEL + ".max.request.size", Integer.class)
                .or(() -> config.getOptionalValue("kafka.max.request.size", Integer.class)).orElse(DEFAULT_MAX_REQUEST_SIZE);
    }

    public CompletionStage<Void> send(byte[] value, String key, Iterable<Header> original, DeadLetterReason reason,
                                      String detail, String topic, int partition, long offset) {
        List<Header> ours = List.of(header(REASON, reason.label()), header(DETAIL, detail), header(TOPIC, topic),
                header(PARTITION, String.valueOf(partition)), header(OFFSET, String.valueOf(offset)));
        // once the broker refuses a copy as too large, later attempts leave the value (and if need be the headers) out
        AtomicBoolean minimal = new AtomicBoolean(false);
        return retrying.write("dead-letter write of " + topic + "-" + partition + "@" + offset + " (reason "
                + reason.label() + ")", attempt -> {
            DeadLetterCopy copy = DeadLetterCopy.of(value, key, original, ours, maxRequestSize, minimal.get());
            CompletableFuture<Void> sent = new CompletableFuture<>();
            Message<byte[]> m = Message.of(copy.value()).addMetadata(OutgoingKafkaRecordMetadata.<String>builder()
                    .withKey(copy.key()).withHeaders(copy.headers()).build());
            sent.whenComplete((ok, err) -> {
                if (err != null && causedBy(err, RecordTooLargeException.class)) {
                    minimal.set(true);
                }
                if (err == null) {
                    attempt.complete(null);
                } else {
                    attempt.completeExceptionally(err);
                }
            });
            dlq.sendMessageAndForget(Delivery.tracked(m, sent));
        }).thenRun(() -> metrics.deadLettered(reason.label()));
    }

    @PreDestroy
    void stop() {
        retrying.stop();
    }

    private static boolean causedBy(Throwable t, Class<? extends Throwable> type) {
        for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (type.isInstance(c)) {
                return true;
            }
        }
        return false;
    }

    private static Header header(String key, String value) {
        return new RecordHeader(key, value.getBytes(StandardCharsets.UTF_8));
    }
}
