package dev.saemonitor.ingest.otel;

import static dev.saemonitor.ingest.otel.OtlpSamples.START;
import static dev.saemonitor.ingest.otel.OtlpSamples.TRACE;
import static dev.saemonitor.ingest.otel.OtlpSamples.array;
import static dev.saemonitor.ingest.otel.OtlpSamples.attr;
import static dev.saemonitor.ingest.otel.OtlpSamples.chatSpan;
import static dev.saemonitor.ingest.otel.OtlpSamples.event;
import static dev.saemonitor.ingest.otel.OtlpSamples.kvlist;
import static dev.saemonitor.ingest.otel.OtlpSamples.messages;
import static dev.saemonitor.ingest.otel.OtlpSamples.str;
import static org.assertj.core.api.Assertions.assertThat;

import dev.saemonitor.config.MonitorConfig.OtlpEncoding;
import dev.saemonitor.ingest.LlmEvent;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** GenAI spans and event log records to prompt and completion events; everything else skipped with a reason. */
class GenAiMapperTest {
    private static final Instant RECORD_TIME = Instant.parse("2026-12-02T03:00:00Z");
    private static final Mapped.Context CTX = new Mapped.Context("tenant.id", 200, "otlp_spans-0-42", RECORD_TIME);

    @Test
    void aSpanWithInputAndOutputMessagesGivesAPromptAndACompletionWithSuffixedIds() {
        Mapped m = GenAiMapper.spans(OtlpSamples.traces("acme", chatSpan("eee19b7ec3c1b174",
                attr("gen_ai.conversation.id", "conv-1"), attr("gen_ai.request.model", "gpt-4o"),
                attr("gen_ai.response.model", "gpt-4o-2024-08-06"),
                attr("gen_ai.input.messages", "[{\"role\":\"system\",\"parts\":[{\"type\":\"text\",\"content\":\"Be brief.\"}]},"
                        + "{\"role\":\"user\",\"parts\":[{\"type\":\"text\",\"content\":\"Hi there\"}]}]"),
                attr("gen_ai.output.messages", messages("assistant", "Hello!", "How can I help?")))), CTX);
        assertThat(m.skipped()).isEmpty();
        assertThat(m.events()).hasSize(2);
        LlmEvent prompt = m.events().get(0);
        LlmEvent completion = m.events().get(1);
        assertThat(prompt).isEqualTo(new LlmEvent("eee19b7ec3c1b174-prompt", "conv-1", "acme", "gpt-4o", "prompt",
                "Be brief.\nHi there", Instant.ofEpochSecond(0, START), null, 18));
        assertThat(completion.id()).isEqualTo("eee19b7ec3c1b174-completion");
        assertThat(completion.role()).isEqualTo("completion");
        assertThat(completion.text()).isEqualTo("Hello!\nHow can I help?");
        assertThat(completion.time()).isEqualTo(Instant.ofEpochSecond(0, START + 1_500_000_000L));
    }

    @Test
    void oneSideOnlyTakesTheBareSpanIdTheTraceIdAsConversationAndTheResponseModel() {
        Mapped m = GenAiMapper.spans(OtlpSamples.traces(null, chatSpan("0102030405060708",
                attr("gen_ai.response.model", "gpt-4o-mini"), attr("gen_ai.output.messages", messages("assistant", "Sure.")))), CTX);
        LlmEvent e = m.events().get(0);
        assertThat(e.id()).isEqualTo("0102030405060708");
        assertThat(e.conversationId()).isEqualTo(TRACE);
        assertThat(e.model()).isEqualTo("gpt-4o-mini");
        assertThat(e.tenant()).isNull();
    }

    @Test
    void structuredMessagesReadAsTheirJsonStringForm() {
        var part = kvlist(attr("type", "text"), attr("content", "Hi there"));
        var structured = array(kvlist(attr("role", "user"), attr("parts", array(part, kvlist(attr("type", "blob"))))));
        Mapped m = GenAiMapper.spans(OtlpSamples.traces("acme", chatSpan("eee19b7ec3c1b174",
                attr("gen_ai.input.messages", structured))), CTX);
        assertThat(m.events()).extracting(LlmEvent::text).containsExactly("Hi there");
        Mapped flat = GenAiMapper.spans(OtlpSamples.traces("acme", chatSpan("eee19b7ec3c1b174", attr("gen_ai.input.messages",
                "[{\"role\":\"user\",\"content\":\"Hi there\"},{\"role\":\"user\",\"content\":7}]"))), CTX);
        assertThat(flat.events()).extracting(LlmEvent::text).containsExactly("Hi there");
    }

    @Test
    void nonGenAiAndContentlessSpansAreSkippedWithTheirReason() {
        Mapped m = GenAiMapper.spans(OtlpSamples.traces("acme",
                OtlpSamples.plainSpan("1112131415161718"),
                chatSpan("2122232425262728"),
                chatSpan("3132333435363738", attr("gen_ai.input.messages", "not json [")),
                chatSpan("4142434445464748", attr("gen_ai.input.messages", "{\"role\":\"user\"}")),
                chatSpan("5152535455565758", attr("gen_ai.input.messages", messages("user", "   "))),
                chatSpan("6162636465666768", attr("gen_ai.output.messages",
                        "[{\"role\":\"assistant\",\"parts\":[{\"type\":\"tool_call\",\"name\":\"lookup\"}]}]")),
                chatSpan("7172737475767778", attr("gen_ai.input.messages", messages("user", "x".repeat(201)))),
                chatSpan("8182838485868788", attr("gen_ai.input.messages", messages("user", "kept")))), CTX);
        assertThat(m.events()).extracting(LlmEvent::id).containsExactly("8182838485868788");
        assertThat(m.skipped()).isEqualTo(Map.of(Skip.NOT_GENAI, 1, Skip.NO_CONTENT, 2, Skip.INVALID_CONTENT, 2,
                Skip.EMPTY_TEXT, 1, Skip.OVERSIZE, 1));
    }

    @Test
    void olderConventionEventsGiveOneEventEachFromTheirBody() {
        String span = "eee19b7ec3c1b174";
        Mapped m = GenAiMapper.logs(OtlpSamples.logs("acme",
                event("gen_ai.system.message", false, kvlist(attr("content", "You are a travel agent.")), span, START),
                event("gen_ai.user.message", true, kvlist(attr("content", "Which trains go to Lyon?")), span, START + 1),
                event("gen_ai.assistant.message", true, str("Earlier answer."), span, START + 2),
                event("gen_ai.choice", true, kvlist(attr("index", "0"), attr("finish_reason", "stop"),
                        attr("message", kvlist(attr("role", "assistant"), attr("content", "Hourly TGVs.")))), span, START + 3),
                event("gen_ai.user.message", true, null, span, START + 4),
                event("gen_ai.user.message", true, kvlist(attr("content", kvlist())), span, START + 5),
                io.opentelemetry.proto.logs.v1.LogRecord.newBuilder().setEventName("http.request").setBody(str("GET /orders"))
                        .setSpanId(OtlpSamples.id(span)).build()), CTX);
        assertThat(m.events()).extracting(LlmEvent::id, LlmEvent::role, LlmEvent::text).containsExactly(
                org.assertj.core.groups.Tuple.tuple(span + "-" + START + "-prompt", "prompt", "You are a travel agent."),
                org.assertj.core.groups.Tuple.tuple(span + "-" + (START + 1) + "-prompt", "prompt", "Which trains go to Lyon?"),
                org.assertj.core.groups.Tuple.tuple(span + "-" + (START + 2) + "-prompt", "prompt", "Earlier answer."),
                org.assertj.core.groups.Tuple.tuple(span + "-" + (START + 3) + "-completion", "completion", "Hourly TGVs."));
        assertThat(m.events()).allSatisfy(e -> {
            assertThat(e.conversationId()).isEqualTo(TRACE);
            assertThat(e.tenant()).isEqualTo("acme");
        });
        assertThat(m.skipped()).isEqualTo(Map.of(Skip.NO_CONTENT, 1, Skip.INVALID_CONTENT, 1, Skip.NOT_GENAI, 1));
    }

    @Test
    void logRecordsWithoutASpanIdOrTimeTakeTheRecordsCoordinatesAndTimeAndStayDistinct() {
        var noIds = io.opentelemetry.proto.logs.v1.LogRecord.newBuilder().setEventName("gen_ai.user.message")
                .setBody(kvlist(attr("content", "one"))).build();
        Mapped m = GenAiMapper.logs(OtlpSamples.logs(null, noIds, noIds.toBuilder().setBody(kvlist(attr("content", "two"))).build()), CTX);
        assertThat(m.events()).extracting(LlmEvent::id).containsExactly("otlp_spans-0-42-0-prompt", "otlp_spans-0-42-0-prompt-2");
        assertThat(m.events()).extracting(LlmEvent::time).containsOnly(RECORD_TIME);
        assertThat(m.events()).extracting(LlmEvent::conversationId).containsOnlyNulls();
    }

    @Test
    void theHandWrittenJsonFixturesMapEndToEnd() {
        Mapped spans = GenAiMapper.spans(OtlpDecoder.traces(OtlpSamples.fixture("genai-traces.json"), OtlpEncoding.otlp_json)
                .request(), CTX);
        assertThat(spans.events()).extracting(LlmEvent::id, LlmEvent::conversationId, LlmEvent::model).containsExactly(
                org.assertj.core.groups.Tuple.tuple("eee19b7ec3c1b174-prompt", "conv-json-spans", "gpt-4o"),
                org.assertj.core.groups.Tuple.tuple("eee19b7ec3c1b174-completion", "conv-json-spans", "gpt-4o"),
                org.assertj.core.groups.Tuple.tuple("0102030405060708", TRACE, "gpt-4o-mini"));
        assertThat(spans.events().get(0).text()).isEqualTo("You are a travel agent.\nWhich trains go to Lyon?");
        assertThat(spans.events().get(1).text()).isEqualTo("The TGV leaves Paris Gare de Lyon hourly.");
        assertThat(spans.events().get(2).text()).isEqualTo("Checking the timetable.");
        assertThat(spans.skipped()).isEqualTo(Map.of(Skip.NOT_GENAI, 1));

        Mapped logs = GenAiMapper.logs(OtlpDecoder.logs(OtlpSamples.fixture("genai-logs.json"), OtlpEncoding.otlp_json)
                .request(), CTX);
        assertThat(logs.events()).extracting(LlmEvent::id, LlmEvent::role, LlmEvent::conversationId).containsExactly(
                org.assertj.core.groups.Tuple.tuple("eee19b7ec3c1b174-1764644400000000001-prompt", "prompt", "conv-json-logs"),
                org.assertj.core.groups.Tuple.tuple("eee19b7ec3c1b174-1764644401500000000-completion", "completion", "conv-json-logs"));
        assertThat(logs.skipped()).isEqualTo(Map.of(Skip.NOT_GENAI, 1));
        assertThat(List.of(logs.events().get(0).tenant(), logs.events().get(1).text()))
                .containsExactly("acme", "The TGV leaves Paris Gare de Lyon hourly.");
    }
}
