package dev.saemonitor.it;

import dev.saemonitor.testing.TestPacks;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/**
 * The kinds of bad record the chaos suite feeds the service, each with the dead-letter reason it must
 * get. Every field that can hold a string holds {@link #CANARY} (value fields, the record key and an
 * extra header), so a test can prove no received value leaks into logs, metrics, verdicts or the
 * dead-letter headers the service adds.
 */
final class BadRecordKinds {
    /** Appears in every bad record and nowhere else. */
    static final String CANARY = "CANARY-x7q9-do-not-echo";
    /** Header every bad record carries, so headers are canaried too (the DLQ copies original headers as they are). */
    static final String CANARY_HEADER = "x-chaos-canary";
    /** Records above this size (the service's default {@code monitor.max-event-bytes}) are oversize. */
    static final int MAX_EVENT_BYTES = 262_144;
    /** Just under a default broker's message.max.bytes (1,048,588): accepted by the broker, too big to copy with headers. */
    static final int NEAR_BROKER_LIMIT = 1_048_400;

    /** One bad record: kind, key, value (null = tombstone), headers, and the expected dead-letter reason. */
    record Kind(String name, String key, byte[] value, Map<String, String> headers, String reason) {
        boolean jsonBody() {
            return value != null && value.length > 0 && headers.keySet().stream().noneMatch(h -> h.startsWith("ce_"));
        }
    }

    private static final String C = CANARY;
    private static final String READER = TestPacks.READER_ID;
    private static final int LAYER = TestPacks.READER.layer();
    private static final int D_IN = 384;

    private BadRecordKinds() {
    }

    static List<Kind> all() {
        List<Kind> k = new ArrayList<>();
        // --- no value / not JSON ---
        k.add(kind("empty value", new byte[0], "missing_text"));
        k.add(kind("tombstone (null value)", (byte[]) null, "missing_text"));
        k.add(kind("whitespace only", "  \n\t  ", "malformed_json"));
        k.add(kind("plain text, not JSON", C + " is not json", "malformed_json"));
        k.add(kind("truncated JSON", "{\"id\":\"" + C + "\",\"text\":\"" + C, "malformed_json"));
        k.add(kind("JSON array", "[\"" + C + "\",\"" + C + "\"]", "malformed_json"));
        k.add(kind("JSON string", "\"" + C + "\"", "malformed_json"));
        k.add(kind("JSON null", "null", "malformed_json"));
        k.add(kind("raw control character in a string", "{\"id\":\"" + C + "\",\"text\":\"" + C + "\u0001\"}", "malformed_json"));
        k.add(kind("single-quoted JSON", "{'id':'" + C + "','text':'" + C + "'}", "malformed_json"));
        // --- not UTF-8 ---
        k.add(kind("invalid UTF-8 continuation", bytes("{\"id\":\"" + C + "\",\"text\":\"" + C, 0xC3, 0x28, "\"}"), "invalid_utf8"));
        k.add(kind("overlong UTF-8 encoding", bytes("{\"id\":\"" + C + "\",\"text\":\"" + C, 0xC0, 0xAF, "\"}"), "invalid_utf8"));
        k.add(kind("UTF-8 encoded surrogate", bytes("{\"id\":\"" + C + "\",\"text\":\"" + C, 0xED, 0xA0, 0x80, "\"}"), "invalid_utf8"));
        k.add(kind("Latin-1 text", bytes("{\"id\":\"" + C + "\",\"text\":\"caf", 0xE9, " " + C + "\"}"), "invalid_utf8"));
        k.add(kind("UTF-16 with BOM", utf16("{\"id\":\"" + C + "\",\"text\":\"" + C + "\"}"), "invalid_utf8"));
        k.add(kind("truncated multi-byte sequence at the end", bytes("{\"text\":\"" + C + "\"}", 0xE2, 0x82), "invalid_utf8"));
        // --- size ---
        k.add(kind("oversize (300 KB text)", event("\"text\":\"" + C + " " + "x".repeat(300_000) + "\""), "oversize"));
        k.add(kind("just over max-event-bytes", padded(MAX_EVENT_BYTES + 1), "oversize"));
        // --- no text, or a field of the wrong JSON type (invalid_field: the fixed parser's vocabulary) ---
        k.add(kind("no text, messages or activations", event(""), "missing_text"));
        k.add(kind("text null", event("\"text\":null"), "missing_text"));
        k.add(kind("text is a number", event("\"text\":12345"), "invalid_field"));
        k.add(kind("text is an object", event("\"text\":{\"" + C + "\":\"" + C + "\"}"), "invalid_field"));
        k.add(kind("messages is a string", event("\"messages\":\"" + C + "\""), "invalid_field"));
        k.add(kind("message content is an object", event("\"messages\":[{\"role\":\"user\",\"content\":{\"x\":\"" + C + "\"}}]"),
                "invalid_field"));
        k.add(kind("message is a string", event("\"messages\":[\"" + C + "\"]"), "invalid_field"));
        k.add(kind("text empty", event("\"text\":\"\""), "empty_text"));
        k.add(kind("text whitespace only", event("\"text\":\" \\n\\t \""), "empty_text"));
        k.add(kind("messages empty", event("\"messages\":[]"), "empty_text"));
        k.add(kind("messages with blank contents", event("\"messages\":[{\"role\":\"user\",\"content\":\" \"}]"), "empty_text"));
        // --- schema ---
        k.add(kind("unknown role", event("\"text\":\"" + C + "\",\"role\":\"" + C + "\""), "unknown_schema"));
        k.add(kind("role is an array", event("\"text\":\"" + C + "\",\"role\":[\"" + C + "\"]"), "invalid_field"));
        k.add(kind("unknown schemaVersion string", event("\"text\":\"" + C + "\",\"schemaVersion\":\"" + C + "\""), "unknown_schema"));
        k.add(kind("schemaVersion 2", event("\"text\":\"" + C + "\",\"schemaVersion\":2"), "unknown_schema"));
        k.add(kind("time not RFC 3339", event("\"text\":\"" + C + "\",\"time\":\"" + C + "\""), "unknown_schema"));
        k.add(kind("time is a number", event("\"text\":\"" + C + "\",\"time\":1764586800"), "invalid_field"));
        // --- CloudEvents ---
        k.add(kind("structured CE, unknown specversion", "{\"specversion\":\"" + C + "\",\"id\":\"" + C + "\",\"source\":\"" + C
                + "\",\"type\":\"" + C + "\",\"data\":{\"text\":\"" + C + "\"}}", "unknown_schema"));
        k.add(kind("structured CE content type, no specversion", Map.of("content-type", "application/cloudevents+json"),
                event("\"text\":\"" + C + "\""), "unknown_schema"));
        k.add(kind("structured CE, data is a string", "{\"specversion\":\"1.0\",\"id\":\"" + C + "\",\"source\":\"" + C
                + "\",\"type\":\"" + C + "\",\"data\":\"" + C + "\"}", "missing_text"));
        k.add(kind("structured CE, no data", "{\"specversion\":\"1.0\",\"id\":\"" + C + "\",\"source\":\"" + C + "\",\"type\":\""
                + C + "\",\"subject\":\"" + C + "\"}", "missing_text"));
        k.add(kind("binary CE, unknown ce_specversion", Map.of("ce_specversion", C, "ce_id", C, "ce_source", C, "ce_type", C),
                "{\"text\":\"" + C + "\"}", "unknown_schema"));
        k.add(kind("binary CE, empty text", Map.of("ce_specversion", "1.0", "ce_id", C, "ce_source", C, "ce_type", C,
                "ce_subject", C), "{\"role\":\"prompt\",\"text\":\"\"}", "empty_text"));
        k.add(kind("binary CE, body not JSON", Map.of("ce_specversion", "1.0", "ce_id", C, "ce_source", C, "ce_type", C),
                C, "malformed_json"));
        // --- carried activations ---
        k.add(kind("activations not an object", acts("\"" + C + "\""), "activations_mismatch"));
        k.add(kind("activations readerId unknown", acts(block(C, "" + LAYER, "f32", 1, D_IN, f32(1, D_IN))), "activations_mismatch"));
        k.add(kind("activations layer not a number", acts(block(READER, "\"" + C + "\"", "f32", 1, D_IN, f32(1, D_IN))),
                "activations_mismatch"));
        k.add(kind("activations wrong layer", acts(block(READER, "" + (LAYER + 1), "f32", 1, D_IN, f32(1, D_IN))),
                "activations_mismatch"));
        k.add(kind("activations dtype unknown", acts(block(READER, "" + LAYER, C, 1, D_IN, f32(1, D_IN))), "activations_mismatch"));
        k.add(kind("activations shape of one dimension", acts("{\"readerId\":\"" + READER + "\",\"layer\":" + LAYER
                + ",\"dtype\":\"f32\",\"shape\":[" + D_IN + "],\"data\":\"" + f32(1, D_IN) + "\"}"), "activations_mismatch"));
        k.add(kind("activations width differs from the pack", acts(block(READER, "" + LAYER, "f32", 2, 100, f32(2, 100))),
                "activations_mismatch"));
        k.add(kind("activations zero rows", acts(block(READER, "" + LAYER, "f32", 0, D_IN, "")), "activations_mismatch"));
        k.add(kind("activations too many rows", acts(block(READER, "" + LAYER, "f32", 100_000, D_IN, f32(1, D_IN))),
                "activations_mismatch"));
        k.add(kind("activations data not base64", acts(block(READER, "" + LAYER, "f32", 1, D_IN, C + "!!")), "activations_mismatch"));
        k.add(kind("activations data shorter than its shape", acts(block(READER, "" + LAYER, "f32", 2, D_IN, f32(1, D_IN))),
                "activations_mismatch"));
        k.add(kind("activations hold NaN", acts(block(READER, "" + LAYER, "f32", 1, D_IN, nan(D_IN))), "activations_mismatch"));
        // --- last: on an unfixed service these stop the stream, so every kind above is tried first ---
        k.add(kind("number of 1,001 digits", "{\"id\":\"" + C + "\",\"text\":\"" + C + "\",\"n\":" + "7".repeat(1001) + "}",
                "malformed_json"));
        k.add(kind("nesting 1,001 levels deep", "{\"id\":\"" + C + "\",\"text\":\"" + C + "\",\"x\":" + "[".repeat(1001)
                + "\"" + C + "\"" + "]".repeat(1001) + "}", "malformed_json"));
        k.add(kind("near the broker's 1 MiB limit", padded(NEAR_BROKER_LIMIT), "oversize"));
        return k;
    }

    private static Kind kind(String name, String value, String reason) {
        return kind(name, Map.of(), value.getBytes(StandardCharsets.UTF_8), reason);
    }

    private static Kind kind(String name, byte[] value, String reason) {
        return kind(name, Map.of(), value, reason);
    }

    private static Kind kind(String name, Map<String, String> headers, String value, String reason) {
        return kind(name, headers, value.getBytes(StandardCharsets.UTF_8), reason);
    }

    private static Kind kind(String name, Map<String, String> headers, byte[] value, String reason) {
        Map<String, String> h = new java.util.HashMap<>(headers);
        h.put(CANARY_HEADER, C);
        return new Kind(name, C + "-key", value, Map.copyOf(h), reason);
    }

    /** A plain-JSON event whose metadata fields all carry the canary, plus {@code more} fields. */
    private static String event(String more) {
        return "{\"id\":\"" + C + "\",\"conversationId\":\"" + C + "\",\"tenant\":\"" + C + "\",\"model\":\"" + C + "\""
                + (more.isEmpty() ? "" : "," + more) + "}";
    }

    private static String acts(String block) {
        return event("\"role\":\"completion\",\"activations\":" + block);
    }

    private static String block(String reader, String layer, String dtype, int rows, int cols, String data) {
        return "{\"readerId\":\"" + reader + "\",\"layer\":" + layer + ",\"dtype\":\"" + dtype + "\",\"shape\":[" + rows + ","
                + cols + "],\"data\":\"" + data + "\"}";
    }

    private static String f32(int rows, int cols) {
        ByteBuffer b = ByteBuffer.allocate(rows * cols * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < rows * cols; i++) {
            b.putFloat((i % 7) * 0.1f);
        }
        return Base64.getEncoder().encodeToString(b.array());
    }

    private static String nan(int cols) {
        ByteBuffer b = ByteBuffer.allocate(cols * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < cols; i++) {
            b.putFloat(i == cols / 2 ? Float.NaN : 0.5f);
        }
        return Base64.getEncoder().encodeToString(b.array());
    }

    /** An event of exactly {@code size} bytes (text padded). */
    private static byte[] padded(int size) {
        String head = "{\"id\":\"" + C + "\",\"conversationId\":\"" + C + "\",\"text\":\"" + C + " ";
        int pad = size - head.getBytes(StandardCharsets.UTF_8).length - 2;
        return (head + "y".repeat(pad) + "\"}").getBytes(StandardCharsets.UTF_8);
    }

    /** Text and raw bytes (ints) concatenated: for records that are deliberately not UTF-8. */
    private static byte[] bytes(Object... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (Object p : parts) {
            if (p instanceof String s) {
                out.writeBytes(s.getBytes(StandardCharsets.UTF_8));
            } else {
                out.write((Integer) p);
            }
        }
        return out.toByteArray();
    }

    private static byte[] utf16(String s) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(0xFF);
        out.write(0xFE);
        out.writeBytes(s.getBytes(StandardCharsets.UTF_16LE));
        return out.toByteArray();
    }
}
