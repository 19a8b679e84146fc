package dev.saemonitor.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.saemonitor.broker.EmbeddedKafka;
import dev.saemonitor.config.Topics;
import dev.saemonitor.modelpack.SaeArchitecture;
import dev.saemonitor.pipeline.KafkaTestClient;
import dev.saemonitor.testing.TestPacks;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged service on a pack with an external reader (no ONNX reader at all), against a real broker: events
 * carrying the served model's activations get verdicts; an event without them, or with another model's, goes to the
 * dead-letter topic with its reason, is counted, and the service keeps scoring.
 */
class ExternalReaderServiceIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String MODEL = TestPacks.EXTERNAL.modelId();

    @TempDir
    Path tmp;

    static String event(String id, String reader, int rows) throws Exception {
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("id", id);
        e.put("conversationId", "c-" + id);
        e.put("role", "completion");
        e.put("text", "words the served model read for " + id);
        if (reader != null) {
            Random r = new Random(id.hashCode());
            ByteBuffer bb = ByteBuffer.allocate(rows * 384 * 2).order(ByteOrder.LITTLE_ENDIAN);
            for (int i = 0; i < rows * 384; i++) {
                bb.putShort(Float.floatToFloat16((float) r.nextGaussian()));
            }
            e.put("activations", Map.of("readerId", reader, "layer", TestPacks.EXTERNAL.layer(), "dtype", "f16",
                    "shape", List.of(rows, 384), "data", Base64.getEncoder().encodeToString(bb.array())));
        }
        return JSON.writeValueAsString(e);
    }

    @Test
    void activationCarryingEventsAreScoredAndOthersDeadLetteredWithTheirReason() throws Exception {
        Path pack = TestPacks.writeExternal(tmp.resolve("ext"), SaeArchitecture.RELU, 256, 41);
        try (EmbeddedKafka kafka = EmbeddedKafka.start(Topics.DEFAULT_PARTITIONS, Topics.ALL_DEFAULTS);
             KafkaTestClient client = new KafkaTestClient(kafka.bootstrapServers());
             JarProcess service = JarProcess.start(kafka.bootstrapServers(), pack, tmp.resolve("service.log"),
                     List.of("monitor.consumer-group=external-reader-it"))) {
            await().atMost(Duration.ofMinutes(2)).until(() -> service.readiness() == 200 || !service.alive());
            assertThat(service.alive()).as("service up; log:\n%s", service.log()).isTrue();
            client.send(Topics.EVENTS, "c-good-1", event("good-1", MODEL, 9));
            client.send(Topics.EVENTS, "c-text", event("text-only", null, 0));
            client.send(Topics.EVENTS, "c-other", event("other-model", TestPacks.READER_ID, 5));
            client.send(Topics.EVENTS, "c-good-2", event("good-2", MODEL, 40));

            List<ConsumerRecord<String, byte[]>> verdicts = client.readUntil(Topics.VERDICTS, Duration.ofMinutes(1),
                    got -> got.size() >= 2);
            Map<String, JsonNode> byId = new LinkedHashMap<>();
            for (var r : verdicts) {
                JsonNode v = JSON.readTree(r.value());
                byId.put(v.path("eventId").asText(), v);
            }
            assertThat(byId).containsOnlyKeys("good-1", "good-2");
            assertThat(byId.get("good-2").path("tokens").asInt()).isEqualTo(40);
            assertThat(byId.get("good-2").path("categories").size()).isEqualTo(TestPacks.CATEGORIES.size());

            List<ConsumerRecord<String, byte[]>> dead = client.readUntil(Topics.DLQ, Duration.ofMinutes(1),
                    got -> got.size() >= 2);
            Map<String, String> reasons = new LinkedHashMap<>();
            for (var r : dead) {
                reasons.put(r.key(), KafkaTestClient.header(r, "dead-letter-reason"));
                String detail = KafkaTestClient.header(r, "dead-letter-detail");
                assertThat(detail).doesNotContain("words the served model read");
                if (r.key().equals("c-text")) {
                    assertThat(detail).contains("reader '" + MODEL + "'").contains("layer 3");
                }
            }
            assertThat(reasons).containsEntry("c-text", "activations_required")
                    .containsEntry("c-other", "activations_mismatch");
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(service.scrape())
                    .contains("sae_monitor_dlq_total{reason=\"activations_required\"} 1.0")
                    .contains("sae_monitor_dlq_total{reason=\"activations_mismatch\"} 1.0"));
            assertThat(service.readiness()).isEqualTo(200);
            assertThat(service.log()).doesNotContain("words the served model read");
        }
    }
}
