package dev.saemonitor.console;

import org.junit.jupiter.api.Tag;
import dev.saemonitor.publish.ConsoleLinks;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.saemonitor.config.Topics;
import dev.saemonitor.pipeline.KafkaBrokerResource;
import dev.saemonitor.pipeline.KafkaTestClient;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The console over HTTP against the real broker: a flag produced by a real event is listed, its text shown (escaped)
 * to a reviewer and never to a viewer, a review needs the CSRF token and lands on {@code safety.feedback} and in the
 * metrics. (The test pack flags every non-empty text as dangerous_content.)
 */
@QuarkusTest
@Tag("quarkus")
@QuarkusTestResource(value = KafkaBrokerResource.class, restrictToAnnotatedClass = false)
class ConsoleTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static KafkaTestClient kafka;

    @BeforeAll
    static void clients() {
        kafka = new KafkaTestClient(KafkaBrokerResource.bootstrapServers());
    }

    @AfterAll
    static void closeClients() {
        kafka.close();
    }

    private static String flagged(String text) throws Exception {
        String id = "console-" + UUID.randomUUID();
        kafka.send(Topics.EVENTS, "conv-" + id, JSON.writeValueAsString(Map.of("id", id, "conversationId", "conv-" + id,
                "tenant", "acme", "role", "prompt", "text", text)));
        return id;
    }

    @Test
    void unauthenticatedPagesRedirectToLogin() {
        var r = given().redirects().follow(false).get("/console");
        assertThat(r.statusCode()).isEqualTo(302);
        assertThat(r.header("Location")).contains("/console/login");
        assertThat(given().get("/console/login").then().statusCode(200).extract().asString()).contains("j_security_check");
        // the JSON API stays open and needs no CSRF token
        given().contentType("application/json").body("{\"text\":\"hello\"}").post("/api/v1/score").then().statusCode(200);
    }

    @Test
    void reviewerSeesEscapedTextAndLabelsViewerSeesNoText() throws Exception {
        String secret = "<script>window.pwned=1</script> the orchid-walrus password";
        String id = flagged(secret);
        ConsoleSession reviewer = ConsoleSession.login("reviewer", "reviewer-demo");
        await().atMost(WAIT).untilAsserted(() ->
                assertThat(reviewer.get("/console?kind=flag&severity=critical&tenant=acme").asString()).contains(id));
        String page = reviewer.get(ConsoleLinks.flag(id)).then().statusCode(200).extract().asString();
        assertThat(page).contains("&lt;script&gt;window.pwned=1&lt;/script&gt;").doesNotContain("<script>window")
                .contains("walrus password").contains("dangerous_content").contains("id=\"review-form\"");

        ConsoleSession viewer = ConsoleSession.login("viewer", "viewer-demo");
        String seen = viewer.get(ConsoleLinks.flag(id)).then().statusCode(200).extract().asString();
        assertThat(seen).doesNotContain("walrus").doesNotContain("pwned").contains("text hidden")
                .doesNotContain("id=\"review-form\"");
        viewer.get(ConsoleLinks.flag(id));
        assertThat(viewer.post(ConsoleLinks.flag(id) + "/review", Map.of("category", "dangerous_content", "label", "unsure"), true)
                .statusCode()).isEqualTo(403);

        Map<String, String> form = Map.of("category", "dangerous_content", "label", "false_positive", "note", "benign test");
        assertThat(reviewer.post(ConsoleLinks.flag(id) + "/review", form, false).statusCode()).as("no CSRF token").isEqualTo(400);
        reviewer.get(ConsoleLinks.flag(id));
        assertThat(reviewer.post(ConsoleLinks.flag(id) + "/review", Map.of("category", "nope", "label", "unsure"), true)
                .statusCode()).as("unknown category").isEqualTo(400);
        reviewer.get(ConsoleLinks.flag(id));
        assertThat(reviewer.post(ConsoleLinks.flag(id) + "/review", form, true).statusCode()).isEqualTo(303);

        List<ConsumerRecord<String, byte[]>> fb = kafka.readUntil(Topics.FEEDBACK, WAIT,
                got -> got.stream().anyMatch(r -> id.equals(r.key())));
        ConsumerRecord<String, byte[]> rec = fb.stream().filter(r -> id.equals(r.key())).findFirst().orElseThrow();
        JsonNode f = JSON.readTree(rec.value());
        assertThat(f.path("eventId").asText()).isEqualTo(id);
        assertThat(f.path("category").asText()).isEqualTo("dangerous_content");
        assertThat(f.path("label").asText()).isEqualTo("false_positive");
        assertThat(f.path("reviewer").asText()).isEqualTo("reviewer");
        assertThat(f.path("pack").path("version").asText()).isNotBlank();
        assertThat(KafkaTestClient.header(rec, "ce_type")).isEqualTo(FeedbackPublisher.CE_TYPE);
        assertThat(new String(rec.value())).doesNotContain("orchid-walrus");
        assertThat(reviewer.get(ConsoleLinks.flag(id)).asString()).contains("false_positive");
        String scrape = given().get(managementUrl("/q/metrics")).asString();
        assertThat(scrape).contains("sae_monitor_reviews_total{category=\"dangerous_content\",label=\"false_positive\"}")
                .doesNotContain("orchid-walrus");
    }

    @Test
    void conversationPageShowsItsTurnsInOrderForAReviewerOnly() throws Exception {
        String conv = "console-conv-" + UUID.randomUUID();
        String first = conv + "-a", second = conv + "-b";
        kafka.send(Topics.EVENTS, conv, JSON.writeValueAsString(Map.of("id", first, "conversationId", conv,
                "role", "prompt", "text", "First turn: tell me about the lighthouse keeper.")));
        kafka.send(Topics.EVENTS, conv, JSON.writeValueAsString(Map.of("id", second, "conversationId", conv,
                "role", "completion", "text", "Second turn: the keeper <b>never</b> left.")));
        ConsoleSession reviewer = ConsoleSession.login("reviewer", "reviewer-demo");
        String link = ConsoleLinks.conversation(conv, 2);
        await().atMost(WAIT).untilAsserted(() ->
                assertThat(reviewer.get("/console?kind=conversation").asString()).contains(link.replace("&", "&amp;")));
        String page = reviewer.get(link).then().statusCode(200).extract().asString();
        // text split by evidence marks: assert on runs between them
        assertThat(page).contains("<b>turn 1</b>").contains("the lighthouse keeper.").contains("&gt;never&lt;/b&gt;")
                .doesNotContain("<b>never</b>");
        assertThat(page.indexOf("the lighthouse keeper.")).isLessThan(page.indexOf("&gt;never&lt;/b&gt;"));
        assertThat(page).contains("class=\"turn raised\"><b>turn 2</b>");
        ConsoleSession viewer = ConsoleSession.login("viewer", "viewer-demo");
        assertThat(viewer.get(link).asString()).doesNotContain("lighthouse").contains("text hidden");
    }

    @Test
    void verdictsJustBelowAThresholdGoToTheReviewQueueAndTheConsoleListsThem() throws Exception {
        // fixed texts give fixed scores: with the test pack some category of at least one of them falls in [0.4, 0.5)
        List<String> ids = new java.util.ArrayList<>();
        for (String t : List.of("<script>window.pwned=1</script> the orchid-walrus password",
                "Please summarise the quarterly report for the board.", "Is this essay any good? Be honest.")) {
            ids.add(flagged(t));
        }
        Map<String, JsonNode> verdicts = new java.util.HashMap<>();
        kafka.readUntil(Topics.VERDICTS, WAIT, got -> {
            got.forEach(r -> {
                try {
                    JsonNode v = JSON.readTree(r.value());
                    verdicts.put(v.path("eventId").asText(), v);
                } catch (java.io.IOException e) {
                    throw new IllegalStateException(e);
                }
            });
            return verdicts.keySet().containsAll(ids);
        });
        Map<String, List<String>> expected = new java.util.HashMap<>();
        for (String id : ids) {
            List<String> band = new java.util.ArrayList<>();
            for (JsonNode c : verdicts.get(id).path("categories")) {
                double score = c.path("score").asDouble(), threshold = c.path("threshold").asDouble();
                if (score < threshold && score >= threshold - 0.1) {
                    band.add(c.path("name").asText());
                }
            }
            if (!band.isEmpty()) {
                expected.put(id, band);
            }
        }
        assertThat(expected).as("some verdict in the band (else this test proves nothing)").isNotEmpty();
        Map<String, JsonNode> queued = new java.util.HashMap<>();
        kafka.readUntil(Topics.REVIEW, WAIT, got -> {
            got.forEach(r -> {
                try {
                    queued.put(r.key(), JSON.readTree(r.value()));
                } catch (java.io.IOException e) {
                    throw new IllegalStateException(e);
                }
            });
            return queued.keySet().containsAll(expected.keySet());
        });
        for (String id : ids) {
            if (expected.containsKey(id)) {
                List<String> got = new java.util.ArrayList<>();
                queued.get(id).path("review").path("categories").forEach(n -> got.add(n.asText()));
                assertThat(got).as(id).isEqualTo(expected.get(id));
                assertThat(queued.get(id).path("source").path("topic").asText()).isEqualTo(Topics.EVENTS);
            } else {
                assertThat(queued).as(id + " not in the band").doesNotContainKey(id);
            }
        }
        ConsoleSession viewer = ConsoleSession.login("viewer", "viewer-demo");
        String someId = expected.keySet().iterator().next();
        await().atMost(WAIT).untilAsserted(() -> assertThat(viewer.get("/console?kind=review").asString()).contains(someId));
        assertThat(viewer.get(ConsoleLinks.flag(someId)).asString()).contains("in review band");
    }

    @jakarta.inject.Inject
    EventFetcher fetcher;

    @Test
    void anOffsetTheTopicNoLongerHoldsIsReportedNotRetained() throws Exception {
        String topic = "console.retention." + UUID.randomUUID();
        String id = "retained-" + UUID.randomUUID();
        kafka.send(topic, "k", JSON.writeValueAsString(Map.of("id", id, "text", "old text")));
        kafka.send(topic, "k", JSON.writeValueAsString(Map.of("id", id + "-2", "text", "newer text")));
        assertThat(fetcher.event(new dev.saemonitor.scoring.Verdict.Source(topic, 0, 0), id).event().text()).isEqualTo("old text");
        assertThat(fetcher.event(new dev.saemonitor.scoring.Verdict.Source(topic, 0, 1), id).missing())
                .as("another event at the coordinates").contains("another event");
        java.util.Properties p = new java.util.Properties();
        p.put("bootstrap.servers", KafkaBrokerResource.bootstrapServers());
        try (org.apache.kafka.clients.admin.Admin admin = org.apache.kafka.clients.admin.Admin.create(p)) {
            admin.deleteRecords(Map.of(new org.apache.kafka.common.TopicPartition(topic, 0),
                    org.apache.kafka.clients.admin.RecordsToDelete.beforeOffset(1))).all().get();
        }
        EventFetcher.Fetched gone = fetcher.event(new dev.saemonitor.scoring.Verdict.Source(topic, 0, 0), id);
        assertThat(gone.event()).isNull();
        assertThat(gone.missing()).startsWith("no longer retained").doesNotContain("old text");
    }

    static String managementUrl(String path) {
        int port = ConfigProvider.getConfig().getValue("quarkus.management.port", Integer.class);
        return "http://localhost:" + port + path;
    }
}
