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
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.reactive.messaging.OnOverflow;
import org.jboss.logging.Logger;

/**
 * Copies a bad record (bytes, key and headers) to {@code llm.events.dlq} with the reason in headers
 * ({@code dead-letter-reason}, {@code dead-letter-detail}, and where it came from). The copy always
 * fits the producer's {@code max.request.size} ({@link DeadLetterCopy}: the value is cut, or dropped,
 * with a header that says so). A write that fails is retried with backoff until the broker takes it, so
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
    private static final long FIRST_BACKOFF_MS = 200;
    private static final long MAX_BACKOFF_MS = 30_000;
    private static final Logger LOG = Logger.getLogger(DeadLetterPublisher.class);

    private final MutinyEmitter<byte[]> dlq;
    private final MonitorMetrics metrics;
    private final int maxRequestSize;
    private volatile boolean stopped;

    public DeadLetterPublisher(@Channel(Topics.DLQ_CHANNEL) @OnOverflow(value = OnOverflow.Strategy.BUFFER, bufferSize = 8192)
                               MutinyEmitter<byte[]> dlq, MonitorMetrics metrics, Config config) {
        this.dlq = dlq;
        this.metrics = metrics;
        // the limit the DLQ channel's producer enforces: its own setting, else the connector-wide one, else Kafka's default
        this.maxRequestSize = config.getOptionalValue("mp.messaging.outgoing." + Topics.DLQ_CHANNEL + ".max.request.size", Integer.class)
                .or(() -> config.getOptionalValue("kafka.max.request.size", Integer.class)).orElse(DEFAULT_MAX_REQUEST_SIZE);
    }

    /** One dead letter: the input record, why, and where it came from. */
    private record Letter(byte[] value, String key, Iterable<Header> original, DeadLetterReason reason, List<Header> ours,
                          String from) {
    }

    public CompletionStage<Void> send(byte[] value, String key, Iterable<Header> original, DeadLetterReason reason,
                                      String detail, String topic, int partition, long offset) {
        List<Header> ours = List.of(header(REASON, reason.label()), header(DETAIL, detail), header(TOPIC, topic),
                header(PARTITION, String.valueOf(partition)), header(OFFSET, String.valueOf(offset)));
        CompletableFuture<Void> done = new CompletableFuture<>();
        attempt(new Letter(value, key, original, reason, ours, topic + "-" + partition + "@" + offset), 1, false, done);
        return done;
    }

    private void attempt(Letter l, int n, boolean minimal, CompletableFuture<Void> done) {
        if (stopped) {
            done.completeExceptionally(new CancellationException("stopping: dead-letter write of " + l.from()
                    + " abandoned, input left uncommitted"));
            return;
        }
        DeadLetterCopy copy = DeadLetterCopy.of(l.value(), l.key(), l.original(), l.ours(), maxRequestSize, minimal);
        CompletableFuture<Void> sent = new CompletableFuture<>();
        try {
            Message<byte[]> m = Message.of(copy.value()).addMetadata(OutgoingKafkaRecordMetadata.<String>builder()
                    .withKey(copy.key()).withHeaders(copy.headers()).build());
            dlq.sendMessageAndForget(Delivery.tracked(m, sent));
        } catch (RuntimeException e) {
            sent.completeExceptionally(e);
        }
        sent.whenComplete((ok, err) -> {
            if (err == null) {
                metrics.deadLettered(l.reason().label());
                done.complete(null);
                return;
            }
            boolean tooLarge = causedBy(err, RecordTooLargeException.class);
            long delay = Math.min(MAX_BACKOFF_MS, FIRST_BACKOFF_MS << Math.min(n - 1, 10));
            metrics.deadLetterRetry();
            Throwable cause = rootCause(err);
            // Kafka's messages name topics, sizes and timeouts, never record content
            LOG.warnf("dead-letter write of %s (reason %s) failed, attempt %d: %s: %s; retrying in %d ms%s", l.from(),
                    l.reason().label(), n, cause.getClass().getName(), cause.getMessage(), delay,
                    tooLarge ? " without the value" : "");
            CompletableFuture.delayedExecutor(delay, TimeUnit.MILLISECONDS)
                    .execute(() -> attempt(l, n + 1, minimal || tooLarge, done));
        });
    }

    @PreDestroy
    void stop() {
        stopped = true;
    }

    private static boolean causedBy(Throwable t, Class<? extends Throwable> type) {
        for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (type.isInstance(c)) {
                return true;
            }
        }
        return false;
    }

    private static Throwable rootCause(Throwable t) {
        Throwable c = t;
        while (c.getCause() != null && c.getCause() != c) {
            c = c.getCause();
        }
        return c;
    }

    private static Header header(String key, String value) {
        return new RecordHeader(key, value.getBytes(StandardCharsets.UTF_8));
    }
}
