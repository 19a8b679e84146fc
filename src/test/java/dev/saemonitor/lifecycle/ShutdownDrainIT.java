package dev.saemonitor.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.saemonitor.broker.EmbeddedKafka;
import dev.saemonitor.config.Topics;
import dev.saemonitor.modelpack.SaeArchitecture;
import dev.saemonitor.pipeline.KafkaTestClient;
import dev.saemonitor.testing.TestPacks;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SIGTERM in the middle of a stream: the stopping replica finishes what it admitted (scored, written,
 * committed), dead-letters nothing, and leaves the rest uncommitted; its successor gives every event a
 * verdict. Before, the batcher closed first and in-flight events went to the DLQ with their offsets committed.
 */
class ShutdownDrainIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int EVENTS = 600;
    @TempDir
    static Path tmp;
    static EmbeddedKafka kafka;
    static Path pack;

    @BeforeAll
    static void broker() throws Exception {
        kafka = EmbeddedKafka.start(Topics.DEFAULT_PARTITIONS, Topics.ALL_DEFAULTS);
        pack = TestPacks.write(tmp.resolve("pack"), SaeArchitecture.TOPK, 512, 33);
    }

    @AfterAll
    static void stop() throws Exception {
        kafka.close();
    }

    static Map<String, Integer> counts(List<ConsumerRecord<String, byte[]>> recs) {
        Map<String, Integer> counts = new HashMap<>();
        for (ConsumerRecord<String, byte[]> r : recs) {
            try {
                counts.merge(JSON.readTree(r.value()).path("eventId").asText(), 1, Integer::sum);
            } catch (java.io.IOException e) {
                throw new IllegalStateException(e);
            }
        }
        return counts;
    }

    @Test
    void sigtermDrainsAdmittedEventsAndDeadLettersNone() throws Exception {
        Set<String> ids = new HashSet<>();
        // a bounded in-flight window and a generous drain timeout, so the drain completes even on a loaded machine
        List<String> props = List.of("monitor.batch.max-events=8", "monitor.consumer-group=drain-it",
                "monitor.batch.max-in-flight=64", "monitor.drain-timeout=60s");
        try (KafkaTestClient client = new KafkaTestClient(kafka.bootstrapServers())) {
            for (int i = 0; i < EVENTS; i++) {
                String id = "drain-" + i;
                ids.add(id);
                client.send(Topics.EVENTS, "conv-" + (i % 23), JSON.writeValueAsString(Map.of("id", id,
                        "text", "Event " + i + ": " + "a sentence about the weather and the office. ".repeat(1 + i % 9))));
            }
            int beforeStop;
            try (JarProcess first = JarProcess.start(kafka.bootstrapServers(), pack, tmp.resolve("first.log"), props)) {
                await().atMost(Duration.ofMinutes(2)).until(() -> first.readiness() == 200);
                client.readUntil(Topics.VERDICTS, Duration.ofMinutes(2), got -> got.size() >= 60);
                first.terminate(Duration.ofSeconds(90));
                beforeStop = counts(client.readAll(Topics.VERDICTS, Duration.ofSeconds(30))).size();
                assertThat(first.log()).contains("drained in");
            }
            assertThat(beforeStop).as("stopped mid-stream").isLessThan(EVENTS);
            assertThat(deadLettered(client, ids)).as("events dead-lettered because of the shutdown").isEmpty();

            try (JarProcess second = JarProcess.start(kafka.bootstrapServers(), pack, tmp.resolve("second.log"), props)) {
                Map<String, Integer> counts = counts(client.readUntil(Topics.VERDICTS, Duration.ofMinutes(3),
                        got -> counts(got).keySet().containsAll(ids)));
                assertThat(counts.keySet()).containsAll(ids);
                long repeats = counts.values().stream().filter(c -> c > 1).count();
                System.out.printf("drain: %d of %d verdicts before SIGTERM, %d events repeated by the successor%n",
                        beforeStop, EVENTS, repeats);
            }
            assertThat(deadLettered(client, ids)).isEmpty();
        }
    }

    private static List<String> deadLettered(KafkaTestClient client, Set<String> ids) {
        return client.readAll(Topics.DLQ, Duration.ofSeconds(30)).stream()
                .map(r -> new String(r.value(), StandardCharsets.UTF_8))
                .filter(v -> ids.stream().anyMatch(id -> v.contains("\"" + id + "\""))).toList();
    }
}
