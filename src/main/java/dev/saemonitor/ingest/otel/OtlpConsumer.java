package dev.saemonitor.ingest.otel;

import dev.saemonitor.batch.InferenceQueue;
import dev.saemonitor.config.MonitorConfig;
import dev.saemonitor.config.Topics;
import dev.saemonitor.ingest.DeadLetterReason;
import dev.saemonitor.ingest.EventScorer;
import dev.saemonitor.metrics.MonitorMetrics;
import dev.saemonitor.publish.DeadLetterPublisher;
import dev.saemonitor.scoring.ScoringService;
import io.smallrye.reactive.messaging.kafka.api.IncomingKafkaRecordMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.function.BiFunction;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;

/**
 * Consumes the OTLP topics (monitor.otel.*): decodes each record ({@link OtlpDecoder}), maps it to events
 * ({@link GenAiMapper}), and scores them through {@link EventScorer} under the same in-flight bound as the
 * events topic, one admission per event ({@link EventFanOut}). The record is acked only once every one of its events has its
 * verdict and turn record written, so with the throttled commit strategy its offset is committed only then.
 * A record that does not decode is dead-lettered as {@code malformed_otlp}; one whose scoring failed as
 * {@code processing_failed} (its other verdicts stand; consumers drop repeats by eventId); work abandoned because
 * the service stops leaves the record unacked, for the partition's next owner.
 */
@ApplicationScoped
public class OtlpConsumer {
    /** The {@code source} label of the OTLP metrics. */
    public static final String SPANS = MonitorMetrics.OTLP_SPANS;
    public static final String LOGS = MonitorMetrics.OTLP_LOGS;
    private static final Logger LOG = Logger.getLogger(OtlpConsumer.class);

    private final ScoringService scoring;
    private final InferenceQueue queue;
    private final EventScorer scorer;
    private final DeadLetterPublisher deadLetters;
    private final MonitorMetrics metrics;
    private final MonitorConfig config;

    public OtlpConsumer(ScoringService scoring, InferenceQueue queue, EventScorer scorer, DeadLetterPublisher deadLetters,
                        MonitorMetrics metrics, MonitorConfig config) {
        this.scoring = scoring;
        this.queue = queue;
        this.scorer = scorer;
        this.deadLetters = deadLetters;
        this.metrics = metrics;
        this.config = config;
    }

    @Incoming(Topics.OTLP_SPANS_CHANNEL)
    public CompletionStage<Void> spans(Message<byte[]> msg) {
        return consume(msg, SPANS, (value, ctx) -> {
            OtlpDecoder.Decoded<io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest> d =
                    OtlpDecoder.traces(value, config.otel().spansEncoding());
            return d.failure() != null ? new Outcome(null, d.failure()) : new Outcome(GenAiMapper.spans(d.request(), ctx), null);
        });
    }

    @Incoming(Topics.OTLP_LOGS_CHANNEL)
    public CompletionStage<Void> logs(Message<byte[]> msg) {
        return consume(msg, LOGS, (value, ctx) -> {
            OtlpDecoder.Decoded<io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest> d =
                    OtlpDecoder.logs(value, config.otel().logsEncoding());
            return d.failure() != null ? new Outcome(null, d.failure()) : new Outcome(GenAiMapper.logs(d.request(), ctx), null);
        });
    }

    private record Outcome(Mapped mapped, String failure) {
    }

    private CompletionStage<Void> consume(Message<byte[]> msg, String source, BiFunction<byte[], Mapped.Context, Outcome> map) {
        metrics.otelRecord(source);
        IncomingKafkaRecordMetadata<?, ?> meta = msg.getMetadata(IncomingKafkaRecordMetadata.class).orElseThrow();
        String at = meta.getTopic() + "-" + meta.getPartition() + "-" + meta.getOffset();
        Outcome o;
        try {
            o = map.apply(msg.getPayload(), new Mapped.Context(config.otel().tenantAttribute(), config.maxEventBytes(), at,
                    meta.getTimestamp()));
        } catch (RuntimeException e) {
            // a decoder or mapper bug, but the record must still become a reason (as in EventParser): the class names it
            LOG.warnf("%s could not be mapped (%s at %s); dead-lettered as %s", at, e.getClass().getName(),
                    e.getStackTrace().length > 0 ? e.getStackTrace()[0] : "?", DeadLetterReason.MALFORMED_OTLP.label());
            o = new Outcome(null, "record could not be mapped (" + e.getClass().getSimpleName() + ")");
        }
        if (o.failure() != null) {
            // the next record waits for the dead letter, so a run of bad records cannot pile up unbounded writes
            return untilStopping(deadLetter(msg, meta, DeadLetterReason.MALFORMED_OTLP, o.failure()));
        }
        Mapped m = o.mapped();
        m.skipped().forEach((why, n) -> metrics.otelSkipped(source, why.label(), n));
        m.events().forEach(e -> metrics.otelMapped(source, e.role()));
        LOG.debugf("%s: %d events, %d parts skipped", at, m.events().size(), m.skipped().values().stream().mapToInt(i -> i).sum());
        if (m.events().isEmpty()) {
            return msg.ack();
        }
        return untilStopping(EventFanOut.run(m.events(), () -> scoring.ready().thenCompose(s -> queue.admit()), queue::release,
                scorer::scoreAndPublish, settled -> settle(msg, meta, settled)));
    }

    private void settle(Message<byte[]> msg, IncomingKafkaRecordMetadata<?, ?> meta, EventFanOut.Settled settled) {
        if (settled.written()) {
            msg.ack();
        } else if (settled.failures().stream().anyMatch(t -> t instanceof CancellationException)) {
            LOG.debugf("stopping: %s-%d@%d left uncommitted for the next owner", meta.getTopic(), meta.getPartition(), meta.getOffset());
        } else {
            settled.failures().forEach(t -> metrics.outcome("failed"));
            Throwable first = settled.failures().get(0);
            LOG.errorf("%d of %d events of %s-%d@%d failed: %s: %s", settled.failures().size(), settled.events(), meta.getTopic(),
                    meta.getPartition(), meta.getOffset(), first.getClass().getName(), first.getMessage());
            deadLetter(msg, meta, DeadLetterReason.PROCESSING_FAILED, "scoring failed (" + first.getClass().getSimpleName() + ")");
        }
    }

    /** Writes the record to the dead-letter topic and acks it then; a write abandoned at shutdown leaves it unacked. */
    private CompletableFuture<Void> deadLetter(Message<byte[]> msg, IncomingKafkaRecordMetadata<?, ?> meta, DeadLetterReason reason,
                                               String detail) {
        LOG.debugf("dead-letter %s-%d@%d reason=%s", meta.getTopic(), meta.getPartition(), meta.getOffset(), reason.label());
        String key = meta.getKey() == null ? null : meta.getKey().toString();
        return deadLetters.send(msg.getPayload(), key, meta.getHeaders(), reason, detail, meta.getTopic(), meta.getPartition(),
                meta.getOffset()).toCompletableFuture().thenCompose(ok -> {
                    if (reason != DeadLetterReason.PROCESSING_FAILED) {
                        metrics.outcome("dead_lettered");
                    }
                    return msg.ack();
                }).whenComplete((ok, err) -> {
                    if (err != null) {
                        LOG.infof("dead letter of %s-%d@%d not written before shutdown; left uncommitted for the next owner",
                                meta.getTopic(), meta.getPartition(), meta.getOffset());
                    }
                });
    }

    /** Stopping (admission or a write cancelled): a stage that never completes, so the channel asks for no more records. */
    private static CompletionStage<Void> untilStopping(CompletableFuture<Void> stage) {
        return stage.handle((ok, err) -> {
            if (err == null) {
                return CompletableFuture.<Void>completedFuture(null);
            }
            if (EventFanOut.cause(err) instanceof CancellationException) {
                return new CompletableFuture<Void>();
            }
            throw err instanceof CompletionException ce ? ce : new CompletionException(err);
        }).thenCompose(s -> s);
    }
}
