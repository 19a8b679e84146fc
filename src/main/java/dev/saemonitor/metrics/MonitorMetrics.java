package dev.saemonitor.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Every meter the service exports (docs/metrics.md is the contract). Label values are bounded:
 * catalog categories and features, fixed reasons and stages, and at most {@code max-tenants} tenants.
 */
@ApplicationScoped
public class MonitorMetrics {
    public static final String EVENTS_RECEIVED = "sae.monitor.events.received";
    public static final String EVENTS = "sae.monitor.events";
    public static final String DLQ = "sae.monitor.dlq";
    public static final String DLQ_WRITE_RETRIES = "sae.monitor.dlq.write.retries";
    public static final String HTTP_REJECTED = "sae.monitor.http.rejected";
    public static final String FLAGS = "sae.monitor.flags";
    public static final String CATEGORY_SCORE = "sae.monitor.category.score";
    public static final String STAGE = "sae.monitor.stage";
    public static final String BATCH_EVENTS = "sae.monitor.batch.events";
    public static final String BATCH_TOKENS = "sae.monitor.batch.tokens";
    public static final String END_TO_END = "sae.monitor.end.to.end";
    public static final String CONSUMER_LAG = "sae.monitor.consumer.lag.records";
    public static final String INFLIGHT = "sae.monitor.inflight.events";
    public static final String LAST_PROCESSED = "sae.monitor.last.processed.timestamp.seconds";
    public static final String PACK_INFO = "sae.monitor.pack.info";
    public static final String PACK_LOAD_FAILURES = "sae.monitor.pack.load.failures";
    public static final String FEATURE_ACTIVE = "sae.monitor.feature.active.events";
    public static final String FEATURE_EXPECTED = "sae.monitor.feature.expected.rate";
    public static final String ALERTS_PUSHED = "sae.monitor.alerts.pushed";
    public static final String PROVIDER_INFO = "sae.monitor.execution.provider.info";
    public static final String VERDICT_WRITE_RETRIES = "sae.monitor.verdict.write.retries";
    public static final String CONVERSATIONS_TRACKED = "sae.monitor.conversations.tracked";
    public static final String CONVERSATION_STATE_BYTES = "sae.monitor.conversation.state.bytes";
    public static final String CONVERSATION_VERDICTS = "sae.monitor.conversation.verdicts";
    public static final String CONVERSATIONS_FLAGGED = "sae.monitor.conversations.flagged";
    public static final String CONVERSATIONS_EXPIRED = "sae.monitor.conversations.expired";
    public static final String CONVERSATION_TURNS_REPEATED = "sae.monitor.conversation.turns.repeated";
    public static final String CONVERSATION_RESTORE = "sae.monitor.conversation.restore";
    public static final String CONVERSATION_RESTORED_RECORDS = "sae.monitor.conversation.restored.records";
    public static final String CONVERSATION_READY = "sae.monitor.conversation.state.ready.seconds";
    public static final String REVIEWS = "sae.monitor.reviews";
    public static final String OTEL_RECORDS = "sae.monitor.otel.records.received";
    public static final String OTEL_EVENTS = "sae.monitor.otel.events.mapped";
    public static final String OTEL_SKIPPED = "sae.monitor.otel.skipped";

    public static final String TAG_OUTCOME = "outcome";
    public static final String TAG_REASON = "reason";
    public static final String TAG_CATEGORY = "category";
    public static final String TAG_SEVERITY = "severity";
    public static final String TAG_TENANT = "tenant";
    public static final String TAG_STAGE = "stage";
    public static final String TAG_SOURCE = "source";
    public static final String TAG_FEATURE = "feature";
    public static final String TAG_LABEL = "label";
    public static final String TAG_ROLE = "role";
    public static final String OTHER_TENANT = "other";
    public static final String NO_TENANT = "none";
    /** The {@code source} label values of the OpenTelemetry input's metrics: the exporter's topic kinds. */
    public static final String OTLP_SPANS = "otlp_spans";
    public static final String OTLP_LOGS = "otlp_logs";

    private static final double[] SCORE_BUCKETS = {0.05, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 0.99, 1.0};

    private final MeterRegistry registry;
    private final AtomicLong consumerLag = new AtomicLong();
    private final AtomicLong inflight = new AtomicLong();
    private final AtomicLong lastProcessed = new AtomicLong();
    private final Set<String> tenants = ConcurrentHashMap.newKeySet();
    private final Map<String, Timer> stages = new ConcurrentHashMap<>();
    private final Map<String, Counter> featureCounters = new ConcurrentHashMap<>();
    private final DistributionSummary batchEvents;
    private final DistributionSummary batchTokens;
    private final Timer endToEnd;
    private final Counter verdictWriteRetries;
    private volatile int maxTenants = 50;

    public MonitorMetrics(MeterRegistry registry) {
        this.registry = registry;
        Gauge.builder(CONSUMER_LAG, consumerLag, AtomicLong::get).description("records behind the log end on the events topic").register(registry);
        Gauge.builder(INFLIGHT, inflight, AtomicLong::get).description("events accepted but not yet published").register(registry);
        Gauge.builder(LAST_PROCESSED, lastProcessed, AtomicLong::get).description("unix time of the last published verdict").register(registry);
        batchEvents = DistributionSummary.builder(BATCH_EVENTS).description("events per inference batch")
                .serviceLevelObjectives(1, 2, 4, 8, 16, 32, 64, 128).register(registry);
        batchTokens = DistributionSummary.builder(BATCH_TOKENS).description("tokens per inference batch")
                .serviceLevelObjectives(64, 128, 256, 512, 1024, 2048, 4096, 8192, 16384).register(registry);
        endToEnd = Timer.builder(END_TO_END).description("event time to verdict published")
                .serviceLevelObjectives(ms(10), ms(25), ms(50), ms(100), ms(250), ms(500), ms(1000), ms(2500), ms(5000),
                        ms(10000), ms(30000), ms(60000)).register(registry);
        Counter.builder(PACK_LOAD_FAILURES).description("model pack loads refused").register(registry);
        verdictWriteRetries = Counter.builder(VERDICT_WRITE_RETRIES)
                .description("verdict writes that failed and were retried (the broker was away or refused the write)").register(registry);
        Counter.builder(DLQ_WRITE_RETRIES).description("dead-letter writes that failed and were retried").register(registry);
        for (String o : new String[] {"scored", "dead_lettered", "rejected", "failed"}) {
            Counter.builder(EVENTS).tag(TAG_OUTCOME, o).description("events finished, by outcome").register(registry);
        }
        for (String s : new String[] {"kafka", "http"}) {
            Counter.builder(EVENTS_RECEIVED).tag(TAG_SOURCE, s).description("events received before any check").register(registry);
        }
        for (String s : new String[] {OTLP_SPANS, OTLP_LOGS}) {
            registerOtelSource(s);
        }
        for (String o : new String[] {"flagged", "clear"}) {
            Counter.builder(CONVERSATION_VERDICTS).tag(TAG_OUTCOME, o).description("conversation verdicts published, by outcome")
                    .register(registry);
        }
        Counter.builder(CONVERSATIONS_EXPIRED).description("conversations dropped from state after the idle expiry").register(registry);
        Counter.builder(CONVERSATION_TURNS_REPEATED).description("turn records whose event id the conversation already held (dropped)")
                .register(registry);
        Counter.builder(CONVERSATION_RESTORED_RECORDS).description("changelog records restored into conversation state").register(registry);
        for (String o : new String[] {"sent", "failed"}) {
            Counter.builder(ALERTS_PUSHED).tag(TAG_OUTCOME, o).description("per-event alerts pushed to Alertmanager").register(registry);
        }
    }

    /** The OpenTelemetry input's series for one source topic kind (otlp_spans, otlp_logs), registered at zero. */
    private void registerOtelSource(String source) {
        Counter.builder(OTEL_RECORDS).tag(TAG_SOURCE, source).description("records read from an OTLP topic, before decoding")
                .register(registry);
        for (String role : new String[] {"prompt", "completion"}) {
            otelMappedCounter(source, role);
        }
    }

    public void otelRecord(String source) {
        registry.counter(OTEL_RECORDS, TAG_SOURCE, source).increment();
    }

    public void otelMapped(String source, String role) {
        otelMappedCounter(source, role).increment();
    }

    private Counter otelMappedCounter(String source, String role) {
        return Counter.builder(OTEL_EVENTS).tags(TAG_SOURCE, source, TAG_ROLE, role)
                .description("prompt and completion events mapped from OTLP spans and log records").register(registry);
    }

    /** Spans, log records or message sets of a decoded OTLP record that gave no event (not dead-lettered). */
    public void otelSkipped(String source, String reason, int n) {
        Counter.builder(OTEL_SKIPPED).tags(TAG_SOURCE, source, TAG_REASON, reason)
                .description("OTLP spans, log records or message sets skipped, by reason").register(registry).increment(n);
    }

    private static Duration ms(long v) {
        return Duration.ofMillis(v);
    }

    public void verdictWriteRetry() {
        verdictWriteRetries.increment();
    }

    public void setMaxTenants(int n) {
        maxTenants = n;
    }

    public void received(String source) {
        registry.counter(EVENTS_RECEIVED, TAG_SOURCE, source).increment();
    }

    public void outcome(String outcome) {
        registry.counter(EVENTS, TAG_OUTCOME, outcome).increment();
    }

    /** A record the broker acknowledged on the dead-letter topic (counted then, not when it was found bad). */
    public void deadLettered(String reason) {
        Counter.builder(DLQ).tag(TAG_REASON, reason).description("records written to the dead-letter topic").register(registry).increment();
    }

    public void deadLetterRetry() {
        registry.counter(DLQ_WRITE_RETRIES).increment();
    }

    /** A request to the HTTP scoring endpoint refused with 400 (nothing is written to the dead-letter topic). */
    public void httpRejected(String reason) {
        Counter.builder(HTTP_REJECTED).tag(TAG_REASON, reason).description("HTTP scoring requests refused with 400")
                .register(registry).increment();
        outcome("rejected");
    }

    public void flag(String category, String severity, String tenant) {
        Counter.builder(FLAGS).tags(Tags.of(TAG_CATEGORY, category, TAG_SEVERITY, severity, TAG_TENANT, tenantLabel(tenant)))
                .description("flagged verdicts per category").register(registry).increment();
    }

    /** Registers a category's series up front so dashboards and rules see zeros, not absence. */
    public void registerCategory(String category, String severity) {
        Counter.builder(FLAGS).tags(Tags.of(TAG_CATEGORY, category, TAG_SEVERITY, severity, TAG_TENANT, NO_TENANT))
                .description("flagged verdicts per category").register(registry);
        scoreSummary(category);
        for (String label : REVIEW_LABELS) {
            Counter.builder(REVIEWS).tags(Tags.of(TAG_CATEGORY, category, TAG_LABEL, label))
                    .description("console reviews, by category and label").register(registry);
        }
    }

    /** The labels a console review can carry (console.Feedback.Label), registered at zero per category. */
    static final java.util.List<String> REVIEW_LABELS = java.util.List.of("true_positive", "false_positive", "unsure");

    public void score(String category, double score) {
        scoreSummary(category).record(score);
    }

    private DistributionSummary scoreSummary(String category) {
        return DistributionSummary.builder(CATEGORY_SCORE).tag(TAG_CATEGORY, category)
                .description("score of every scored event per category").serviceLevelObjectives(SCORE_BUCKETS)
                .register(registry);
    }

    public void stage(String stage, long nanos) {
        stages.computeIfAbsent(stage, s -> Timer.builder(STAGE).tag(TAG_STAGE, s).description("per-batch time per stage")
                .serviceLevelObjectives(ms(1), ms(2), ms(5), ms(10), ms(25), ms(50), ms(100), ms(250), ms(500), ms(1000),
                        ms(2500), ms(5000))
                .register(registry)).record(nanos, TimeUnit.NANOSECONDS);
    }

    public void batch(int events, int tokens) {
        batchEvents.record(events);
        batchTokens.record(tokens);
    }

    public void endToEnd(Duration d) {
        endToEnd.record(d.isNegative() ? Duration.ZERO : d);
        lastProcessed.set(System.currentTimeMillis() / 1000);
    }

    public AtomicLong inflight() {
        return inflight;
    }

    public void consumerLag(long records) {
        consumerLag.set(records);
    }

    public void packInfo(String name, String version, String sha256) {
        Gauge.builder(PACK_INFO, () -> 1).tags("pack", name, "version", version, "sha256", sha256)
                .description("the loaded model pack").register(registry);
    }

    public void packLoadFailure() {
        registry.counter(PACK_LOAD_FAILURES).increment();
    }

    public void provider(String provider) {
        Gauge.builder(PROVIDER_INFO, () -> 1).tag("provider", provider).description("ONNX Runtime execution provider in use")
                .register(registry);
    }

    public void expectedRate(String category, int feature, double rate) {
        Gauge.builder(FEATURE_EXPECTED, () -> rate).tags(TAG_CATEGORY, category, TAG_FEATURE, String.valueOf(feature))
                .description("fraction of calibration events in which the feature fired").register(registry);
        featureCounter(category, feature);
    }

    public void featureActive(String category, int feature) {
        featureCounter(category, feature).increment();
    }

    private Counter featureCounter(String category, int feature) {
        // hundreds of catalog features can fire per verdict: look the counter up, do not rebuild its id
        return featureCounters.computeIfAbsent(category + '\u0000' + feature, k -> Counter.builder(FEATURE_ACTIVE)
                .tags(TAG_CATEGORY, category, TAG_FEATURE, String.valueOf(feature))
                .description("scored events in which a catalog feature fired").register(registry));
    }

    /** Conversation state's gauges: conversations and bytes held here, seconds from start to running (NaN before). */
    public void conversationGauges(java.util.function.Supplier<Number> tracked, java.util.function.Supplier<Number> bytes,
                                   java.util.function.Supplier<Number> readySeconds) {
        Gauge.builder(CONVERSATIONS_TRACKED, tracked).description("conversations held in this replica's conversation state")
                .register(registry);
        Gauge.builder(CONVERSATION_STATE_BYTES, bytes).baseUnit("bytes")
                .description("size of the conversation state held by this replica (keys and values)").register(registry);
        Gauge.builder(CONVERSATION_READY, readySeconds)
                .description("seconds from the start of conversation state until it first ran, stores restored").register(registry);
    }

    public void conversationVerdict(boolean flagged) {
        registry.counter(CONVERSATION_VERDICTS, TAG_OUTCOME, flagged ? "flagged" : "clear").increment();
    }

    /** A conversation newly flagged in a category (once until the category clears or the conversation expires). */
    public void conversationFlagged(String category, String severity, String tenant) {
        Counter.builder(CONVERSATIONS_FLAGGED).tags(Tags.of(TAG_CATEGORY, category, TAG_SEVERITY, severity, TAG_TENANT, tenantLabel(tenant)))
                .description("conversations newly flagged per category").register(registry).increment();
    }

    /** Registers a category's conversation series up front, like {@link #registerCategory}. */
    public void registerConversationCategory(String category, String severity) {
        Counter.builder(CONVERSATIONS_FLAGGED).tags(Tags.of(TAG_CATEGORY, category, TAG_SEVERITY, severity, TAG_TENANT, NO_TENANT))
                .description("conversations newly flagged per category").register(registry);
    }

    public void conversationExpired() {
        registry.counter(CONVERSATIONS_EXPIRED).increment();
    }

    public void repeatedTurn() {
        registry.counter(CONVERSATION_TURNS_REPEATED).increment();
    }

    public void conversationRecordsRestored(long n) {
        registry.counter(CONVERSATION_RESTORED_RECORDS).increment(n);
    }

    /** One store partition restored from its changelog. */
    public void conversationRestore(long nanos) {
        Timer.builder(CONVERSATION_RESTORE).description("changelog restore of one conversation-state partition")
                .serviceLevelObjectives(ms(100), ms(500), ms(1000), ms(2500), ms(5000), ms(10000), ms(30000), ms(60000))
                .register(registry).record(nanos, TimeUnit.NANOSECONDS);
    }

    /** A console review of a flagged (or review-queue) category: true_positive, false_positive or unsure. */
    public void review(String category, String label) {
        Counter.builder(REVIEWS).tags(Tags.of(TAG_CATEGORY, category, TAG_LABEL, label))
                .description("console reviews, by category and label").register(registry).increment();
    }

    public void alertPushed(boolean ok) {
        registry.counter(ALERTS_PUSHED, TAG_OUTCOME, ok ? "sent" : "failed").increment();
    }

    /**
     * The tenant as a label value: itself for the first {@code max-tenants} well-formed tenants,
     * {@code other} beyond, {@code none} when absent. Alerts use the same value so inhibition matches.
     */
    public String tenantLabel(String tenant) {
        if (tenant == null || tenant.isBlank()) {
            return NO_TENANT;
        }
        if (tenants.contains(tenant)) {
            return tenant;
        }
        if (tenants.size() < maxTenants && tenant.length() <= 64 && tenant.matches("[A-Za-z0-9._-]+")) {
            tenants.add(tenant);
            return tenant;
        }
        return OTHER_TENANT;
    }
}
