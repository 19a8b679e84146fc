package dev.saemonitor.conversation.state;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.saemonitor.conversation.TurnFeatures;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the store keeps per conversation: its last turns (bounded), how many turns it has had, when it was last
 * seen (wall clock, for idle expiry), and the categories already paged (so it pages once per category until
 * the category clears or the conversation expires). No text.
 *
 * @param lastSeenMs wall-clock time of the last turn processed
 * @param turnCount  turns seen, including those no longer held
 * @param turns      the last turns, oldest first, at most {@code monitor.conversations.max-turns}
 * @param paged      category → the turn that paged it
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record ConversationState(String tenant, long lastSeenMs, int turnCount, List<TurnFeatures> turns,
                                Map<String, Page> paged) {

    public ConversationState {
        turns = turns == null ? List.of() : turns;
        paged = paged == null ? Map.of() : paged;
    }

    /** The turn (1-based) and event that raised a page. */
    public record Page(int turn, String eventId) {
    }

    public static ConversationState empty(String tenant) {
        return new ConversationState(tenant, 0, 0, List.of(), Map.of());
    }

    /** Whether an event id is among the turns held (a repeat delivered by the at-least-once pipeline). */
    boolean holds(String eventId) {
        return eventId != null && turns.stream().anyMatch(t -> eventId.equals(t.eventId()));
    }

    String lastEventId() {
        return turns.isEmpty() ? null : turns.get(turns.size() - 1).eventId();
    }

    /** This state with {@code turn} appended, the oldest turns dropped beyond {@code maxTurns}. */
    public ConversationState plus(TurnFeatures turn, String tenant, long nowMs, int maxTurns) {
        List<TurnFeatures> next = new ArrayList<>(Math.min(turns.size() + 1, maxTurns));
        int drop = Math.max(0, turns.size() + 1 - maxTurns);
        next.addAll(turns.subList(Math.min(drop, turns.size()), turns.size()));
        next.add(turn);
        if (next.size() > maxTurns) {
            next = next.subList(next.size() - maxTurns, next.size());
        }
        return new ConversationState(tenant != null ? tenant : this.tenant, nowMs, turnCount + 1, List.copyOf(next), paged);
    }

    ConversationState withPaged(Map<String, Page> paged) {
        return new ConversationState(tenant, lastSeenMs, turnCount, turns, new LinkedHashMap<>(paged));
    }
}
