package dev.saemonitor.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;

/**
 * CloudEvents 1.0 around an event: binary mode ({@code ce_*} headers, body = data), structured mode
 * ({@code application/cloudevents+json}, or a body with {@code specversion}), or none (plain JSON).
 */
record CloudEventEnvelope(JsonNode data, String id, String time, String subject, String tenant) {
    static final String SPEC_VERSION = "1.0";

    /** The unwrapped envelope, or why the record has none we accept (never both null). */
    record Unwrapped(CloudEventEnvelope envelope, ParseResult failure) {
    }

    static Unwrapped unwrap(JsonNode root, Map<String, String> headers) {
        if (headers.containsKey("ce_specversion")) {
            if (!SPEC_VERSION.equals(headers.get("ce_specversion"))) {
                return fail(DeadLetterReason.UNKNOWN_SCHEMA, "ce_specversion header must be " + SPEC_VERSION);
            }
            return ok(new CloudEventEnvelope(root, headers.get("ce_id"), headers.get("ce_time"), headers.get("ce_subject"),
                    headers.get("ce_tenant")));
        }
        String contentType = headers.getOrDefault("content-type", "");
        if (!contentType.startsWith("application/cloudevents+json") && !root.has("specversion")) {
            return ok(new CloudEventEnvelope(root, null, null, null, null));
        }
        if (!SPEC_VERSION.equals(root.path("specversion").textValue())) {
            return fail(DeadLetterReason.UNKNOWN_SCHEMA, "structured CloudEvent: specversion must be \"" + SPEC_VERSION + "\"");
        }
        for (String attr : new String[] {"id", "time", "subject", "tenant"}) {
            if (!EventFields.absentOrString(root, attr)) {
                return fail(DeadLetterReason.INVALID_FIELD, "CloudEvent attribute '" + attr + "' must be a string");
            }
        }
        JsonNode data = root.path("data");
        if (!data.isObject()) {
            return fail(DeadLetterReason.MISSING_TEXT, "structured CloudEvent has no JSON object in 'data'");
        }
        return ok(new CloudEventEnvelope(data, root.path("id").textValue(), root.path("time").textValue(),
                root.path("subject").textValue(), root.path("tenant").textValue()));
    }

    private static Unwrapped ok(CloudEventEnvelope e) {
        return new Unwrapped(e, null);
    }

    private static Unwrapped fail(DeadLetterReason reason, String detail) {
        return new Unwrapped(null, ParseResult.bad(reason, detail));
    }
}
