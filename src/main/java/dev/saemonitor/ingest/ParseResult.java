package dev.saemonitor.ingest;

/**
 * Parsing outcome as a value: an event, or a reason and a detail for the dead-letter header. The
 * detail names fields and sizes, never the content.
 */
public record ParseResult(LlmEvent event, DeadLetterReason reason, String detail) {
    public static ParseResult ok(LlmEvent e) {
        return new ParseResult(e, null, null);
    }

    public static ParseResult bad(DeadLetterReason reason, String detail) {
        return new ParseResult(null, reason, detail);
    }

    public boolean valid() {
        return event != null;
    }
}
