package dev.saemonitor.ingest.otel;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.util.JsonFormat;
import dev.saemonitor.config.MonitorConfig.OtlpEncoding;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;

/**
 * Decodes a record of an OTLP topic as the Collector's Kafka exporter writes it: {@code otlp_proto}, the
 * protobuf bytes of one ExportTraceServiceRequest / ExportLogsServiceRequest, or {@code otlp_json}, the
 * OTLP/JSON form of the same message. Never throws for input: what is not such a request is a failure
 * whose detail names the encoding and what was expected, never content.
 */
public final class OtlpDecoder {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final JsonFormat.Parser JSON_FORMAT = JsonFormat.parser().ignoringUnknownFields();

    private OtlpDecoder() {
    }

    /** A decoded request, or why there is none. */
    public record Decoded<T>(T request, String failure) {
        static <T> Decoded<T> failed(String why) {
            return new Decoded<>(null, why);
        }
    }

    public static Decoded<ExportTraceServiceRequest> traces(byte[] value, OtlpEncoding encoding) {
        return decode(value, encoding, ExportTraceServiceRequest.newBuilder(), "resourceSpans", "resource_spans",
                m -> ((ExportTraceServiceRequest) m).getResourceSpansCount());
    }

    public static Decoded<ExportLogsServiceRequest> logs(byte[] value, OtlpEncoding encoding) {
        return decode(value, encoding, ExportLogsServiceRequest.newBuilder(), "resourceLogs", "resource_logs",
                m -> ((ExportLogsServiceRequest) m).getResourceLogsCount());
    }

    @SuppressWarnings("unchecked")
    private static <T extends Message> Decoded<T> decode(byte[] value, OtlpEncoding encoding, Message.Builder builder,
                                                          String field, String protoField,
                                                          java.util.function.ToIntFunction<Message> resources) {
        String what = builder.getDescriptorForType().getName();
        if (value == null || value.length == 0) {
            return Decoded.failed("record has no value");
        }
        try {
            if (encoding == OtlpEncoding.otlp_proto) {
                builder.mergeFrom(value);
                // random bytes can parse as unknown fields only; a request the exporter wrote has resources
                if (resources.applyAsInt(builder.build()) == 0) {
                    return Decoded.failed("not an " + what + " (otlp_proto): no " + protoField);
                }
            } else {
                JsonNode tree = JSON.readTree(value);
                if (!(tree instanceof ObjectNode o) || !(o.path(field).isArray() || o.path(protoField).isArray())) {
                    return Decoded.failed("not an " + what + " (otlp_json): expected an object with an array '" + field + "'");
                }
                String badId = OtlpJsonIds.hexToBase64(o);
                if (badId != null) {
                    return Decoded.failed("not an " + what + " (otlp_json): " + badId);
                }
                JSON_FORMAT.merge(JSON.writeValueAsString(o), builder);
            }
            return new Decoded<>((T) builder.build(), null);
        } catch (InvalidProtocolBufferException e) {
            return Decoded.failed("not an " + what + " (" + encoding + "): invalid " + (encoding == OtlpEncoding.otlp_proto
                    ? "protobuf" : "OTLP/JSON field or value"));
        } catch (JacksonException e) {
            return Decoded.failed("not an " + what + " (otlp_json): not one JSON value in UTF-8");
        } catch (java.io.IOException | RuntimeException e) {
            // JsonFormat's own exceptions may quote the value they refused: only the class is named
            return Decoded.failed("not an " + what + " (" + encoding + "): unreadable (" + e.getClass().getSimpleName() + ")");
        }
    }
}
