package dev.saemonitor.ingest;

/**
 * Why an event went to the dead-letter topic (or, over HTTP, was refused with 400): the one
 * vocabulary of the {@code dead-letter-reason} header, the HTTP error body and the metric labels.
 */
public enum DeadLetterReason {
    /** Not one JSON object: syntax, duplicate field names, content after the value, read limits. */
    MALFORMED_JSON("malformed_json"),
    /** No {@code text}, {@code messages} or {@code activations}, or a message without content. */
    MISSING_TEXT("missing_text"),
    /** Text that is empty or only whitespace. */
    EMPTY_TEXT("empty_text"),
    /** Bytes that are not UTF-8. */
    INVALID_UTF8("invalid_utf8"),
    /** Larger than {@code monitor.max-event-bytes}. */
    OVERSIZE("oversize"),
    /** CloudEvents spec version, schema version, role or time outside what schema 1 allows. */
    UNKNOWN_SCHEMA("unknown_schema"),
    /** A known field of the wrong JSON type (e.g. an object where a string belongs). */
    INVALID_FIELD("invalid_field"),
    /** A carried activations block that does not fit the pack's reader, layer or width. */
    ACTIVATIONS_MISMATCH("activations_mismatch"),
    /** No activations block, under a pack whose reader is external (the served model): it cannot read text itself. */
    ACTIVATIONS_REQUIRED("activations_required"),
    /** An OTLP topic's record that is not an export request in the topic's configured encoding (monitor.otel.*). */
    MALFORMED_OTLP("malformed_otlp"),
    /** A valid event whose scoring failed. */
    PROCESSING_FAILED("processing_failed");

    private final String label;

    DeadLetterReason(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }
}
