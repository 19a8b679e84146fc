package dev.saemonitor.conversation;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.saemonitor.scoring.Verdict;
import java.util.List;

/**
 * What conversation scoring keeps of one turn (one scored event): never its text, only scores, the
 * conversation head's pooled features and evidence spans that point into the event. The event pipeline
 * computes it beside the event verdict ({@link ConversationScorer#turn}); conversation state stores a
 * bounded list of them per conversation.
 *
 * @param eventScores raw event score per catalog category, in catalog order
 * @param features    conversation-head feature ids that fired in this turn, ascending
 * @param values      per feature: its turn value (the maximum over the turn's segments of the segment mean)
 * @param evidence    per category, the features that drove this turn's score, with spans in the event
 * @param spans       per feature: where in the event it fired most (the strongest token of its best segment);
 *                    null when the event's text was not known (activations carried in the event)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record TurnFeatures(String eventId, String role, long timeMs, int tokens, double[] eventScores,
                           int[] features, float[] values, List<Verdict.Evidence> evidence, List<Verdict.Span> spans) {

    /** A turn without feature spans (state written before spans were kept). */
    public TurnFeatures(String eventId, String role, long timeMs, int tokens, double[] eventScores,
                        int[] features, float[] values, List<Verdict.Evidence> evidence) {
        this(eventId, role, timeMs, tokens, eventScores, features, values, evidence, null);
    }

    /** Where feature {@code features[i]} fired most in this event, or null. */
    public Verdict.Span span(int i) {
        return spans == null || i >= spans.size() ? null : spans.get(i);
    }
}
