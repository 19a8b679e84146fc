package dev.saemonitor.ingest.otel;

import com.google.protobuf.ByteString;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.ArrayValue;
import io.opentelemetry.proto.common.v1.InstrumentationScope;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.common.v1.KeyValueList;
import io.opentelemetry.proto.logs.v1.LogRecord;
import io.opentelemetry.proto.logs.v1.ResourceLogs;
import io.opentelemetry.proto.logs.v1.ScopeLogs;
import io.opentelemetry.proto.logs.v1.SeverityNumber;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.HexFormat;
import java.util.List;

/**
 * OTLP export requests built with the official proto classes, as an instrumented application's SDK hands them
 * to the Collector and its Kafka exporter writes them ({@code otlp_proto}: {@code request.toByteArray()}),
 * and the hand-written OTLP/JSON fixtures under {@code src/test/resources/otlp/}.
 */
public final class OtlpSamples {
    public static final String TRACE = "5b8efff798038103d269b633813fc60c";
    public static final long START = 1_764_644_400_000_000_000L;

    private OtlpSamples() {
    }

    public static KeyValue attr(String key, String value) {
        return KeyValue.newBuilder().setKey(key).setValue(str(value)).build();
    }

    public static KeyValue attr(String key, AnyValue value) {
        return KeyValue.newBuilder().setKey(key).setValue(value).build();
    }

    public static AnyValue str(String s) {
        return AnyValue.newBuilder().setStringValue(s).build();
    }

    public static AnyValue kvlist(KeyValue... kvs) {
        return AnyValue.newBuilder().setKvlistValue(KeyValueList.newBuilder().addAllValues(List.of(kvs))).build();
    }

    public static AnyValue array(AnyValue... vs) {
        return AnyValue.newBuilder().setArrayValue(ArrayValue.newBuilder().addAllValues(List.of(vs))).build();
    }

    /** GenAI messages as the JSON string attribute: {@code [{"role", "parts": [{"type": "text", "content"}]}]}. */
    public static String messages(String role, String... texts) {
        StringBuilder parts = new StringBuilder();
        for (String t : texts) {
            parts.append(parts.isEmpty() ? "" : ",").append("{\"type\":\"text\",\"content\":\"").append(t).append("\"}");
        }
        return "[{\"role\":\"" + role + "\",\"parts\":[" + parts + "]}]";
    }

    public static ByteString id(String hex) {
        return ByteString.copyFrom(HexFormat.of().parseHex(hex));
    }

    /** A client span of a chat call (gen_ai.operation.name=chat) with the given extra attributes. */
    public static Span chatSpan(String spanHex, KeyValue... attributes) {
        return Span.newBuilder().setTraceId(id(TRACE)).setSpanId(id(spanHex)).setName("chat gpt-4o")
                .setKind(Span.SpanKind.SPAN_KIND_CLIENT).setStartTimeUnixNano(START).setEndTimeUnixNano(START + 1_500_000_000L)
                .addAttributes(attr("gen_ai.operation.name", "chat")).addAllAttributes(List.of(attributes)).build();
    }

    public static Span plainSpan(String spanHex) {
        return Span.newBuilder().setTraceId(id(TRACE)).setSpanId(id(spanHex)).setName("GET /orders")
                .setKind(Span.SpanKind.SPAN_KIND_SERVER).setStartTimeUnixNano(START).setEndTimeUnixNano(START + 1000)
                .addAttributes(attr("http.request.method", "GET")).build();
    }

    public static ExportTraceServiceRequest traces(String tenant, Span... spans) {
        return ExportTraceServiceRequest.newBuilder().addResourceSpans(ResourceSpans.newBuilder().setResource(resource(tenant))
                .addScopeSpans(ScopeSpans.newBuilder().setScope(InstrumentationScope.newBuilder()
                        .setName("opentelemetry.instrumentation.openai_v2").setVersion("2.1b0")).addAllSpans(List.of(spans))))
                .build();
    }

    /** An older-convention GenAI event; {@code inField}: the name in LogRecord.event_name, else in attribute event.name. */
    public static LogRecord event(String name, boolean inField, AnyValue body, String spanHex, long time) {
        LogRecord.Builder b = LogRecord.newBuilder().setTimeUnixNano(time).setObservedTimeUnixNano(time + 5)
                .setSeverityNumber(SeverityNumber.SEVERITY_NUMBER_INFO).setTraceId(id(TRACE)).setSpanId(id(spanHex))
                .addAttributes(attr("gen_ai.system", "openai"));
        if (inField) {
            b.setEventName(name);
        } else {
            b.addAttributes(attr("event.name", name));
        }
        if (body != null) {
            b.setBody(body);
        }
        return b.build();
    }

    public static ExportLogsServiceRequest logs(String tenant, LogRecord... records) {
        return ExportLogsServiceRequest.newBuilder().addResourceLogs(ResourceLogs.newBuilder().setResource(resource(tenant))
                .addScopeLogs(ScopeLogs.newBuilder().setScope(InstrumentationScope.newBuilder()
                        .setName("opentelemetry.instrumentation.openai_v2")).addAllLogRecords(List.of(records)))).build();
    }

    private static Resource resource(String tenant) {
        Resource.Builder r = Resource.newBuilder().addAttributes(attr("service.name", "chat-gateway"));
        if (tenant != null) {
            r.addAttributes(attr("tenant.id", tenant));
        }
        return r.build();
    }

    /** A hand-written OTLP/JSON fixture from src/test/resources/otlp/. */
    public static byte[] fixture(String name) {
        try (InputStream in = OtlpSamples.class.getResourceAsStream("/otlp/" + name)) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
