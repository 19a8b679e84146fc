package dev.saemonitor.publish;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.saemonitor.conversation.TurnFeatures;

/**
 * One scored event as conversation state receives it on the turns topic (keyed by conversation id): the
 * event's {@link TurnFeatures}, who it belongs to and where the event is ({@code source}, null in records written
 * before it existed). No text, like everything conversation state holds.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record TurnRecord(String conversationId, String tenant, TurnFeatures turn, dev.saemonitor.scoring.Verdict.Source source) {
    public TurnRecord(String conversationId, String tenant, TurnFeatures turn) {
        this(conversationId, tenant, turn, null);
    }
}
