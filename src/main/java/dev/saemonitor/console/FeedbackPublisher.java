package dev.saemonitor.console;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.saemonitor.config.Topics;
import dev.saemonitor.metrics.MonitorMetrics;
import io.quarkus.security.identity.SecurityIdentity;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.ce.OutgoingCloudEventMetadata;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import java.net.URI;
import java.time.Duration;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Message;

/**
 * Writes reviews to {@code safety.feedback} as CloudEvents (binary mode, {@code ce_type=dev.saemonitor.feedback.v1})
 * keyed by event id, and counts them by category and label once the broker has them.
 */
@ApplicationScoped
public class FeedbackPublisher {
    public static final String CE_TYPE = "dev.saemonitor.feedback.v1";
    private static final URI CE_SOURCE = URI.create("urn:sae-safety-monitor:console");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration WRITE_TIMEOUT = Duration.ofSeconds(10);

    private final MutinyEmitter<String> feedback;
    private final MonitorMetrics metrics;
    private final ConsoleIndex index;

    public FeedbackPublisher(@Channel(Topics.FEEDBACK_CHANNEL) MutinyEmitter<String> feedback, MonitorMetrics metrics,
                             ConsoleIndex index) {
        this.feedback = feedback;
        this.metrics = metrics;
        this.index = index;
    }

    /**
     * Saves a reviewer's review: written to the topic (see {@link #publish}), audit-logged, and listed in this
     * console's index at once (the index feed brings it to the other replicas).
     */
    public void save(Feedback f, SecurityIdentity who) {
        publish(f);
        TextAudit.reviewed(who, f);
        index.add(IndexEntry.of(IndexEntry.Kind.feedback, JSON.valueToTree(f), java.time.Instant.now()));
    }

    /** Writes one review and waits for the broker (on a worker thread: the console's form handler). */
    public void publish(Feedback f) {
        String json;
        try {
            json = JSON.writeValueAsString(f);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("review of event " + f.eventId() + " does not serialise", e);
        }
        OutgoingCloudEventMetadata<Object> ce = OutgoingCloudEventMetadata.builder()
                .withId("feedback-" + f.eventId() + "-" + f.category() + "-" + f.time()).withType(CE_TYPE)
                .withSource(CE_SOURCE).withSubject(f.eventId()).withDataContentType("application/json").build();
        OutgoingKafkaRecordMetadata<String> kafka = OutgoingKafkaRecordMetadata.<String>builder().withKey(f.eventId()).build();
        feedback.sendMessage(Message.of(json).addMetadata(ce).addMetadata(kafka)).await().atMost(WRITE_TIMEOUT);
        metrics.review(f.category(), f.label());
    }
}
