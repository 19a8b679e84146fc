package dev.saemonitor.ingest.otel;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Base64;
import java.util.HexFormat;

/**
 * OTLP/JSON writes trace and span ids as hex strings, where the proto3 JSON mapping that protobuf's
 * {@code JsonFormat} follows reads every {@code bytes} field as base64. Hex digits are valid base64, so
 * JsonFormat alone does not refuse the ids: it silently decodes a 32-digit trace id to 24 wrong bytes. The
 * ids are therefore rewritten hex → base64 in the tree before JsonFormat reads it, at the places OTLP
 * defines them: spans ({@code traceId}, {@code spanId}, {@code parentSpanId}), their links, and log records
 * ({@code traceId}, {@code spanId}); camelCase and the proto names alike, as JsonFormat accepts both.
 */
final class OtlpJsonIds {
    private static final String[] ID_FIELDS = {"traceId", "trace_id", "spanId", "span_id", "parentSpanId", "parent_span_id"};

    private OtlpJsonIds() {
    }

    /** Rewrites the ids in place; returns what is wrong with one that is not hex (no value quoted), else null. */
    static String hexToBase64(ObjectNode request) {
        for (String[] path : new String[][] {{"resourceSpans", "scopeSpans", "spans"}, {"resourceLogs", "scopeLogs", "logRecords"}}) {
            for (JsonNode resource : either(request, path[0])) {
                for (JsonNode scope : either(resource, path[1])) {
                    for (JsonNode item : either(scope, path[2])) {
                        String bad = rewrite(item);
                        for (JsonNode link : either(item, "links")) {
                            bad = bad != null ? bad : rewrite(link);
                        }
                        if (bad != null) {
                            return bad;
                        }
                    }
                }
            }
        }
        return null;
    }

    private static String rewrite(JsonNode item) {
        if (!(item instanceof ObjectNode o)) {
            return null;
        }
        for (String f : ID_FIELDS) {
            JsonNode v = o.get(f);
            if (v == null || v.isNull()) {
                continue;
            }
            if (!v.isTextual() || v.textValue().length() % 2 != 0 || !v.textValue().chars().allMatch(HexFormat::isHexDigit)) {
                return "field '" + f + "' must be a hex string";
            }
            o.put(f, Base64.getEncoder().encodeToString(HexFormat.of().parseHex(v.textValue())));
        }
        return null;
    }

    /** The array under a field's camelCase name or its proto name (lower_snake_case). */
    private static Iterable<JsonNode> either(JsonNode n, String camel) {
        JsonNode v = n.path(camel);
        if (!v.isArray()) {
            v = n.path(camel.replaceAll("([A-Z])", "_$1").toLowerCase(java.util.Locale.ROOT));
        }
        return v.isArray() ? v : java.util.List.of();
    }
}
