package dev.saemonitor.publish;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.saemonitor.conversation.TurnFeatures;

/**
 * One scored event as conversation state receives it on the turns topic (keyed by conversation id): the
 * event's {@link TurnFeatures} and who it belongs to. No text, like everything conversation state holds.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record TurnRecord(String conversationId, String tenant, TurnFeatures turn) {
}
