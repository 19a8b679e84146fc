package dev.saemonitor.ingest;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * A chat's {@code messages} joined into one text (newline between messages); the role is
 * {@code completion} when the last message is the assistant's, else {@code prompt}.
 */
record ChatText(String text, String role, ParseResult failure) {
    static ChatText join(JsonNode messages) {
        StringBuilder sb = new StringBuilder();
        String lastRole = null;
        for (JsonNode m : messages) {
            if (!m.isObject()) {
                return fail(EventFields.invalid("every message must be an object with a string 'content'"));
            }
            JsonNode content = m.get("content");
            if (content == null || content.isNull()) {
                return fail(ParseResult.bad(DeadLetterReason.MISSING_TEXT, "a message lacks 'content'"));
            }
            if (!content.isTextual()) {
                return fail(EventFields.invalid("'content' of every message must be a string"));
            }
            if (!sb.isEmpty()) {
                sb.append('\n');
            }
            sb.append(content.textValue());
            lastRole = m.path("role").textValue();
        }
        return new ChatText(sb.toString(), "assistant".equals(lastRole) ? "completion" : "prompt", null);
    }

    private static ChatText fail(ParseResult why) {
        return new ChatText(null, null, why);
    }
}
