package dev.saemonitor.testing;

import static dev.saemonitor.ingest.DeadLetterReason.ACTIVATIONS_MISMATCH;
import static dev.saemonitor.ingest.DeadLetterReason.EMPTY_TEXT;
import static dev.saemonitor.ingest.DeadLetterReason.INVALID_FIELD;
import static dev.saemonitor.ingest.DeadLetterReason.INVALID_UTF8;
import static dev.saemonitor.ingest.DeadLetterReason.MALFORMED_JSON;
import static dev.saemonitor.ingest.DeadLetterReason.MISSING_TEXT;
import static dev.saemonitor.ingest.DeadLetterReason.OVERSIZE;
import static dev.saemonitor.ingest.DeadLetterReason.UNKNOWN_SCHEMA;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.saemonitor.ingest.DeadLetterReason;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Every kind of bad record the service must dead-letter (or refuse with 400 over HTTP) without
 * stopping, with the reason it must give. A canary string goes into every field a record has (ids,
 * tenant, model, text, CloudEvents attributes and headers) and into the field under test wherever the
 * kind is about a field's value, so a test can assert it never comes back in a reason's detail, a
 * log line or a metric. Shared by the parser table test, the pipeline test and the chaos suite.
 *
 * <p>The activation kinds assume the default pack's reader ({@value #READER_ID}, layer
 * {@value #LAYER}, width {@value #D_IN}); the oversize kinds exceed the default
 * {@code monitor.max-event-bytes} ({@value #MAX_EVENT_BYTES}) and the test profile's 65536.
 */
public final class BadRecords {
    /** The default canary: JSON- and header-safe, not base64, not a time or version. */
    public static final String CANARY = "CANARY-zq7x-do-not-log";
    public static final String READER_ID = "all-minilm-l6-v2-q";
    public static final int LAYER = 3;
    public static final int D_IN = 384;
    public static final int MAX_EVENT_BYTES = 262_144;
    /**
     * Size of the issue 9 record whose dead-letter copy (value and headers) did not fit the producer's 1 MiB
     * {@code max.request.size}; sent with no key and no headers it is just under what a default producer takes.
     */
    public static final int NEAR_MAX_REQUEST_BYTES = 1_048_453;

    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * One bad record: its kind (a stable name, also usable as a header value), the record value and
     * headers, and the reason the service must give.
     */
    public record BadRecord(String kind, byte[] value, Map<String, String> headers, DeadLetterReason expected) {
        public String reason() {
            return expected.label();
        }

        /** True when the record's meaning rests on Kafka {@code ce_*} headers, which an HTTP request does not carry. */
        public boolean needsKafkaHeaders() {
            return headers.keySet().stream().anyMatch(k -> k.startsWith("ce_"));
        }

        /**
         * True for the record sized to Kafka's default 1 MiB {@code max.request.size}: a default producer
         * accepts it only without a key or headers (and its dead-letter copy, with reason headers, would not fit).
         */
        public boolean needsBareRecord() {
            return value.length >= NEAR_MAX_REQUEST_BYTES;
        }

        /** The Content-Type to post it with over HTTP. */
        public String contentType() {
            return headers.getOrDefault("content-type", "application/json");
        }

        @Override
        public String toString() {
            return kind + " -> " + reason() + " (" + value.length + " bytes)";
        }
    }

    private BadRecords() {
    }

    /** All kinds with {@link #CANARY}. */
    public static List<BadRecord> all() {
        return all(CANARY);
    }

    /** All kinds, the canary in every field; at least 40, each kind named once. */
    public static List<BadRecord> all(String c) {
        List<BadRecord> l = new ArrayList<>();
        missingText(l, c);
        invalidField(l, c);
        emptyText(l, c);
        invalidUtf8(l, c);
        malformedJson(l, c);
        oversize(l, c);
        unknownSchema(l, c);
        activations(l, c);
        return List.copyOf(l);
    }

    private static void missingText(List<BadRecord> l, String c) {
        l.add(new BadRecord("empty_value", new byte[0], Map.of(), MISSING_TEXT));
        l.add(json("no_text", without(event(c), "text"), MISSING_TEXT));
        l.add(json("text_null", with(event(c), "text", null), MISSING_TEXT));
        l.add(json("message_without_content", with(without(event(c), "text"), "messages",
                List.of(Map.of("role", "user", "name", c))), MISSING_TEXT));
        l.add(json("structured_data_string", structured(c, c), MISSING_TEXT));
        l.add(json("structured_without_data", without(structured(c, null), "data"), MISSING_TEXT));
        l.add(new BadRecord("binary_ce_without_text", bytes(Map.of("role", "prompt", "model", c)), binaryCe(c, "1.0"),
                MISSING_TEXT));
    }

    private static void invalidField(List<BadRecord> l, String c) {
        l.add(json("text_number", with(event(c), "text", 42), INVALID_FIELD));
        l.add(json("text_object", with(event(c), "text", Map.of("value", c)), INVALID_FIELD));
        l.add(json("text_array", with(event(c), "text", List.of(c)), INVALID_FIELD));
        l.add(json("id_object", with(event(c), "id", Map.of("v", c)), INVALID_FIELD));
        l.add(json("conversation_id_array", with(event(c), "conversationId", List.of(c)), INVALID_FIELD));
        l.add(json("tenant_object", with(event(c), "tenant", Map.of("name", c)), INVALID_FIELD));
        l.add(json("model_number", with(event(c), "model", 7), INVALID_FIELD));
        l.add(json("role_number", with(event(c), "role", 1), INVALID_FIELD));
        l.add(json("time_number", with(event(c), "time", 1_700_000_000), INVALID_FIELD));
        l.add(json("messages_string", with(without(event(c), "text"), "messages", c), INVALID_FIELD));
        l.add(json("message_not_object", with(without(event(c), "text"), "messages", List.of(c)), INVALID_FIELD));
        l.add(json("message_content_object", with(without(event(c), "text"), "messages",
                List.of(Map.of("role", "user", "content", Map.of("t", c)))), INVALID_FIELD));
        l.add(json("structured_id_object", with(structured(c, Map.of("text", c)), "id", Map.of("v", c)), INVALID_FIELD));
    }

    private static void emptyText(List<BadRecord> l, String c) {
        l.add(json("text_empty", with(event(c), "text", ""), EMPTY_TEXT));
        l.add(json("text_whitespace", with(event(c), "text", " \n\t  "), EMPTY_TEXT));
        l.add(json("text_unicode_spaces", with(event(c), "text", "\u2003\u2002\u3000"), EMPTY_TEXT));
        l.add(json("messages_blank", with(without(event(c), "text"), "messages", List.of(
                Map.of("role", "user", "content", ""), Map.of("role", "assistant", "content", "  "))), EMPTY_TEXT));
        l.add(json("messages_empty_array", with(without(event(c), "text"), "messages", List.of()), EMPTY_TEXT));
    }

    private static void invalidUtf8(List<BadRecord> l, String c) {
        l.add(utf8("lone_continuation_byte", c, 0x80));
        l.add(utf8("overlong_encoding", c, 0xC0, 0xAF));
        l.add(utf8("encoded_surrogate", c, 0xED, 0xA0, 0x80));
        l.add(utf8("byte_ff", c, 0xFF));
        l.add(utf8("latin1_e_acute", c, 0xE9));
        ByteArrayOutputStream truncated = new ByteArrayOutputStream();
        truncated.writeBytes(("{\"id\":\"" + c + "\",\"text\":\"" + c).getBytes(StandardCharsets.UTF_8));
        truncated.write(0xE2);
        truncated.write(0x82);
        l.add(new BadRecord("truncated_sequence_at_end", truncated.toByteArray(), Map.of(), INVALID_UTF8));
    }

    private static void malformedJson(List<BadRecord> l, String c) {
        String ok = "\"id\":\"" + c + "\",\"tenant\":\"" + c + "\",\"text\":\"" + c + "\"";
        l.add(raw("truncated_object", "{" + ok));
        l.add(raw("trailing_comma", "{" + ok + ",}"));
        l.add(raw("single_quotes", "{'id':'" + c + "','text':'" + c + "'}"));
        l.add(raw("unquoted_keys", "{id:\"" + c + "\",text:\"" + c + "\"}"));
        l.add(raw("nan_literal", "{" + ok + ",\"score\":NaN}"));
        l.add(raw("comment", "{" + ok + " /* " + c + " */}"));
        l.add(raw("trailing_garbage", "{" + ok + "} " + c));
        l.add(raw("two_objects", "{" + ok + "}{" + ok + "}"));
        l.add(raw("duplicate_text_field", "{" + ok + ",\"text\":\"" + c + " again\"}"));
        l.add(raw("top_level_array", "[{" + ok + "}]"));
        l.add(raw("top_level_string", "\"" + c + "\""));
        l.add(raw("top_level_number", "42"));
        l.add(raw("top_level_null", "null"));
        l.add(raw("whitespace_only", "  \n\t "));
        l.add(raw("raw_control_character", "{\"id\":\"" + c + "\",\"text\":\"" + c + "\u0001\"}"));
        l.add(raw("invalid_escape", "{\"id\":\"" + c + "\",\"text\":\"" + c + "\\q\"}"));
        ByteArrayOutputStream bom = new ByteArrayOutputStream();
        bom.writeBytes(new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF});
        bom.writeBytes(("{" + ok + "}").getBytes(StandardCharsets.UTF_8));
        l.add(new BadRecord("utf8_byte_order_mark", bom.toByteArray(), Map.of(), MALFORMED_JSON));
        l.add(raw("nesting_over_1000_levels_1019_bytes", "{\"text\":\"hi\",\"n\":" + "[".repeat(1000) + "]}"));
        l.add(raw("number_over_1000_digits", "{" + ok + ",\"n\":" + "7".repeat(1001) + "}"));
        l.add(raw("field_name_over_50000_chars", "{" + ok + ",\"" + c + "n".repeat(50_001) + "\":1}"));
    }

    private static void oversize(List<BadRecord> l, String c) {
        l.add(new BadRecord("over_max_event_bytes", padded(c, 300_000), Map.of(), OVERSIZE));
        l.add(new BadRecord("dead_letter_copy_over_max_request_size", padded(c, NEAR_MAX_REQUEST_BYTES), Map.of(), OVERSIZE));
    }

    private static void unknownSchema(List<BadRecord> l, String c) {
        l.add(json("structured_specversion_2", with(structured(c, Map.of("text", c)), "specversion", "2.0"), UNKNOWN_SCHEMA));
        l.add(json("structured_specversion_canary", with(structured(c, Map.of("text", c)), "specversion", c), UNKNOWN_SCHEMA));
        l.add(new BadRecord("binary_ce_specversion_canary", bytes(event(c)), binaryCe(c, c), UNKNOWN_SCHEMA));
        l.add(new BadRecord("cloudevents_content_type_without_specversion", bytes(event(c)),
                Map.of("content-type", "application/cloudevents+json"), UNKNOWN_SCHEMA));
        l.add(json("schema_version_2", with(event(c), "schemaVersion", 2), UNKNOWN_SCHEMA));
        l.add(json("schema_version_canary", with(event(c), "schemaVersion", c), UNKNOWN_SCHEMA));
        l.add(json("role_canary", with(event(c), "role", c), UNKNOWN_SCHEMA));
        l.add(json("time_canary", with(event(c), "time", c), UNKNOWN_SCHEMA));
        Map<String, String> ceTime = new LinkedHashMap<>(binaryCe(c, "1.0"));
        ceTime.put("ce_time", c);
        l.add(new BadRecord("binary_ce_time_canary", bytes(Map.of("text", c)), Map.copyOf(ceTime), UNKNOWN_SCHEMA));
    }

    private static void activations(List<BadRecord> l, String c) {
        l.add(acts("reader_id_canary", c, block(c, LAYER, "f32", List.of(1, D_IN), floats(D_IN))));
        l.add(acts("layer_canary", c, block(READER_ID, c, "f32", List.of(1, D_IN), floats(D_IN))));
        l.add(acts("layer_other", c, block(READER_ID, LAYER + 4, "f32", List.of(1, D_IN), floats(D_IN))));
        l.add(acts("dtype_canary", c, block(READER_ID, LAYER, c, List.of(1, D_IN), floats(D_IN))));
        l.add(acts("shape_canary", c, block(READER_ID, LAYER, "f32", c, floats(D_IN))));
        l.add(acts("shape_three_dims", c, block(READER_ID, LAYER, "f32", List.of(1, D_IN, 1), floats(D_IN))));
        l.add(acts("shape_wrong_width", c, block(READER_ID, LAYER, "f32", List.of(1, 100), floats(100))));
        l.add(acts("shape_zero_rows", c, block(READER_ID, LAYER, "f32", List.of(0, D_IN), "")));
        l.add(acts("shape_too_many_rows", c, block(READER_ID, LAYER, "f32", List.of(65_537, D_IN), floats(D_IN))));
        l.add(acts("data_not_base64", c, block(READER_ID, LAYER, "f32", List.of(1, D_IN), c + "!")));
        l.add(acts("data_wrong_length", c, block(READER_ID, LAYER, "f32", List.of(2, D_IN), floats(D_IN))));
        l.add(acts("data_nan", c, block(READER_ID, LAYER, "f32", List.of(1, D_IN), floatsWithNan(D_IN))));
        Map<String, Object> notObject = without(event(c), "text");
        notObject.put("activations", c);
        l.add(json("activations_string", notObject, ACTIVATIONS_MISMATCH));
    }

    /** A plain event with the canary in every free-form field; kinds then break one thing. */
    private static Map<String, Object> event(String c) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", c + "-id");
        m.put("conversationId", c);
        m.put("tenant", c);
        m.put("model", c);
        m.put("role", "prompt");
        m.put("text", "Please repeat " + c);
        return m;
    }

    private static Map<String, Object> structured(String c, Object data) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("specversion", "1.0");
        m.put("id", c + "-id");
        m.put("type", c);
        m.put("source", c);
        m.put("subject", c);
        m.put("tenant", c);
        m.put("data", data);
        return m;
    }

    private static Map<String, String> binaryCe(String c, String specversion) {
        return Map.of("ce_specversion", specversion, "ce_id", c + "-id", "ce_type", c, "ce_source", c, "ce_subject", c,
                "ce_tenant", c, "content-type", "application/json");
    }

    private static Map<String, Object> block(String reader, Object layer, String dtype, Object shape, String data) {
        Map<String, Object> b = new LinkedHashMap<>();
        b.put("readerId", reader);
        b.put("layer", layer);
        b.put("dtype", dtype);
        b.put("shape", shape);
        b.put("data", data);
        return b;
    }

    private static BadRecord acts(String kind, String c, Map<String, Object> block) {
        Map<String, Object> m = without(event(c), "text");
        m.put("activations", block);
        return json(kind, m, ACTIVATIONS_MISMATCH);
    }

    private static Map<String, Object> with(Map<String, Object> m, String key, Object value) {
        m.put(key, value);
        return m;
    }

    private static Map<String, Object> without(Map<String, Object> m, String key) {
        m.remove(key);
        return m;
    }

    private static BadRecord json(String kind, Object value, DeadLetterReason expected) {
        return new BadRecord(kind, bytes(value), Map.of(), expected);
    }

    private static BadRecord raw(String kind, String text) {
        return new BadRecord(kind, text.getBytes(StandardCharsets.UTF_8), Map.of(), MALFORMED_JSON);
    }

    private static BadRecord utf8(String kind, String c, int... bad) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.writeBytes(("{\"id\":\"" + c + "\",\"text\":\"" + c + " ").getBytes(StandardCharsets.UTF_8));
        for (int x : bad) {
            b.write(x);
        }
        b.writeBytes(" tail\"}".getBytes(StandardCharsets.UTF_8));
        return new BadRecord(kind, b.toByteArray(), Map.of(), INVALID_UTF8);
    }

    /** A valid event of exactly {@code size} bytes, the canary at the start of its text. */
    private static byte[] padded(String c, int size) {
        String head = "{\"id\":\"" + c + "-id\",\"tenant\":\"" + c + "\",\"text\":\"" + c + " ";
        String tail = "\"}";
        return (head + "x".repeat(size - head.length() - tail.length()) + tail).getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] bytes(Object value) {
        try {
            return JSON.writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String floats(int n) {
        ByteBuffer bb = ByteBuffer.allocate(n * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < n; i++) {
            bb.putFloat(i / (float) n);
        }
        return Base64.getEncoder().encodeToString(bb.array());
    }

    private static String floatsWithNan(int n) {
        ByteBuffer bb = ByteBuffer.allocate(n * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < n; i++) {
            bb.putFloat(i == n / 2 ? Float.NaN : 0.5f);
        }
        return Base64.getEncoder().encodeToString(bb.array());
    }
}
