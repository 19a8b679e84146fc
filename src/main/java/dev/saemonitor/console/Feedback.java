package dev.saemonitor.console;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.Locale;

/**
 * One review as written to {@code safety.feedback} (keyed by event id): the documented input of recalibration.
 *
 * @param kind           {@code event} (a flag or a review-queue entry) or {@code conversation}
 * @param eventId        the reviewed event (a conversation: the event of the turn whose verdict was reviewed)
 * @param score          the category's score in the reviewed verdict, beside its threshold then
 * @param note           the reviewer's optional note (at most {@link #MAX_NOTE} characters)
 * @param time           when the review was made (ISO-8601 UTC)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Feedback(String eventId, String kind, String conversationId, String category, String label,
                       double score, double threshold, String reviewer, String time, String note, Pack pack) {
    public static final int MAX_NOTE = 500;

    /** The pack that produced the reviewed verdict. */
    public record Pack(String name, String version, String sha256) {
    }

    /** What a reviewer can say about a flagged category. */
    public enum Label {
        true_positive, false_positive, unsure;

        /** The label of a form value, or null when it is none. */
        public static Label parse(String s) {
            if (s == null) {
                return null;
            }
            try {
                return valueOf(s.trim().toLowerCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                return null;
            }
        }
    }
}
