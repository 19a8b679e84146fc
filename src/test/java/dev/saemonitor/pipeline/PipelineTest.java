package dev.saemonitor.pipeline;

import org.junit.jupiter.api.Tag;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.saemonitor.config.Topics;
import dev.saemonitor.ingest.otel.OtlpSamples;
import dev.saemonitor.publish.DeadLetterPublisher;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The service against a real broker: events in, verdicts, flags and dead letters out, read back with plain clients. */
@QuarkusTest
@Tag("quarkus")
@QuarkusTestResource(value = KafkaBrokerResource.class, restrictToAnnotatedClass = false)
class PipelineTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final String SECRET = "zebra-quartz-secret-prompt";
    private static KafkaTestClient kafka;

    @BeforeAll
    static void clients() {
        kafka = new KafkaTestClient(KafkaBrokerResource.bootstrapServers());
    }

    @AfterAll
    static void closeClients() {
        kafka.close();
    }

    private static String id(String prefix) {
        return prefix + "-" + UUID.randomUUID();
    }

    private static Map<String, JsonNode> verdictsFor(String topic, Set<String> ids) {
        List<ConsumerRecord<String, byte[]>> recs = kafka.readUntil(topic, WAIT, got -> parse(got).keySet().containsAll(ids));
        return parse(recs);
    }

    private static Map<String, JsonNode> parse(List<ConsumerRecord<String, byte[]>> recs) {
        return recs.stream().map(r -> {
            try {
                return JSON.readTree(r.value());
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }).collect(Collectors.toMap(n -> n.path("eventId").asText(), n -> n, (a, b) -> a));
    }

    @Test
    void plainJsonEventsGiveVerdictsAndCriticalFlags() throws Exception {
        Set<String> ids = new HashSet<>();
        for (int i = 0; i < 12; i++) {
            String id = id("plain");
            ids.add(id);
            kafka.send(Topics.EVENTS, "conv-" + i, JSON.writeValueAsString(Map.of("id", id, "conversationId", "conv-" + i,
                    "tenant", "acme", "role", i % 2 == 0 ? "prompt" : "completion",
                    "text", "Message number " + i + " about the quarterly report and café menus ☕.")));
        }
        Map<String, JsonNode> verdicts = verdictsFor(Topics.VERDICTS, ids);
        Set<String> coordinates = new HashSet<>();
        for (String id : ids) {
            JsonNode v = verdicts.get(id);
            // where the event is, so a reviewer can fetch its text: one distinct input record per verdict
            assertThat(v.path("source").path("topic").asText()).isEqualTo(Topics.EVENTS);
            assertThat(v.path("source").path("partition").asInt(-1)).isBetween(0, Topics.DEFAULT_PARTITIONS - 1);
            assertThat(v.path("source").path("offset").asLong(-1)).isGreaterThanOrEqualTo(0);
            assertThat(coordinates.add(v.path("source").path("partition").asInt() + "@" + v.path("source").path("offset").asLong()))
                    .as("distinct coordinates").isTrue();
            assertThat(v.toString()).doesNotContain("quarterly report");
            assertThat(v.path("tokens").asInt()).isGreaterThan(5);
            assertThat(v.path("conversationId").asText()).startsWith("conv-");
            assertThat(v.path("pack").path("sha256").asText()).hasSize(64);
            assertThat(v.path("categories")).hasSize(4);
            assertThat(v.path("flagged").asBoolean()).isTrue();
            assertThat(v.path("severity").asText()).isEqualTo("critical");
        }
        List<ConsumerRecord<String, byte[]>> flags = kafka.readUntil(Topics.FLAGS, WAIT,
                got -> parse(got).keySet().containsAll(ids));
        ConsumerRecord<String, byte[]> one = flags.stream().filter(r -> ids.contains(parseOne(r).path("eventId").asText()))
                .findFirst().orElseThrow();
        assertThat(KafkaTestClient.header(one, "ce_specversion")).isEqualTo("1.0");
        assertThat(KafkaTestClient.header(one, "ce_type")).isEqualTo("dev.saemonitor.verdict.v1");
        assertThat(one.key()).startsWith("conv-");
    }

    private static JsonNode parseOne(ConsumerRecord<String, byte[]> r) {
        return parse(List.of(r)).values().iterator().next();
    }

    @Test
    void cloudEventsBinaryAndStructuredModesAndChatMessages() throws Exception {
        String binary = id("ce-bin");
        kafka.send(Topics.EVENTS, "conv-ce", JSON.writeValueAsBytes(Map.of("role", "completion", "text", "Binary mode text.")),
                Map.of("ce_specversion", "1.0", "ce_id", binary, "ce_type", "llm.completion", "ce_source", "gw",
                        "content-type", "application/json"));
        String structured = id("ce-struct");
        kafka.send(Topics.EVENTS, "conv-ce", JSON.writeValueAsBytes(Map.of("specversion", "1.0", "id", structured,
                "type", "llm.prompt", "source", "gw", "datacontenttype", "application/json",
                "data", Map.of("role", "prompt", "conversationId", "conv-ce", "text", "Structured mode text."))),
                Map.of("content-type", "application/cloudevents+json"));
        String chat = id("chat");
        kafka.send(Topics.EVENTS, "conv-chat", JSON.writeValueAsString(Map.of("id", chat, "messages", List.of(
                Map.of("role", "user", "content", "Hello there"), Map.of("role", "assistant", "content", "Hi, how can I help?")))));
        Map<String, JsonNode> v = verdictsFor(Topics.VERDICTS, Set.of(binary, structured, chat));
        assertThat(v.get(binary).path("role").asText()).isEqualTo("completion");
        assertThat(v.get(structured).path("conversationId").asText()).isEqualTo("conv-ce");
        assertThat(v.get(chat).path("role").asText()).isEqualTo("completion");
        assertThat(v.get(chat).path("tokens").asInt()).isGreaterThan(5);
    }

    @Test
    void activationsCarriedInTheEventSkipTheReader() throws Exception {
        int t = 5, d = 384;
        ByteBuffer bb = ByteBuffer.allocate(t * d * 4).order(ByteOrder.LITTLE_ENDIAN);
        Random r = new Random(3);
        for (int i = 0; i < t * d; i++) {
            bb.putFloat((float) r.nextGaussian());
        }
        String id = id("acts");
        kafka.send(Topics.EVENTS, "conv-acts", JSON.writeValueAsString(Map.of("id", id, "role", "completion",
                "activations", Map.of("readerId", "all-minilm-l6-v2-q", "layer", 3, "dtype", "f32",
                        "shape", List.of(t, d), "data", Base64.getEncoder().encodeToString(bb.array())))));
        JsonNode v = verdictsFor(Topics.VERDICTS, Set.of(id)).get(id);
        assertThat(v.path("tokens").asInt()).isEqualTo(5);
        assertThat(v.path("windows").asInt()).isZero();
    }

    @Test
    void everyBadInputGoesToTheDeadLetterTopicWithItsReasonAndNoText() throws Exception {
        String tag = UUID.randomUUID().toString();
        Map<String, byte[]> bad = new java.util.LinkedHashMap<>();
        bad.put("malformed_json", ("{\"id\": \"x\", \"text\": \"" + SECRET + "\"").getBytes(StandardCharsets.UTF_8));
        bad.put("missing_text", JSON.writeValueAsBytes(Map.of("id", "m", "role", "prompt")));
        bad.put("empty_text", JSON.writeValueAsBytes(Map.of("id", "e", "text", "   ")));
        bad.put("invalid_utf8", new byte[] {'{', '"', 't', 'e', 'x', 't', '"', ':', '"', (byte) 0xC3, (byte) 0x28, '"', '}'});
        bad.put("oversize", JSON.writeValueAsBytes(Map.of("id", "o", "text", SECRET + "x".repeat(70_000))));
        bad.put("unknown_schema", JSON.writeValueAsBytes(Map.of("specversion", "2.0", "id", "u", "data", Map.of("text", SECRET))));
        bad.put("activations_mismatch", JSON.writeValueAsBytes(Map.of("id", "a", "activations", Map.of("readerId", "other-reader",
                "layer", 3, "dtype", "f32", "shape", List.of(1, 384), "data", ""))));
        for (var e : bad.entrySet()) {
            kafka.send(Topics.EVENTS, "dlq-" + tag, e.getValue(), Map.of("test-reason", e.getKey()));
        }
        // the partition keeps flowing: a good event after the bad ones is scored
        String after = id("after-bad");
        kafka.send(Topics.EVENTS, "dlq-" + tag, JSON.writeValueAsString(Map.of("id", after, "text", "Still flowing.")));
        List<ConsumerRecord<String, byte[]>> dl = kafka.readUntil(Topics.DLQ, WAIT,
                got -> got.stream().filter(r -> ("dlq-" + tag).equals(r.key())).count() >= bad.size());
        Map<String, ConsumerRecord<String, byte[]>> byExpected = dl.stream().filter(r -> ("dlq-" + tag).equals(r.key()))
                .collect(Collectors.toMap(r -> KafkaTestClient.header(r, "test-reason"), r -> r));
        for (String reason : bad.keySet()) {
            ConsumerRecord<String, byte[]> r = byExpected.get(reason);
            assertThat(r).as(reason).isNotNull();
            assertThat(KafkaTestClient.header(r, DeadLetterPublisher.REASON)).isEqualTo(reason);
            assertThat(r.value()).as("original bytes kept").isEqualTo(bad.get(reason));
            for (var h : r.headers()) {
                assertThat(new String(h.value(), StandardCharsets.UTF_8)).doesNotContain(SECRET);
            }
        }
        assertThat(verdictsFor(Topics.VERDICTS, Set.of(after))).containsKey(after);
        given().when().get(managementUrl("/q/health/ready")).then().statusCode(200);
    }

    @Test
    void httpEndpointScoresSynchronouslyAndRefusesBadInput() {
        JsonNode v = JSON.valueToTree(given().contentType("application/json")
                .body("{\"id\":\"http-1\",\"role\":\"prompt\",\"text\":\"Déjà vu: please summarise this memo.\"}")
                .when().post("/api/v1/score").then().statusCode(200).extract().as(Map.class));
        assertThat(v.path("eventId").asText()).isEqualTo("http-1");
        assertThat(v.has("source")).as("source present, null: no input record").isTrue();
        assertThat(v.path("source").isNull()).isTrue();
        assertThat(v.path("tokens").asInt()).isGreaterThan(3);
        for (JsonNode e : v.path("evidence")) {
            assertThat(e.path("span").path("end").asInt()).isGreaterThan(e.path("span").path("start").asInt());
        }
        given().contentType("application/json").body("{\"text\": ").when().post("/api/v1/score")
                .then().statusCode(400).body("error", org.hamcrest.Matchers.equalTo("malformed_json"));
        given().when().get("/api/v1/pack").then().statusCode(200)
                .body("name", org.hamcrest.Matchers.equalTo("test-topk"))
                .body("categories.size()", org.hamcrest.Matchers.equalTo(4));
    }

    @Test
    void scrapeHasTheListedMetrics() throws Exception {
        String id = id("metrics");
        kafka.send(Topics.EVENTS, "conv-m", JSON.writeValueAsString(Map.of("id", id, "tenant", "acme", "text", "count me")));
        verdictsFor(Topics.VERDICTS, Set.of(id));
        await().atMost(WAIT).untilAsserted(() -> {
            String scrape = given().when().get(managementUrl("/q/metrics")).then().statusCode(200).extract().asString();
            for (String m : List.of("sae_monitor_events_received_total", "sae_monitor_events_total{outcome=\"scored\"",
                    "sae_monitor_flags_total{category=\"dangerous_content\"", "sae_monitor_category_score_bucket",
                    "sae_monitor_stage_seconds_bucket{stage=\"reader\"", "sae_monitor_stage_seconds_bucket{stage=\"sae\"",
                    "sae_monitor_batch_events_bucket", "sae_monitor_batch_tokens_bucket", "sae_monitor_end_to_end_seconds_bucket",
                    "sae_monitor_consumer_lag_records", "sae_monitor_inflight_events", "sae_monitor_last_processed_timestamp_seconds",
                    "sae_monitor_pack_info{", "sae_monitor_pack_load_failures_total", "sae_monitor_feature_active_events_total",
                    "sae_monitor_feature_expected_rate", "sae_monitor_alerts_pushed_total", "sae_monitor_execution_provider_info",
                    "kafka_consumer_")) {
                assertThat(scrape).as(m).contains(m);
            }
            assertThat(scrape).doesNotContain(SECRET).doesNotContain(id);
        });
    }

    /**
     * OpenTelemetry GenAI input: a span record in otlp_proto (the exporter's default) with a prompt, a completion and a
     * non-GenAI span, a log record in otlp_json (older event conventions), and a record that is not OTLP at all.
     */
    @Test
    void openTelemetryGenAiRecordsInBothEncodingsGetVerdictsAndGarbageIsDeadLettered() throws Exception {
        String span = hex16();
        String conv = id("otel-conv");
        kafka.send(Topics.OTLP_SPANS, null, OtlpSamples.traces("acme", OtlpSamples.chatSpan(span,
                OtlpSamples.attr("gen_ai.conversation.id", conv), OtlpSamples.attr("gen_ai.request.model", "gpt-4o"),
                OtlpSamples.attr("gen_ai.input.messages", OtlpSamples.messages("user", "Which trains go to Lyon?")),
                OtlpSamples.attr("gen_ai.output.messages", OtlpSamples.messages("assistant", "The TGV, hourly."))),
                OtlpSamples.plainSpan(hex16())).toByteArray(), Map.of());
        String logSpan = hex16();
        String logConv = id("otel-logs");
        kafka.send(Topics.OTLP_LOGS, null, new String(OtlpSamples.fixture("genai-logs.json"), StandardCharsets.UTF_8)
                .replace("conv-json-logs", logConv).replace("eee19b7ec3c1b174", logSpan)
                .replace("EEE19B7EC3C1B174", logSpan.toUpperCase(java.util.Locale.ROOT)).getBytes(StandardCharsets.UTF_8), Map.of());
        String badKey = id("otel-bad");
        byte[] bad = ("{\"text\": \"" + SECRET + "\"}").getBytes(StandardCharsets.UTF_8);
        kafka.send(Topics.OTLP_SPANS, badKey, bad, Map.of());

        String prompt = span + "-prompt", completion = span + "-completion";
        String logPrompt = logSpan + "-1764644400000000001-prompt", logChoice = logSpan + "-1764644401500000000-completion";
        Map<String, JsonNode> v = verdictsFor(Topics.VERDICTS, Set.of(prompt, completion, logPrompt, logChoice));
        assertThat(v.get(prompt).path("conversationId").asText()).isEqualTo(conv);
        assertThat(v.get(prompt).path("role").asText()).isEqualTo("prompt");
        assertThat(v.get(completion).path("conversationId").asText()).isEqualTo(conv);
        assertThat(v.get(completion).path("role").asText()).isEqualTo("completion");
        assertThat(v.get(logPrompt).path("conversationId").asText()).isEqualTo(logConv);
        assertThat(v.get(logChoice).path("role").asText()).isEqualTo("completion");
        assertThat(v.get(logChoice).path("tokens").asInt()).isGreaterThan(3);

        ConsumerRecord<String, byte[]> dl = kafka.readUntil(Topics.DLQ, WAIT, got -> got.stream().anyMatch(r -> badKey.equals(r.key())))
                .stream().filter(r -> badKey.equals(r.key())).findFirst().orElseThrow();
        assertThat(KafkaTestClient.header(dl, DeadLetterPublisher.REASON)).isEqualTo("malformed_otlp");
        assertThat(KafkaTestClient.header(dl, DeadLetterPublisher.TOPIC)).isEqualTo(Topics.OTLP_SPANS);
        assertThat(dl.value()).isEqualTo(bad);
        for (var h : dl.headers()) {
            assertThat(new String(h.value(), StandardCharsets.UTF_8)).doesNotContain(SECRET);
        }
        await().atMost(WAIT).untilAsserted(() -> {
            String scrape = given().when().get(managementUrl("/q/metrics")).then().statusCode(200).extract().asString();
            assertThat(scrape).contains("sae_monitor_otel_records_received_total{source=\"otlp_spans\"} 2.0")
                    .contains("sae_monitor_otel_events_mapped_total{role=\"completion\",source=\"otlp_logs\"} 1.0")
                    .contains("sae_monitor_otel_skipped_total{reason=\"not_genai\",source=\"otlp_spans\"} 1.0")
                    .contains("sae_monitor_dlq_total{reason=\"malformed_otlp\"} 1.0")
                    .doesNotContain(SECRET).doesNotContain(span);
        });
    }

    private static String hex16() {
        return java.util.HexFormat.of().toHexDigits(new Random().nextLong());
    }

    static String managementUrl(String path) {
        int port = ConfigProvider.getConfig().getValue("quarkus.management.port", Integer.class);
        return "http://localhost:" + port + path;
    }

    static {
        RestAssured.enableLoggingOfRequestAndResponseIfValidationFails();
    }
}
