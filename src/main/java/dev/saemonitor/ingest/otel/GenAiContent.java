package dev.saemonitor.ingest.otel;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.opentelemetry.proto.common.v1.AnyValue;

/**
 * The text a GenAI record carries, or why it has none. Messages ({@code gen_ai.input.messages},
 * {@code gen_ai.output.messages}) are arrays of {@code {role, parts: [{type, content}]}}, as a JSON string
 * attribute or as a structured AnyValue; their {@code text} parts are joined with newlines (other parts,
 * such as tool calls and media, are not text to score; a message without parts but with a string
 * {@code content} is read too). Event log bodies of the older conventions hold
 * {@code content}, or {@code message.content} ({@code gen_ai.choice}), or are the content themselves.
 */
record GenAiContent(String text, Skip skip) {
    private static final ObjectMapper JSON = new ObjectMapper();

    static GenAiContent ofMessages(AnyValue v) {
        JsonNode messages;
        if (v.hasStringValue()) {
            try {
                messages = JSON.readTree(v.getStringValue());
            } catch (JsonProcessingException e) {
                return skip(Skip.INVALID_CONTENT);
            }
        } else {
            messages = AnyValues.json(v);
        }
        if (messages == null || !messages.isArray()) {
            return skip(Skip.INVALID_CONTENT);
        }
        StringBuilder sb = new StringBuilder();
        for (JsonNode m : messages) {
            JsonNode parts = m.path("parts");
            if (!m.isObject() || !(parts.isArray() || parts.isMissingNode())) {
                return skip(Skip.INVALID_CONTENT);
            }
            for (JsonNode p : parts) {
                if ("text".equals(p.path("type").asText()) && p.path("content").isTextual()) {
                    append(sb, p.path("content").textValue());
                }
            }
            // some instrumentations write the chat-completion shape {role, content} instead of parts
            if (parts.isMissingNode() && m.path("content").isTextual()) {
                append(sb, m.path("content").textValue());
            }
        }
        return of(sb.toString());
    }

    /** The content of an older-convention event's body (absent when content capture is off). */
    static GenAiContent ofBody(AnyValue body) {
        if (body == null || body.getValueCase() == AnyValue.ValueCase.VALUE_NOT_SET) {
            return skip(Skip.NO_CONTENT);
        }
        if (body.hasStringValue()) {
            return of(body.getStringValue());
        }
        if (!body.hasKvlistValue()) {
            return skip(Skip.INVALID_CONTENT);
        }
        JsonNode o = AnyValues.json(body);
        JsonNode content = o.has("content") ? o.get("content") : o.path("message").path("content");
        if (content.isMissingNode() || content.isNull()) {
            return skip(Skip.NO_CONTENT);
        }
        return content.isTextual() ? of(content.textValue()) : skip(Skip.INVALID_CONTENT);
    }

    private static GenAiContent of(String text) {
        return text.isBlank() ? skip(text.isEmpty() ? Skip.NO_CONTENT : Skip.EMPTY_TEXT) : new GenAiContent(text, null);
    }

    private static GenAiContent skip(Skip why) {
        return new GenAiContent(null, why);
    }

    private static void append(StringBuilder sb, String s) {
        if (!sb.isEmpty()) {
            sb.append('\n');
        }
        sb.append(s);
    }
}
