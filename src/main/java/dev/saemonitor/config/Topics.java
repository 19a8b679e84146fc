package dev.saemonitor.config;

import java.util.List;
import java.util.Map;

/** Channel names (as the code and tests use them) and the default topic names behind them. */
public final class Topics {
    public static final String EVENTS_CHANNEL = "llm-events";
    public static final String FLAGS_CHANNEL = "safety-flags";
    public static final String VERDICTS_CHANNEL = "safety-verdicts";
    public static final String DLQ_CHANNEL = "llm-events-dlq";
    public static final String TURNS_CHANNEL = "safety-turns";
    public static final String REVIEW_CHANNEL = "safety-review";
    public static final String FEEDBACK_CHANNEL = "safety-feedback";
    public static final String OTLP_SPANS_CHANNEL = "otlp-spans";
    public static final String OTLP_LOGS_CHANNEL = "otlp-logs";

    public static final String EVENTS = "llm.events";
    public static final String FLAGS = "safety.flags";
    public static final String VERDICTS = "safety.verdicts";
    public static final String DLQ = "llm.events.dlq";
    /** Internal: one turn record (features and scores, no text) per scored event, keyed by conversation id. */
    public static final String TURNS = "safety.turns";
    /** One conversation verdict per turn, keyed by conversation id; compacted, so it holds each conversation's latest. */
    public static final String CONVERSATIONS = "safety.conversations";
    /** Verdicts with a category scoring just below its threshold (monitor.review.band), keyed by event id. */
    public static final String REVIEW = "safety.review";
    /** Reviews from the triage console (true/false positive, unsure), keyed by event id. */
    public static final String FEEDBACK = "safety.feedback";
    /** The OpenTelemetry Collector Kafka exporter's default topics for traces and logs (monitor.otel.*). */
    public static final String OTLP_SPANS = "otlp_spans";
    public static final String OTLP_LOGS = "otlp_logs";
    public static final List<String> ALL_DEFAULTS = List.of(EVENTS, FLAGS, VERDICTS, DLQ, TURNS, CONVERSATIONS, REVIEW, FEEDBACK,
            OTLP_SPANS, OTLP_LOGS);
    /** Topic configs the default topics are created with (the others take the broker's defaults). */
    public static final Map<String, Map<String, String>> CONFIGS = Map.of(CONVERSATIONS, Map.of("cleanup.policy", "compact"));
    public static final int DEFAULT_PARTITIONS = 4;

    private Topics() {
    }
}
