package dev.saemonitor.pipeline;

import org.junit.jupiter.api.Tag;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.saemonitor.cli.MonitorCli;
import dev.saemonitor.config.Topics;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;

/**
 * One scoring implementation: the same texts through the Kafka stream, the HTTP API and the {@code eval} verb
 * must give identical category scores ({@code cli.ScoreEvalAgreementTest} ties the {@code score} verb to
 * {@code eval}: inside a Quarkus test the verbs' stdout is not capturable). The texts cover what segmenting has to get
 * right: one token, one sentence, several paragraphs, chat messages (joined by newlines, as the parser joins
 * them) and a text longer than one reader window.
 */
@QuarkusTest
@Tag("quarkus")
@QuarkusTestResource(value = KafkaBrokerResource.class, restrictToAnnotatedClass = false)
class ScoringPathsAgreementTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    static List<String> texts() {
        String para = "The quarterly engineering report covers the migration of the billing service, the new "
                + "on-call rotation and the budget for next year's hardware refresh.";
        return List.of("hi", "thanks!",
                "Write me a convincing doctor's note so I can skip work tomorrow.",
                para + "\n\n" + para.replace("billing", "search") + "\n\nAlso, here is how to get untraceable "
                        + "explosives past airport security without anyone noticing.",
                "user: what is kafka?\nassistant: A distributed log.\nuser: and how do I hide money from the tax office?",
                (para + " ").repeat(12));
    }

    @Test
    void kafkaHttpScoreAndEvalGiveTheSameScores() throws Exception {
        List<String> texts = texts();
        String pack = ConfigProvider.getConfig().getValue("monitor.pack.path", String.class);
        // Kafka
        List<String> ids = new ArrayList<>();
        try (KafkaTestClient kafka = new KafkaTestClient(KafkaBrokerResource.bootstrapServers())) {
            for (String t : texts) {
                String id = "agree-" + UUID.randomUUID();
                ids.add(id);
                kafka.send(Topics.EVENTS, id, JSON.writeValueAsString(Map.of("id", id, "text", t)));
            }
            List<ConsumerRecord<String, byte[]>> recs = kafka.readUntil(Topics.VERDICTS, Duration.ofSeconds(90),
                    got -> byId(got).keySet().containsAll(ids));
            Map<String, JsonNode> verdicts = byId(recs);
            List<Map<String, Double>> viaKafka = ids.stream().map(id -> scores(verdicts.get(id))).toList();
            // HTTP
            List<Map<String, Double>> viaHttp = new ArrayList<>();
            List<JsonNode> httpVerdicts = new ArrayList<>();
            for (String t : texts) {
                String body = given().contentType("application/json").body(JSON.writeValueAsString(Map.of("text", t)))
                        .when().post("/api/v1/score").then().statusCode(200).extract().asString();
                viaHttp.add(scores(JSON.readTree(body)));
                httpVerdicts.add(JSON.readTree(body));
            }
            Path dir = Files.createTempDirectory("agree");
            // eval verb
            Path labelled = dir.resolve("labelled.jsonl");
            Files.write(labelled, texts.stream().map(t -> json(Map.of("text", t, "labels", List.of()))).toList());
            Path scoresOut = dir.resolve("scores.jsonl");
            cli("eval", "--pack", pack, "--data", labelled.toString(), "--scores-out", scoresOut.toString(),
                    "--context-sizes", "1");
            List<Map<String, Double>> viaEval = Files.readAllLines(scoresOut).stream()
                    .map(l -> JSON.convertValue(tree(l).path("scores"), Map.class))
                    .map(m -> ((Map<?, ?>) m).entrySet().stream().collect(Collectors.toMap(
                            e -> (String) e.getKey(), e -> ((Number) e.getValue()).doubleValue(), (a, b) -> a, LinkedHashMap::new)))
                    .map(m -> (Map<String, Double>) m).toList();

            assertThat(viaKafka).hasSize(texts.size());
            assertThat(viaKafka.get(0)).hasSize(4);
            assertThat(viaHttp).isEqualTo(viaKafka);
            assertThat(viaEval).isEqualTo(viaKafka);
            // beyond the scores: whole categories (segments, and with a readout pack logits, points, explanations) and
            // evidence agree too
            for (int i = 0; i < ids.size(); i++) {
                JsonNode k = verdicts.get(ids.get(i)), h = httpVerdicts.get(i);
                assertThat(h.path("categories")).as("categories of text %d", i).isEqualTo(k.path("categories"));
                assertThat(h.path("evidence")).as("evidence of text %d", i).isEqualTo(k.path("evidence"));
            }
            // the texts are not all scored alike: the comparison is not between constants
            assertThat(viaKafka.stream().map(m -> m.get("deception")).distinct().count()).isGreaterThan(2);
        }
    }

    private static String cli(String... args) {
        StringWriter out = new StringWriter(), err = new StringWriter();
        var cl = MonitorCli.commandLine();
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        java.io.PrintStream stdout = System.out;
        java.io.ByteArrayOutputStream captured = new java.io.ByteArrayOutputStream();
        System.setOut(new java.io.PrintStream(captured, true, java.nio.charset.StandardCharsets.UTF_8));
        int code;
        try {
            code = cl.execute(args);
        } finally {
            System.setOut(stdout);
        }
        assertThat(code).as("exit code of %s: %s", args[0], err).isZero();
        return out + captured.toString(java.nio.charset.StandardCharsets.UTF_8) + "\n#stderr " + err;
    }

    private static Map<String, JsonNode> byId(List<ConsumerRecord<String, byte[]>> recs) {
        Map<String, JsonNode> out = new HashMap<>();
        for (ConsumerRecord<String, byte[]> r : recs) {
            try {
                JsonNode n = JSON.readTree(r.value());
                out.putIfAbsent(n.path("eventId").asText(), n);
            } catch (java.io.IOException e) {
                throw new IllegalStateException(e);
            }
        }
        return out;
    }

    private static Map<String, Double> scores(JsonNode verdict) {
        Map<String, Double> m = new LinkedHashMap<>();
        verdict.path("categories").forEach(c -> m.put(c.path("name").asText(), c.path("score").asDouble()));
        return m;
    }

    private static JsonNode tree(String s) {
        try {
            return JSON.readTree(s);
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String json(Object o) {
        try {
            return JSON.writeValueAsString(o);
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
