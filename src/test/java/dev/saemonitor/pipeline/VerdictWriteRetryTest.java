package dev.saemonitor.pipeline;

import org.junit.jupiter.api.Tag;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.saemonitor.config.Topics;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.Test;

/**
 * A verdict write the broker refuses is retried until it succeeds, and its event is never dead-lettered
 * (before, the first failed write nacked the event into the DLQ and committed it). The refusal is real:
 * the verdicts topic starts with {@code max.message.bytes} smaller than any verdict, then is fixed.
 */
@QuarkusTest
@Tag("quarkus-profile")
@TestProfile(VerdictWriteRetryTest.Profile.class)
class VerdictWriteRetryTest {
    static final String EVENTS = "retry.events";
    static final String VERDICTS = "retry.verdicts";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration WAIT = Duration.ofSeconds(60);

    public static class Profile implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("monitor.topics.events", EVENTS, "monitor.topics.verdicts", VERDICTS,
                    "monitor.consumer-group", "retry-test",
                    "monitor.publish.retry-backoff", "100ms", "monitor.publish.retry-backoff-max", "400ms");
        }
    }

    @Test
    void aRefusedVerdictWriteIsRetriedUntilItSucceedsAndNothingIsDeadLettered() throws Exception {
        String bootstrap = KafkaBrokerResource.bootstrapServers();
        Properties p = new Properties();
        p.put("bootstrap.servers", bootstrap);
        try (Admin admin = Admin.create(p); KafkaTestClient kafka = new KafkaTestClient(bootstrap)) {
            admin.createTopics(List.of(new NewTopic(VERDICTS, 1, (short) 1).configs(Map.of("max.message.bytes", "64"))))
                    .all().get();
            List<String> ids = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                String id = "retry-" + i + "-" + UUID.randomUUID();
                ids.add(id);
                kafka.send(EVENTS, "conv-retry-" + i, JSON.writeValueAsString(Map.of("id", id, "text", "Retry event " + i)));
            }
            await().atMost(WAIT).until(() -> retries() >= ids.size());
            // while the writes fail, the events are neither committed nor dead-lettered
            assertThat(dlqHolding(kafka, ids)).isEmpty();

            admin.incrementalAlterConfigs(Map.of(new ConfigResource(ConfigResource.Type.TOPIC, VERDICTS),
                    List.of(new AlterConfigOp(new ConfigEntry("max.message.bytes", "1048588"), AlterConfigOp.OpType.SET))))
                    .all().get();
            assertThat(ids(kafka.readUntil(VERDICTS, WAIT, recs -> ids(recs).containsAll(ids)))).containsAll(ids);
            assertThat(dlqHolding(kafka, ids)).as("no event dead-lettered because a verdict write failed").isEmpty();
        }
    }

    private static Set<String> ids(Collection<org.apache.kafka.clients.consumer.ConsumerRecord<String, byte[]>> recs) {
        return recs.stream().map(r -> {
            try {
                return JSON.readTree(r.value()).path("eventId").asText();
            } catch (java.io.IOException e) {
                throw new IllegalStateException(e);
            }
        }).collect(Collectors.toSet());
    }

    private static List<String> dlqHolding(KafkaTestClient kafka, List<String> ids) {
        return kafka.readAll(Topics.DLQ, WAIT).stream()
                .map(r -> new String(r.value(), StandardCharsets.UTF_8))
                .filter(v -> ids.stream().anyMatch(v::contains)).toList();
    }

    private static double retries() {
        String scrape = given().when().get(PipelineTest.managementUrl("/q/metrics")).then().statusCode(200).extract().asString();
        return scrape.lines().filter(l -> l.startsWith("sae_monitor_verdict_write_retries_total"))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
    }
}
