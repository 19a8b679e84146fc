package dev.saemonitor.feedback;

import com.fasterxml.jackson.databind.JsonNode;
import dev.saemonitor.console.Feedback.Label;
import java.util.Locale;

/**
 * One reviewer's judgement of one category of one verdict, as the console writes it to {@code safety.feedback}
 * (the CloudEvent's data) and as {@code recalibrate} reads it back:
 * {@code {"eventId", "kind": "event" | "conversation", "category", "label": "true_positive" | "false_positive" |
 * "unsure", "reviewer", "time", "pack": {"version", …}, "score", "threshold", "note"?}} ({@code packVersion} accepted
 * for {@code pack.version}, a missing {@code kind} read as {@code event}). Carries no text.
 */
public record Review(String eventId, String kind, String category, Label label, String reviewer, String time,
                     String packVersion) {

    /** A review of a conversation verdict (its {@code eventId} is the latest turn's): not an event's flag. */
    public boolean ofConversation() {
        return "conversation".equals(kind);
    }

    /** The console's label, or {@code tp} / {@code fp} / hyphenated or upper-case spellings of it (null: none). */
    static Label label(String s) {
        String k = s.strip().toLowerCase(Locale.ROOT).replace('-', '_');
        return Label.parse(k.equals("tp") ? "true_positive" : k.equals("fp") ? "false_positive" : k);
    }

    /**
     * A review from its JSON, or an {@link IllegalArgumentException} saying which field is wrong ({@code where}
     * names the file and line or the topic and offset).
     */
    public static Review of(JsonNode n, String where) {
        String eventId = text(n, "eventId", where);
        String category = text(n, "category", where);
        Label label = label(text(n, "label", where));
        if (label == null) {
            throw new IllegalArgumentException(where + ": \"label\" must be true_positive, false_positive or unsure, got \""
                    + n.get("label").asText() + "\"");
        }
        String kind = n.path("kind").asText("event");
        if (!kind.equals("event") && !kind.equals("conversation")) {
            throw new IllegalArgumentException(where + ": \"kind\" must be event or conversation, got \"" + kind + "\"");
        }
        String version = n.path("packVersion").isTextual() ? n.get("packVersion").asText() : n.path("pack").path("version").asText(null);
        return new Review(eventId, kind, category, label, n.path("reviewer").asText(null), n.path("time").asText(null), version);
    }

    private static String text(JsonNode n, String field, String where) {
        JsonNode v = n.get(field);
        if (v == null || !v.isTextual() || v.asText().isBlank()) {
            throw new IllegalArgumentException(where + ": needs a string \"" + field + "\"");
        }
        return v.asText();
    }
}
