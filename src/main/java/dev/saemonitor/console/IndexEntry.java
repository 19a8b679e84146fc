package dev.saemonitor.console;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * One record the console lists: a flagged verdict, a flagged conversation verdict, a review-queue entry or a review,
 * as read from its topic. {@code body} is the record's JSON, which holds no text.
 *
 * @param key        what identifies it in its kind: event id; conversation id and turn count; event, category and reviewer
 * @param categories the flagged categories (review queue: those in the band; review: the reviewed one)
 */
public record IndexEntry(Kind kind, String key, Instant time, JsonNode body, String severity, List<String> categories,
                         String tenant, String packVersion) {

    /** Which topic an entry came from. */
    public enum Kind {
        flag, conversation, review, feedback
    }

    /** The entry of a record value of {@code kind}'s topic, or null when it is none the console lists (tombstone, unflagged). */
    static IndexEntry of(Kind kind, JsonNode v, Instant time) {
        if (v == null || !v.isObject()) {
            return null;
        }
        String pack = v.path("pack").path("version").asText(null);
        String tenant = v.path("tenant").asText(null);
        return switch (kind) {
            case flag -> v.path("flagged").asBoolean() ? new IndexEntry(kind, v.path("eventId").asText(), time, v,
                    v.path("severity").asText(), flagged(v), tenant, pack) : null;
            case conversation -> v.path("flagged").asBoolean() ? new IndexEntry(kind,
                    conversationKey(v.path("conversationId").asText(), v.path("turns").asInt()), time, v,
                    v.path("severity").asText(), flagged(v), tenant, pack) : null;
            case review -> new IndexEntry(kind, v.path("eventId").asText(), time, v, v.path("severity").asText(),
                    texts(v.path("review").path("categories")), tenant, pack);
            case feedback -> new IndexEntry(kind, v.path("eventId").asText() + "#" + v.path("category").asText() + "#"
                    + v.path("reviewer").asText(), time, v, null, List.of(v.path("category").asText()), tenant, pack);
        };
    }

    /** The index key of a conversation verdict: its conversation after so many turns. */
    public static String conversationKey(String conversationId, int turns) {
        return conversationId + "#" + turns;
    }

    /** The event id this entry is about (a conversation verdict: the event of its latest turn). */
    public String eventId() {
        return kind == Kind.conversation ? body.path("lastEventId").asText(null) : body.path("eventId").asText(null);
    }

    private static List<String> flagged(JsonNode v) {
        List<String> out = new ArrayList<>();
        for (JsonNode c : v.path("categories")) {
            if (c.path("flagged").asBoolean()) {
                out.add(c.path("name").asText());
            }
        }
        return out;
    }

    private static List<String> texts(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }
}
