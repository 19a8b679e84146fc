package dev.saemonitor.ingest.otel;

import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.logs.v1.LogRecord;
import io.opentelemetry.proto.logs.v1.ResourceLogs;
import io.opentelemetry.proto.logs.v1.ScopeLogs;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import java.util.List;
import java.util.Set;

/**
 * Maps decoded OTLP export requests to the monitor's prompt and completion events (GenAI semantic conventions).
 * <ul>
 * <li>A span (or a log record, as the newer {@code gen_ai.client.inference.operation.details} event) with
 * {@code gen_ai.input.messages} gives a prompt event, with {@code gen_ai.output.messages} a completion event;
 * the event id is the span id in hex, suffixed {@code -prompt} / {@code -completion} when it carries both.</li>
 * <li>A log record of the older event conventions ({@code gen_ai.system|user|assistant|tool.message}: prompt;
 * {@code gen_ai.choice}: completion), named by {@code event_name} or the {@code event.name} attribute, gives one
 * event from its body; its id is the span id, the record's time in nanoseconds and the role, so the several
 * messages of one call stay apart, and ids do not depend on how the collector batched them.</li>
 * </ul>
 * The conversation id is {@code gen_ai.conversation.id}, else the trace id in hex; the model
 * {@code gen_ai.request.model}, else {@code gen_ai.response.model}; the tenant the resource attribute
 * monitor.otel.tenant-attribute. Anything else is skipped with a {@link Skip} reason.
 */
public final class GenAiMapper {
    static final String INPUT = "gen_ai.input.messages";
    static final String OUTPUT = "gen_ai.output.messages";
    private static final Set<String> PROMPT_EVENTS = Set.of("gen_ai.system.message", "gen_ai.user.message",
            "gen_ai.assistant.message", "gen_ai.tool.message");
    private static final String CHOICE_EVENT = "gen_ai.choice";

    private GenAiMapper() {
    }

    public static Mapped spans(ExportTraceServiceRequest request, Mapped.Context ctx) {
        Mapped.Builder out = new Mapped.Builder(ctx);
        for (ResourceSpans rs : request.getResourceSpansList()) {
            for (ScopeSpans ss : rs.getScopeSpansList()) {
                for (Span s : ss.getSpansList()) {
                    String trace = AnyValues.hex(s.getTraceId());
                    Mapped.Ids ids = Mapped.Ids.of(s.getAttributesList(), rs.getResource().getAttributesList(), trace, ctx);
                    if (!messages(out, s.getAttributesList(), idStem(s.getSpanId(), ctx), ids, s.getStartTimeUnixNano(),
                            s.getEndTimeUnixNano())) {
                        out.skip(AnyValues.anyGenAi(s.getAttributesList()) ? Skip.NO_CONTENT : Skip.NOT_GENAI);
                    }
                }
            }
        }
        return out.build();
    }

    public static Mapped logs(ExportLogsServiceRequest request, Mapped.Context ctx) {
        Mapped.Builder out = new Mapped.Builder(ctx);
        for (ResourceLogs rl : request.getResourceLogsList()) {
            for (ScopeLogs sl : rl.getScopeLogsList()) {
                for (LogRecord r : sl.getLogRecordsList()) {
                    List<KeyValue> attrs = r.getAttributesList();
                    Mapped.Ids ids = Mapped.Ids.of(attrs, rl.getResource().getAttributesList(), AnyValues.hex(r.getTraceId()), ctx);
                    long time = r.getTimeUnixNano() > 0 ? r.getTimeUnixNano() : r.getObservedTimeUnixNano();
                    String stem = idStem(r.getSpanId(), ctx);
                    String name = r.getEventName().isEmpty() ? AnyValues.string(attrs, "event.name") : r.getEventName();
                    name = name == null ? "" : name;
                    String role = PROMPT_EVENTS.contains(name) ? "prompt" : CHOICE_EVENT.equals(name) ? "completion" : null;
                    if (role != null) {
                        out.add(GenAiContent.ofBody(r.hasBody() ? r.getBody() : null), stem + "-" + time + "-" + role, ids, role, time);
                    } else if (!messages(out, attrs, stem, ids, time, time)) {
                        boolean genAi = name.startsWith("gen_ai.") || AnyValues.anyGenAi(attrs);
                        out.skip(genAi ? Skip.NO_CONTENT : Skip.NOT_GENAI);
                    }
                }
            }
        }
        return out.build();
    }

    /** Adds the events of the messages attributes; false when there are none. */
    private static boolean messages(Mapped.Builder out, List<KeyValue> attrs, String stem, Mapped.Ids ids, long start, long end) {
        AnyValue in = AnyValues.find(attrs, INPUT);
        AnyValue output = AnyValues.find(attrs, OUTPUT);
        boolean both = in != null && output != null;
        if (in != null) {
            out.add(GenAiContent.ofMessages(in), both ? stem + "-prompt" : stem, ids, "prompt", start);
        }
        if (output != null) {
            out.add(GenAiContent.ofMessages(output), both ? stem + "-completion" : stem, ids, "completion", end);
        }
        return in != null || output != null;
    }

    /** The span id in hex; without one, the record's coordinates (unique within the record through the builder). */
    private static String idStem(com.google.protobuf.ByteString spanId, Mapped.Context ctx) {
        String hex = AnyValues.hex(spanId);
        return hex != null ? hex : ctx.fallbackId();
    }
}
