package dev.saemonitor.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import dev.saemonitor.activations.TextActivations;
import java.time.Instant;
import java.time.format.DateTimeParseException;

/**
 * Maps an event object (schema version 1) to an {@link LlmEvent}: every field is type-checked before
 * it is read, so a wrong type is an {@code invalid_field} reason rather than an empty string or an
 * exception. Details name the field and what was expected, never what was received.
 */
final class EventFields {
    /** Fields that hold an identifier: a string, or an integer that reads as one. */
    private static final String[] ID_FIELDS = {"id", "conversationId"};
    private static final String[] STRING_FIELDS = {"role", "tenant", "model", "time", "text"};

    private EventFields() {
    }

    /** What the record carries besides the event object. */
    record Context(int bytes, String key, String fallbackId, Instant recordTime, ActivationsBlock.Expectation pack) {
    }

    static boolean absentOrString(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v == null || v.isNull() || v.isTextual();
    }

    static ParseResult toEvent(JsonNode d, CloudEventEnvelope ce, Context ctx) {
        if (d.has("schemaVersion") && !"1".equals(d.path("schemaVersion").asText())) {
            return ParseResult.bad(DeadLetterReason.UNKNOWN_SCHEMA, "schemaVersion must be 1");
        }
        ParseResult wrongType = checkTypes(d);
        if (wrongType != null) {
            return wrongType;
        }
        String role = string(d, "role");
        if (role != null && !role.equals("prompt") && !role.equals("completion")) {
            return ParseResult.bad(DeadLetterReason.UNKNOWN_SCHEMA, "role must be prompt or completion");
        }
        String text = string(d, "text");
        if (text == null && present(d, "messages")) {
            ChatText chat = ChatText.join(d.get("messages"));
            if (chat.failure() != null) {
                return chat.failure();
            }
            text = chat.text();
            role = role != null ? role : chat.role();
        }
        JsonNode block = present(d, "activations") ? d.get("activations") : null;
        if (block == null && ctx.pack().required()) {
            return ParseResult.bad(DeadLetterReason.ACTIVATIONS_REQUIRED, "the pack's reader is external: expected an "
                    + "'activations' block from reader '" + ctx.pack().readerId() + "' at layer " + ctx.pack().layer()
                    + ", shape [T, " + ctx.pack().dIn() + "]");
        }
        if (text == null && block == null) {
            return ParseResult.bad(DeadLetterReason.MISSING_TEXT, "event has neither 'text', 'messages' nor 'activations'");
        }
        if (block == null && text.isBlank()) {
            return ParseResult.bad(DeadLetterReason.EMPTY_TEXT, "text is empty or whitespace");
        }
        TextActivations acts = null;
        if (block != null) {
            ActivationsBlock.Decoded dec = ActivationsBlock.decode(block, ctx.pack(), text);
            if (dec.mismatch() != null) {
                return ParseResult.bad(DeadLetterReason.ACTIVATIONS_MISMATCH, dec.mismatch());
            }
            acts = dec.activations();
        }
        Instant time = ctx.recordTime();
        String t = firstNonNull(string(d, "time"), ce.time());
        if (t != null) {
            try {
                time = Instant.parse(t);
            } catch (DateTimeParseException e) {
                return ParseResult.bad(DeadLetterReason.UNKNOWN_SCHEMA, "time must be an RFC 3339 timestamp");
            }
        }
        String id = firstNonNull(string(d, "id"), ce.id(), ctx.fallbackId());
        String conv = firstNonNull(string(d, "conversationId"), ce.subject(), ctx.key());
        String tenant = firstNonNull(string(d, "tenant"), ce.tenant());
        return ParseResult.ok(new LlmEvent(id, conv, tenant, string(d, "model"), role == null ? "completion" : role, text,
                time, acts, ctx.bytes()));
    }

    private static ParseResult checkTypes(JsonNode d) {
        for (String f : ID_FIELDS) {
            JsonNode v = d.get(f);
            if (v != null && !v.isNull() && !v.isTextual() && !v.isIntegralNumber()) {
                return invalid("field '" + f + "' must be a string");
            }
        }
        for (String f : STRING_FIELDS) {
            if (!absentOrString(d, f)) {
                return invalid("field '" + f + "' must be a string");
            }
        }
        if (present(d, "messages") && !d.get("messages").isArray()) {
            return invalid("field 'messages' must be an array of {role, content} objects");
        }
        return null;
    }

    static ParseResult invalid(String detail) {
        return ParseResult.bad(DeadLetterReason.INVALID_FIELD, detail);
    }

    private static boolean present(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v != null && !v.isNull();
    }

    /** A type-checked field as text: null when absent or JSON null. */
    private static String string(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }

    @SafeVarargs
    private static <T> T firstNonNull(T... vs) {
        for (T v : vs) {
            if (v != null) {
                return v;
            }
        }
        return null;
    }
}
