package dev.saemonitor.feedback;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Locale;

/**
 * One reviewer's judgement of one category of one verdict, as the console writes it to {@code safety.feedback}
 * (the CloudEvent's data) and as {@code recalibrate} reads it back:
 * {@code {"eventId", "category", "label": "true_positive" | "false_positive" | "unsure", "reviewer", "time",
 * "packVersion", "note"?}}. Carries no text.
 */
public record Review(String eventId, String category, Label label, String reviewer, String time, String packVersion) {

    /** What the reviewer said of the flag (or of the near miss, for a review-queue item). */
    public enum Label {
        true_positive, false_positive, unsure;

        /** {@code true_positive}, {@code tp}, {@code TRUE-POSITIVE} … */
        static Label parse(String s) {
            String k = s.strip().toLowerCase(Locale.ROOT).replace('-', '_');
            return switch (k) {
                case "true_positive", "tp" -> true_positive;
                case "false_positive", "fp" -> false_positive;
                case "unsure" -> unsure;
                default -> null;
            };
        }
    }

    /**
     * A review from its JSON, or an {@link IllegalArgumentException} saying which field is wrong ({@code where}
     * names the file and line or the topic and offset).
     */
    public static Review of(JsonNode n, String where) {
        String eventId = text(n, "eventId", where);
        String category = text(n, "category", where);
        Label label = Label.parse(text(n, "label", where));
        if (label == null) {
            throw new IllegalArgumentException(where + ": \"label\" must be true_positive, false_positive or unsure, got \""
                    + n.get("label").asText() + "\"");
        }
        return new Review(eventId, category, label, n.path("reviewer").asText(null), n.path("time").asText(null),
                n.path("packVersion").asText(null));
    }

    private static String text(JsonNode n, String field, String where) {
        JsonNode v = n.get(field);
        if (v == null || !v.isTextual() || v.asText().isBlank()) {
            throw new IllegalArgumentException(where + ": needs a string \"" + field + "\"");
        }
        return v.asText();
    }
}
