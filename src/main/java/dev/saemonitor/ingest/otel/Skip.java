package dev.saemonitor.ingest.otel;

/**
 * Why a decoded span, log record or message set yielded no event: the {@code reason} label of
 * {@code sae_monitor_otel_skipped_total}. Skipped records are counted, not dead-lettered: most telemetry
 * on these topics is not GenAI at all.
 */
public enum Skip {
    /** No GenAI attribute ({@code gen_ai.*}) and no GenAI event name: ordinary telemetry. */
    NOT_GENAI("not_genai"),
    /** A GenAI record without text content (content capture off, or only tool calls or media parts). */
    NO_CONTENT("no_content"),
    /** GenAI content in a shape the conventions do not define (messages that are not a JSON array of objects, a body that is neither a string nor a map, a non-string content). */
    INVALID_CONTENT("invalid_content"),
    /** Text that is only whitespace. */
    EMPTY_TEXT("empty_text"),
    /** Text larger than monitor.max-event-bytes. */
    OVERSIZE("oversize");

    private final String label;

    Skip(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }
}
