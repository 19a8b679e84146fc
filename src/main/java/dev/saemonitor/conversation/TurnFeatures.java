package dev.saemonitor.conversation;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.saemonitor.scoring.Verdict;
import java.util.List;

/**
 * What conversation scoring keeps of one turn (one scored event): never its text, only scores, pooled feature
 * values and evidence spans that point into the event. The event pipeline computes it beside the event verdict
 * ({@link ConversationScorer#turn}); conversation state stores a bounded list of them per conversation.
 *
 * @param eventScores     raw event score per catalog category, in catalog order
 * @param features        conversation-head feature ids that fired in this turn, ascending
 * @param values          per feature: its turn value (the maximum over the turn's segments of the segment mean,
 *                        a segment shorter than the segment width averaged over the width)
 * @param evidence        per category, the features that drove this turn's score, with spans in the event
 * @param spans           per feature: where in the event it fired most (the strongest token of its best segment);
 *                        null when the event's text was not known (activations carried in the event)
 * @param segmentTerms    per category (catalog order), per term of its event head: the term's pooled value over
 *                        the turn's best segment for that category (what scoring across turns joins)
 * @param segmentTokens   per category: that segment's token count (0: the turn has no tokens)
 * @param segmentSpans    per category: that segment's span in the event (null elements or list without text)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record TurnFeatures(String eventId, String role, long timeMs, int tokens, double[] eventScores,
                           int[] features, float[] values, List<Verdict.Evidence> evidence, List<Verdict.Span> spans,
                           float[][] segmentTerms, int[] segmentTokens, List<Verdict.Span> segmentSpans) {

    /** A turn with event scores and head features only (it cannot be joined with other turns). */
    public TurnFeatures(String eventId, String role, long timeMs, int tokens, double[] eventScores,
                        int[] features, float[] values, List<Verdict.Evidence> evidence) {
        this(eventId, role, timeMs, tokens, eventScores, features, values, evidence, null, null, null, null);
    }

    /** Where feature {@code features[i]} fired most in this event, or null. */
    public Verdict.Span span(int i) {
        return spans == null || i >= spans.size() ? null : spans.get(i);
    }

    /** The span of the turn's best segment for category {@code c}, or null. */
    public Verdict.Span segmentSpan(int c) {
        return segmentSpans == null || c >= segmentSpans.size() ? null : segmentSpans.get(c);
    }
}
