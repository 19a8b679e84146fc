package dev.saemonitor.ingest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Map;

/**
 * Turns a record's bytes and headers into an {@link LlmEvent} or a dead-letter reason. Accepts
 * CloudEvents 1.0 binary mode ({@code ce_*} headers, body = data), structured mode
 * ({@code application/cloudevents+json}, or a body with {@code specversion}), and plain JSON.
 */
public final class EventParser {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String SPEC_VERSION = "1.0";

    private final int maxBytes;
    private final ActivationsBlock.Expectation expectation;

    public EventParser(int maxBytes, String readerId, int layer, int dIn) {
        this.maxBytes = maxBytes;
        this.expectation = new ActivationsBlock.Expectation(readerId, layer, dIn);
    }

    /**
     * @param headers    record headers as strings (ce_* and content-type), may be empty
     * @param fallbackId id to use when the event has none (e.g. topic-partition-offset), so repeats keep it
     * @param recordTime the record's timestamp, used when the event has no time
     */
    public ParseResult parse(byte[] value, Map<String, String> headers, String key, String fallbackId, Instant recordTime) {
        if (value == null || value.length == 0) {
            return ParseResult.bad(DeadLetterReason.MISSING_TEXT, "record has no value");
        }
        if (value.length > maxBytes) {
            return ParseResult.bad(DeadLetterReason.OVERSIZE, "record of " + value.length + " bytes exceeds " + maxBytes);
        }
        String body;
        try {
            body = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(value)).toString();
        } catch (CharacterCodingException e) {
            return ParseResult.bad(DeadLetterReason.INVALID_UTF8, "value is not valid UTF-8");
        }
        JsonNode root;
        try {
            root = JSON.readTree(body);
        } catch (JsonProcessingException e) {
            return ParseResult.bad(DeadLetterReason.MALFORMED_JSON, "value is not valid JSON (line "
                    + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr() + ")");
        }
        if (root == null || !root.isObject()) {
            return ParseResult.bad(DeadLetterReason.MALFORMED_JSON, "value is not a JSON object");
        }
        String contentType = headers.getOrDefault("content-type", "");
        String ceId = null, ceTime = null, ceSubject = null, ceTenant = null;
        JsonNode data = root;
        if (headers.containsKey("ce_specversion")) {
            if (!SPEC_VERSION.equals(headers.get("ce_specversion"))) {
                return ParseResult.bad(DeadLetterReason.UNKNOWN_SCHEMA, "ce_specversion '" + headers.get("ce_specversion")
                        + "', expected 1.0");
            }
            ceId = headers.get("ce_id");
            ceTime = headers.get("ce_time");
            ceSubject = headers.get("ce_subject");
            ceTenant = headers.get("ce_tenant");
        } else if (contentType.startsWith("application/cloudevents+json") || root.has("specversion")) {
            if (!SPEC_VERSION.equals(root.path("specversion").asText())) {
                return ParseResult.bad(DeadLetterReason.UNKNOWN_SCHEMA, "specversion '" + root.path("specversion").asText()
                        + "', expected 1.0");
            }
            ceId = root.path("id").asText(null);
            ceTime = root.path("time").asText(null);
            ceSubject = root.path("subject").asText(null);
            ceTenant = root.path("tenant").asText(null);
            data = root.path("data");
            if (!data.isObject()) {
                return ParseResult.bad(DeadLetterReason.MISSING_TEXT, "structured CloudEvent has no JSON object in 'data'");
            }
        }
        if (data.has("schemaVersion") && !data.path("schemaVersion").asText().equals("1")) {
            return ParseResult.bad(DeadLetterReason.UNKNOWN_SCHEMA, "schemaVersion '" + data.path("schemaVersion").asText()
                    + "', expected 1");
        }
        return fromData(data, value.length, key, fallbackId, recordTime, ceId, ceTime, ceSubject, ceTenant);
    }

    private ParseResult fromData(JsonNode d, int bytes, String key, String fallbackId, Instant recordTime, String ceId,
                                 String ceTime, String ceSubject, String ceTenant) {
        String role = text(d, "role");
        if (role != null && !role.equals("prompt") && !role.equals("completion")) {
            return ParseResult.bad(DeadLetterReason.UNKNOWN_SCHEMA, "role must be prompt or completion");
        }
        String text = null;
        if (d.path("text").isTextual()) {
            text = d.get("text").asText();
        } else if (d.path("messages").isArray()) {
            StringBuilder sb = new StringBuilder();
            String lastRole = null;
            for (JsonNode m : d.get("messages")) {
                if (!m.path("content").isTextual()) {
                    return ParseResult.bad(DeadLetterReason.MISSING_TEXT, "a message lacks string 'content'");
                }
                if (!sb.isEmpty()) {
                    sb.append('\n');
                }
                sb.append(m.get("content").asText());
                lastRole = m.path("role").asText(null);
            }
            text = sb.toString();
            if (role == null) {
                role = "assistant".equals(lastRole) ? "completion" : "prompt";
            }
        }
        var activations = d.get("activations");
        if (text == null && activations == null) {
            return ParseResult.bad(DeadLetterReason.MISSING_TEXT, "event has neither 'text', 'messages' nor 'activations'");
        }
        if (activations == null && text.isBlank()) {
            return ParseResult.bad(DeadLetterReason.EMPTY_TEXT, "text is empty or whitespace (" + text.length() + " chars)");
        }
        dev.saemonitor.activations.TextActivations acts = null;
        if (activations != null) {
            ActivationsBlock.Decoded dec = ActivationsBlock.decode(activations, expectation);
            if (dec.mismatch() != null) {
                return ParseResult.bad(DeadLetterReason.ACTIVATIONS_MISMATCH, dec.mismatch());
            }
            acts = dec.activations();
        }
        Instant time = recordTime;
        String t = firstNonNull(text(d, "time"), ceTime);
        if (t != null) {
            try {
                time = Instant.parse(t);
            } catch (DateTimeParseException e) {
                return ParseResult.bad(DeadLetterReason.UNKNOWN_SCHEMA, "time is not an RFC 3339 timestamp");
            }
        }
        String id = firstNonNull(text(d, "id"), ceId, fallbackId);
        String conv = firstNonNull(text(d, "conversationId"), ceSubject, key);
        String tenant = firstNonNull(text(d, "tenant"), ceTenant);
        return ParseResult.ok(new LlmEvent(id, conv, tenant, text(d, "model"), role == null ? "completion" : role, text,
                time, acts, bytes));
    }

    private static String text(JsonNode n, String field) {
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
