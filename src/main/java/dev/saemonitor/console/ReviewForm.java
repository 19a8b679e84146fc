package dev.saemonitor.console;

import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.security.identity.SecurityIdentity;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/** Turns a submitted review form into a {@link Feedback}, or says what is wrong with it (a value, not an exception). */
final class ReviewForm {
    private ReviewForm() {
    }

    /** A review or the reason it was refused. */
    record Result(Feedback feedback, String error) {
    }

    static Result parse(JsonNode verdict, String kind, String eventId, String category, String label, String note,
                        SecurityIdentity who) {
        Feedback.Label l = Feedback.Label.parse(label);
        if (l == null) {
            return new Result(null, "label: expected true_positive, false_positive or unsure");
        }
        JsonNode cat = null;
        for (JsonNode c : verdict.path("categories")) {
            if (c.path("name").asText().equals(category)) {
                cat = c;
            }
        }
        if (cat == null) {
            return new Result(null, "category: not a category of this verdict");
        }
        String n = note == null || note.isBlank() ? null : note.strip();
        if (n != null && n.length() > Feedback.MAX_NOTE) {
            return new Result(null, "note: at most " + Feedback.MAX_NOTE + " characters, got " + n.length());
        }
        JsonNode p = verdict.path("pack");
        return new Result(new Feedback(eventId, kind, verdict.path("conversationId").asText(null), category, l.name(),
                cat.path("score").asDouble(), cat.path("threshold").asDouble(), who.getPrincipal().getName(),
                Instant.now().truncatedTo(ChronoUnit.MILLIS).toString(), n,
                new Feedback.Pack(p.path("name").asText(null), p.path("version").asText(null), p.path("sha256").asText(null))),
                null);
    }
}
