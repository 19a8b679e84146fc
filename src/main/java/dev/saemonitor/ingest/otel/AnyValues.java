package dev.saemonitor.ingest.otel;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import java.util.HexFormat;
import java.util.List;

/** Reading OTLP attributes and AnyValues: lookups by key, and an AnyValue as the JSON value it stands for. */
final class AnyValues {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final HexFormat HEX = HexFormat.of();

    private AnyValues() {
    }

    /** The value of attribute {@code key}, or null when absent. */
    static AnyValue find(List<KeyValue> attributes, String key) {
        for (KeyValue kv : attributes) {
            if (kv.getKey().equals(key)) {
                return kv.getValue();
            }
        }
        return null;
    }

    /** The string value of attribute {@code key}; null when absent, empty or not a string. */
    static String string(List<KeyValue> attributes, String key) {
        AnyValue v = find(attributes, key);
        return v == null || !v.hasStringValue() || v.getStringValue().isEmpty() ? null : v.getStringValue();
    }

    /** Whether any attribute belongs to the GenAI semantic conventions ({@code gen_ai.*}). */
    static boolean anyGenAi(List<KeyValue> attributes) {
        return attributes.stream().anyMatch(kv -> kv.getKey().startsWith("gen_ai."));
    }

    /** Lower-case hex of an id ({@code trace_id}, {@code span_id}); null when the id is empty. */
    static String hex(com.google.protobuf.ByteString id) {
        return id.isEmpty() ? null : HEX.formatHex(id.toByteArray());
    }

    /**
     * An AnyValue as JSON: kvlists become objects, arrays arrays, bytes their base64 text (as OTLP/JSON writes
     * them), an unset value null; so a structured {@code gen_ai.input.messages} reads like its JSON-string form.
     */
    static JsonNode json(AnyValue v) {
        return switch (v.getValueCase()) {
            case STRING_VALUE -> NODES.textNode(v.getStringValue());
            case BOOL_VALUE -> NODES.booleanNode(v.getBoolValue());
            case INT_VALUE -> NODES.numberNode(v.getIntValue());
            case DOUBLE_VALUE -> NODES.numberNode(v.getDoubleValue());
            case BYTES_VALUE -> NODES.textNode(java.util.Base64.getEncoder().encodeToString(v.getBytesValue().toByteArray()));
            case ARRAY_VALUE -> {
                ArrayNode a = NODES.arrayNode();
                v.getArrayValue().getValuesList().forEach(e -> a.add(json(e)));
                yield a;
            }
            case KVLIST_VALUE -> {
                ObjectNode o = NODES.objectNode();
                v.getKvlistValue().getValuesList().forEach(kv -> o.set(kv.getKey(), json(kv.getValue())));
                yield o;
            }
            default -> NODES.nullNode();
        };
    }
}
