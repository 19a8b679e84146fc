package dev.saemonitor.publish;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.saemonitor.config.MonitorConfig;
import dev.saemonitor.config.Topics;
import dev.saemonitor.metrics.MonitorMetrics;
import dev.saemonitor.scoring.Verdict;
import io.quarkus.runtime.ShutdownEvent;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.ce.OutgoingCloudEventMetadata;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.reactive.messaging.OnOverflow;
import org.jboss.logging.Logger;

/**
 * Writes verdicts as CloudEvents (binary mode) keyed by conversation id: flagged ones to
 * {@code safety.flags}, all of them to {@code safety.verdicts} when enabled, and those with a category in the review
 * band ({@link ReviewBand}) to {@code safety.review} keyed by event id. The returned stage
 * completes when the broker has acknowledged every write, which is when the input may be committed.
 * A failed write is retried (see {@link RetryingWrite}) until it succeeds; on shutdown pending writes
 * end with a {@link java.util.concurrent.CancellationException}, so their input stays uncommitted.
 */
@ApplicationScoped
public class VerdictPublisher {
    private static final Logger LOG = Logger.getLogger(VerdictPublisher.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    public static final String CE_TYPE = "dev.saemonitor.verdict.v1";
    /** CloudEvents type of review-queue entries ({@code safety.review}). */
    public static final String REVIEW_CE_TYPE = "dev.saemonitor.review.v1";
    private static final URI CE_SOURCE = URI.create("urn:sae-safety-monitor");

    private final MutinyEmitter<String> flags;
    private final MutinyEmitter<String> verdicts;
    private final MutinyEmitter<String> review;
    private final double reviewBand;
    private final boolean publishAll;
    private final RetryingWrite retrying;

    public VerdictPublisher(@Channel(Topics.FLAGS_CHANNEL) @OnOverflow(value = OnOverflow.Strategy.BUFFER, bufferSize = 8192)
                            MutinyEmitter<String> flags,
                            @Channel(Topics.VERDICTS_CHANNEL) @OnOverflow(value = OnOverflow.Strategy.BUFFER, bufferSize = 8192)
                            MutinyEmitter<String> verdicts,
                            @Channel(Topics.REVIEW_CHANNEL) @OnOverflow(value = OnOverflow.Strategy.BUFFER, bufferSize = 8192)
                            MutinyEmitter<String> review, MonitorConfig config, MonitorMetrics metrics) {
        this.flags = flags;
        this.verdicts = verdicts;
        this.review = review;
        this.reviewBand = config.review().band();
        this.publishAll = config.publishAllVerdicts();
        this.retrying = new RetryingWrite(config.publish().retryBackoff(), config.publish().retryBackoffMax(),
                metrics::verdictWriteRetry);
    }

    public CompletionStage<Void> publish(Verdict v) {
        String json;
        try {
            json = JSON.writeValueAsString(v);
        } catch (JsonProcessingException e) {
            return CompletableFuture.failedFuture(e);
        }
        List<CompletableFuture<Void>> writes = new ArrayList<>(2);
        if (v.flagged()) {
            writes.add(send(flags, Topics.FLAGS_CHANNEL, v, json));
            LOG.infof("flag event=%s severity=%s categories=%s", v.eventId(), v.severity(),
                    v.categories().stream().filter(Verdict.CategoryScore::flagged)
                            .map(c -> c.name() + ":" + c.score()).toList());
        }
        if (publishAll) {
            writes.add(send(verdicts, Topics.VERDICTS_CHANNEL, v, json));
        }
        List<String> uncertain = ReviewBand.categoriesIn(v, reviewBand);
        if (!uncertain.isEmpty()) {
            writes.add(sendReview(v, uncertain));
        }
        return CompletableFuture.allOf(writes.toArray(CompletableFuture[]::new));
    }

    /** Writes still waiting for the broker (including retries). */
    public int pendingWrites() {
        return retrying.pending();
    }

    /** After the drain (priority 1): writes still retrying are abandoned, their input left uncommitted. */
    void onStop(@Observes @Priority(2) ShutdownEvent e) {
        retrying.stop();
    }

    /** The verdict with {@code "review": {"band", "categories"}} added, keyed by event id, to the review topic. */
    private CompletableFuture<Void> sendReview(Verdict v, List<String> categories) {
        com.fasterxml.jackson.databind.node.ObjectNode body = JSON.valueToTree(v);
        com.fasterxml.jackson.databind.node.ObjectNode r = body.putObject("review");
        r.put("band", reviewBand);
        categories.forEach(r.putArray("categories")::add);
        String json = body.toString();
        return retrying.write("review entry of event " + v.eventId() + " to " + Topics.REVIEW_CHANNEL, done -> {
            OutgoingCloudEventMetadata<Object> ce = OutgoingCloudEventMetadata.builder()
                    .withId("review-" + v.eventId()).withType(REVIEW_CE_TYPE).withSource(CE_SOURCE)
                    .withSubject(v.eventId()).withDataContentType("application/json").build();
            OutgoingKafkaRecordMetadata<String> kafka = OutgoingKafkaRecordMetadata.<String>builder()
                    .withKey(v.eventId()).build();
            review.sendMessageAndForget(Delivery.tracked(Message.of(json).addMetadata(ce).addMetadata(kafka), done));
        });
    }

    private CompletableFuture<Void> send(MutinyEmitter<String> emitter, String channel, Verdict v, String json) {
        return retrying.write("verdict of event " + v.eventId() + " to " + channel, done -> {
            OutgoingCloudEventMetadata<Object> ce = OutgoingCloudEventMetadata.builder()
                    .withId("verdict-" + v.eventId()).withType(CE_TYPE).withSource(CE_SOURCE)
                    .withSubject(v.conversationId()).withDataContentType("application/json").build();
            OutgoingKafkaRecordMetadata<String> kafka = OutgoingKafkaRecordMetadata.<String>builder()
                    .withKey(v.conversationId()).build();
            Message<String> m = Message.of(json).addMetadata(ce).addMetadata(kafka);
            emitter.sendMessageAndForget(Delivery.tracked(m, done));
        });
    }
}
