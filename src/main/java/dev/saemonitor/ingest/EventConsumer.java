package dev.saemonitor.ingest;

import dev.saemonitor.batch.InferenceQueue;
import dev.saemonitor.config.Topics;
import dev.saemonitor.metrics.MonitorMetrics;
import dev.saemonitor.publish.DeadLetterPublisher;
import dev.saemonitor.scoring.ScoringService;
import dev.saemonitor.scoring.Verdict;
import io.smallrye.reactive.messaging.kafka.api.IncomingKafkaRecordMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import org.apache.kafka.common.header.Header;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;

/**
 * Consumes {@code llm.events}: parse, dead-letter bad records, admit good ones under the in-flight
 * bound, and ack each record only after its verdict and its turn record (or its dead letter) are written. With the connector's
 * throttled commit strategy, an offset is committed only when it and every record before it are acked,
 * so a crash loses nothing and may repeat a verdict (consumers drop repeats by {@code eventId}).
 * Work refused or abandoned because the service is stopping ({@link CancellationException}) is neither
 * acked nor dead-lettered: its offset stays uncommitted and the partition's next owner re-reads it.
 */
@ApplicationScoped
public class EventConsumer {
    private static final Logger LOG = Logger.getLogger(EventConsumer.class);

    private final ScoringService scoring;
    private final InferenceQueue queue;
    private final EventScorer scorer;
    private final DeadLetterPublisher deadLetters;
    private final MonitorMetrics metrics;

    public EventConsumer(ScoringService scoring, InferenceQueue queue, EventScorer scorer, DeadLetterPublisher deadLetters,
                         MonitorMetrics metrics) {
        this.scoring = scoring;
        this.queue = queue;
        this.scorer = scorer;
        this.deadLetters = deadLetters;
        this.metrics = metrics;
    }

    @Incoming(Topics.EVENTS_CHANNEL)
    public CompletionStage<Void> consume(Message<byte[]> msg) {
        metrics.received("kafka");
        IncomingKafkaRecordMetadata<?, ?> meta = msg.getMetadata(IncomingKafkaRecordMetadata.class).orElseThrow();
        // the pack is loaded before the channel starts (ScoringService.awaitPack); admission bounds what is in flight
        return scoring.ready().thenCompose(s -> queue.admit()).handle((admitted, err) -> {
            if (err == null) {
                handle(msg, meta);
                return CompletableFuture.<Void>completedFuture(null);
            }
            if (cause(err) instanceof CancellationException) {
                // stopping: this record stays uncommitted, and a stage that never completes asks the channel for
                // no more records, so the consumer pauses instead of reading ahead while the drain runs
                LOG.debugf("stopping: %s-%d@%d left uncommitted for the next owner", meta.getTopic(), meta.getPartition(), meta.getOffset());
                return new CompletableFuture<Void>();
            }
            throw err instanceof CompletionException ce ? ce : new CompletionException(err);
        }).thenCompose(stage -> stage);
    }

    /** The record headers the parser reads (CloudEvents {@code ce_*} and content type), names lower-cased. */
    public static Map<String, String> parserHeaders(Iterable<Header> recordHeaders) {
        Map<String, String> headers = new HashMap<>();
        for (Header h : recordHeaders) {
            if (h.value() != null && (h.key().startsWith("ce_") || h.key().equalsIgnoreCase("content-type"))) {
                headers.put(h.key().toLowerCase(java.util.Locale.ROOT), new String(h.value(), StandardCharsets.UTF_8));
            }
        }
        return headers;
    }

    private static Throwable cause(Throwable err) {
        return err instanceof CompletionException && err.getCause() != null ? err.getCause() : err;
    }

    private void handle(Message<byte[]> msg, IncomingKafkaRecordMetadata<?, ?> meta) {
        Map<String, String> headers = parserHeaders(meta.getHeaders());
        String key = meta.getKey() == null ? null : meta.getKey().toString();
        String fallbackId = meta.getTopic() + "-" + meta.getPartition() + "-" + meta.getOffset();
        ParseResult r = scoring.parser().parse(msg.getPayload(), headers, key, fallbackId, meta.getTimestamp());
        if (!r.valid()) {
            deadLetter(msg, meta, r.reason(), r.detail());
            return;
        }
        scorer.scoreAndPublish(r.event(), new Verdict.Source(meta.getTopic(), meta.getPartition(), meta.getOffset()))
                .whenComplete((v, err) -> {
                    if (err != null && !(cause(err) instanceof CancellationException)) {
                        metrics.outcome("failed");
                        Throwable cause = cause(err);
                        LOG.errorf("event %s-%d@%d failed: %s: %s", meta.getTopic(), meta.getPartition(), meta.getOffset(),
                                cause.getClass().getName(), cause.getMessage());
                        // same topic, headers and vocabulary as bad input; the detail is fixed, the log has the message
                        deadLetter(msg, meta, DeadLetterReason.PROCESSING_FAILED, "scoring failed (" + cause.getClass().getSimpleName() + ")");
                        return;
                    }
                    finish(msg, err);
                });
    }

    /**
     * Writes the record to the dead-letter topic through {@link DeadLetterPublisher} (retried until the broker
     * has it) and acks it then. A write abandoned because the service stops leaves the record unacked, so its
     * offset stays uncommitted for the partition's next owner; nothing is nacked into the connector's own DLQ.
     */
    private void deadLetter(Message<byte[]> msg, IncomingKafkaRecordMetadata<?, ?> meta, DeadLetterReason reason, String detail) {
        LOG.debugf("dead-letter %s-%d@%d reason=%s", meta.getTopic(), meta.getPartition(), meta.getOffset(), reason.label());
        String key = meta.getKey() == null ? null : meta.getKey().toString();
        deadLetters.send(msg.getPayload(), key, meta.getHeaders(), reason, detail, meta.getTopic(), meta.getPartition(), meta.getOffset())
                .whenComplete((ok, err) -> {
                    queue.release();
                    if (err == null) {
                        if (reason != DeadLetterReason.PROCESSING_FAILED) {
                            metrics.outcome("dead_lettered");
                        }
                        msg.ack();
                    } else {
                        LOG.infof("dead letter of %s-%d@%d not written before shutdown; left uncommitted for the next owner",
                                meta.getTopic(), meta.getPartition(), meta.getOffset());
                    }
                });
    }

    private void finish(Message<byte[]> msg, Throwable err) {
        queue.release();
        if (err == null) {
            msg.ack();
        } else if (cause(err) instanceof CancellationException) {
            // stopping: neither acked nor dead-lettered, so the offset is not committed and the next owner re-reads it
            LOG.debugf("stopping: a record left uncommitted (%s)", cause(err).getMessage());
        } else {
            // the connector's dead-letter-queue failure strategy keeps the record, with the exception class as reason
            msg.nack(cause(err));
        }
    }
}
