package dev.saemonitor.ingest;

/** Why an event went to the dead-letter topic; the value is the header and the metric label. */
public enum DeadLetterReason {
    MALFORMED_JSON("malformed_json"),
    MISSING_TEXT("missing_text"),
    EMPTY_TEXT("empty_text"),
    INVALID_UTF8("invalid_utf8"),
    OVERSIZE("oversize"),
    UNKNOWN_SCHEMA("unknown_schema"),
    ACTIVATIONS_MISMATCH("activations_mismatch"),
    PROCESSING_FAILED("processing_failed");

    private final String label;

    DeadLetterReason(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }
}
