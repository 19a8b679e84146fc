package dev.saemonitor.conversation;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.saemonitor.scoring.Verdict;
import java.util.List;

/**
 * The verdict on a conversation after one of its turns, as published to {@code safety.conversations}
 * (keyed by conversation id, so a compacted topic holds each conversation's latest state). No text:
 * evidence names the event and the span inside it.
 *
 * @param turns  number of turns the conversation has had (not only those still held in state)
 * @param source the input record of the turn that produced this verdict (its {@code llm.events} coordinates); null
 *               when the turn record carried none
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ConversationVerdict(String conversationId, int turns, String lastEventId, boolean flagged,
                                  String severity, List<Category> categories, List<Evidence> evidence,
                                  Verdict.PackRef pack, @JsonInclude(JsonInclude.Include.ALWAYS) Verdict.Source source) {

    /** A verdict not (yet) tied to an input record. */
    public ConversationVerdict(String conversationId, int turns, String lastEventId, boolean flagged, String severity,
                               List<Category> categories, List<Evidence> evidence, Verdict.PackRef pack) {
        this(conversationId, turns, lastEventId, flagged, severity, categories, evidence, pack, null);
    }

    /** The same verdict tied to the input record of its latest turn. */
    public ConversationVerdict withSource(Verdict.Source at) {
        return new ConversationVerdict(conversationId, turns, lastEventId, flagged, severity, categories, evidence, pack, at);
    }

    /**
     * One category's conversation score against the conversation threshold; {@code point} (packs with two operating
     * points) is {@code page} when a turn in the window reached the category's page point, {@code review} when the
     * category is flagged below it, null otherwise.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Category(String name, double score, double threshold, boolean flagged, String point) {
        public Category(String name, double score, double threshold, boolean flagged) {
            this(name, score, threshold, flagged, null);
        }
    }

    /** A feature that drove a category's conversation score, in the event where it fired. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Evidence(String eventId, String category, int feature, String label, double activation,
                           Verdict.Span span) {
    }
}
