package dev.saemonitor.ingest.otel;

import static dev.saemonitor.ingest.otel.OtlpSamples.TRACE;
import static dev.saemonitor.ingest.otel.OtlpSamples.attr;
import static dev.saemonitor.ingest.otel.OtlpSamples.chatSpan;
import static dev.saemonitor.ingest.otel.OtlpSamples.id;
import static dev.saemonitor.ingest.otel.OtlpSamples.messages;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.util.JsonFormat;
import dev.saemonitor.config.MonitorConfig.OtlpEncoding;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.logs.v1.LogRecord;
import io.opentelemetry.proto.trace.v1.Span;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Records as the Collector's Kafka exporter writes them, in both encodings, and what is not such a record. */
class OtlpDecoderTest {
    private static final String SECRET = "zebra-quartz-secret-prompt";

    @Test
    void protoBytesDecodeToTheRequestTheExporterSerialized() {
        ExportTraceServiceRequest sent = OtlpSamples.traces("acme", chatSpan("eee19b7ec3c1b174",
                attr("gen_ai.input.messages", messages("user", "hello"))));
        OtlpDecoder.Decoded<ExportTraceServiceRequest> d = OtlpDecoder.traces(sent.toByteArray(), OtlpEncoding.otlp_proto);
        assertThat(d.failure()).isNull();
        assertThat(d.request()).isEqualTo(sent);
    }

    @Test
    void otlpJsonReadsHexIdsCamelCaseIntegerEnumsAndStringInt64s() {
        OtlpDecoder.Decoded<ExportTraceServiceRequest> d = OtlpDecoder.traces(OtlpSamples.fixture("genai-traces.json"),
                OtlpEncoding.otlp_json);
        assertThat(d.failure()).isNull();
        Span chat = d.request().getResourceSpans(0).getScopeSpans(0).getSpans(0);
        assertThat(chat.getTraceId()).isEqualTo(id(TRACE));
        assertThat(chat.getSpanId()).isEqualTo(id("eee19b7ec3c1b174"));
        assertThat(chat.getParentSpanId().isEmpty()).isTrue();
        assertThat(chat.getKind()).isEqualTo(Span.SpanKind.SPAN_KIND_CLIENT);
        assertThat(chat.getStartTimeUnixNano()).isEqualTo(1_764_644_400_000_000_000L);
        assertThat(AnyValues.find(chat.getAttributesList(), "gen_ai.usage.input_tokens").getIntValue()).isEqualTo(12);
        assertThat(AnyValues.find(chat.getAttributesList(), "gen_ai.output.messages").hasArrayValue()).isTrue();
        Span tool = d.request().getResourceSpans(0).getScopeSpans(0).getSpans(1);
        assertThat(tool.getParentSpanId()).isEqualTo(id("eee19b7ec3c1b174"));
        assertThat(tool.getLinks(0).getTraceId()).isEqualTo(id("0af7651916cd43dd8448eb211c80319c"));
        assertThat(tool.getLinks(0).getSpanId()).isEqualTo(id("b7ad6b7169203331"));
        assertThat(tool.getStatus().getCodeValue()).isEqualTo(1);
    }

    @Test
    void otlpJsonLogsReadUpperCaseHexIdsAndTheEventNameField() {
        OtlpDecoder.Decoded<ExportLogsServiceRequest> d = OtlpDecoder.logs(OtlpSamples.fixture("genai-logs.json"),
                OtlpEncoding.otlp_json);
        assertThat(d.failure()).isNull();
        LogRecord user = d.request().getResourceLogs(0).getScopeLogs(0).getLogRecords(0);
        assertThat(user.getTraceId()).isEqualTo(id(TRACE));
        assertThat(user.getSpanId()).isEqualTo(id("eee19b7ec3c1b174"));
        assertThat(user.getEventName()).isEqualTo("gen_ai.user.message");
        assertThat(user.getTimeUnixNano()).isEqualTo(1_764_644_400_000_000_001L);
    }

    /** Why OtlpJsonIds exists: JsonFormat reads the hex ids as base64 without complaint, to wrong bytes. */
    @Test
    void jsonFormatAloneMisreadsHexIdsAsBase64() throws Exception {
        ExportTraceServiceRequest.Builder b = ExportTraceServiceRequest.newBuilder();
        JsonFormat.parser().ignoringUnknownFields().merge(new String(OtlpSamples.fixture("genai-traces.json"),
                StandardCharsets.UTF_8), b);
        assertThat(b.getResourceSpans(0).getScopeSpans(0).getSpans(0).getTraceId().size()).isEqualTo(24).isNotEqualTo(16);
    }

    @Test
    void whatIsNotARequestInTheConfiguredEncodingFailsWithADetailThatQuotesNothing() {
        byte[] garbage = new byte[512];
        new Random(7).nextBytes(garbage);
        byte[] text = ("{\"id\":\"e1\",\"text\":\"" + SECRET + "\"}").getBytes(StandardCharsets.UTF_8);
        byte[] proto = OtlpSamples.traces(null, chatSpan("eee19b7ec3c1b174")).toByteArray();
        byte[] badHex = new String(OtlpSamples.fixture("genai-traces.json"), StandardCharsets.UTF_8)
                .replace("eee19b7ec3c1b174", SECRET).getBytes(StandardCharsets.UTF_8);
        for (byte[] v : new byte[][] {garbage, text, SECRET.getBytes(StandardCharsets.UTF_8), OtlpSamples.fixture("genai-traces.json"),
                new byte[0]}) {
            assertFailsQuotingNothing(OtlpDecoder.traces(v, OtlpEncoding.otlp_proto).failure());
        }
        for (byte[] v : new byte[][] {garbage, text, proto, badHex, "[1,2]".getBytes(StandardCharsets.UTF_8),
                "{\"resourceSpans\": {}}".getBytes(StandardCharsets.UTF_8), "{\"resourceSpans\": [{\"scopeSpans\": 3}]}"
                .getBytes(StandardCharsets.UTF_8)}) {
            assertFailsQuotingNothing(OtlpDecoder.traces(v, OtlpEncoding.otlp_json).failure());
        }
        assertFailsQuotingNothing(OtlpDecoder.logs(garbage, OtlpEncoding.otlp_proto).failure());
        assertFailsQuotingNothing(OtlpDecoder.logs(text, OtlpEncoding.otlp_json).failure());
    }

    private static void assertFailsQuotingNothing(String failure) {
        assertThat(failure).isNotBlank().doesNotContain(SECRET).doesNotContain("zebra");
    }
}
