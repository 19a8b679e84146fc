package dev.saemonitor.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.saemonitor.bench.ServiceProcess;
import dev.saemonitor.broker.EmbeddedKafka;
import dev.saemonitor.config.Topics;
import dev.saemonitor.modelpack.SaeArchitecture;
import dev.saemonitor.pipeline.KafkaTestClient;
import dev.saemonitor.testing.TestPacks;
import java.net.ServerSocket;
import java.nio.file.Files;
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
 * The packaged jar, killed with SIGKILL in the middle of a stream, then restarted as two replicas
 * (a rebalance): every event still gets a verdict. Repeats are allowed (at-least-once) and counted.
 */
class ServiceRestartIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int EVENTS = 300;
    @TempDir
    static Path tmp;
    static EmbeddedKafka kafka;
    static Path pack;

    @BeforeAll
    static void broker() throws Exception {
        kafka = EmbeddedKafka.start(Topics.DEFAULT_PARTITIONS, Topics.ALL_DEFAULTS);
        pack = TestPacks.write(tmp.resolve("pack"), SaeArchitecture.TOPK, 512, 21);
    }

    @AfterAll
    static void stop() throws Exception {
        kafka.close();
    }

    private static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private static ServiceProcess start(String name) throws Exception {
        return ServiceProcess.start(Path.of("target/quarkus-app/quarkus-run.jar"), kafka.bootstrapServers(), pack,
                freePort(), freePort(), tmp.resolve(name + ".log"), List.of("monitor.batch.max-events=8"));
    }

    private static Map<String, Integer> verdictCounts(List<ConsumerRecord<String, byte[]>> recs) {
        Map<String, Integer> counts = new HashMap<>();
        for (ConsumerRecord<String, byte[]> r : recs) {
            try {
                JsonNode v = JSON.readTree(r.value());
                counts.merge(v.path("eventId").asText(), 1, Integer::sum);
            } catch (java.io.IOException e) {
                throw new IllegalStateException(e);
            }
        }
        return counts;
    }

    @Test
    void aKilledServiceLosesNoVerdict() throws Exception {
        Set<String> ids = new HashSet<>();
        try (KafkaTestClient client = new KafkaTestClient(kafka.bootstrapServers())) {
            for (int i = 0; i < EVENTS; i++) {
                String id = "restart-" + i;
                ids.add(id);
                client.send(Topics.EVENTS, "conv-" + (i % 17), JSON.writeValueAsString(Map.of("id", id,
                        "text", "Event " + i + ": " + "a sentence about the weather and the office. ".repeat(1 + i % 9))));
            }
            ServiceProcess first = start("first");
            first.awaitReady(Duration.ofMinutes(2));
            // wait until the stream is under way, then kill -9 in the middle of it
            client.readUntil(Topics.VERDICTS, Duration.ofMinutes(2), got -> got.size() >= 40);
            first.kill();
            int before = client.readUntil(Topics.VERDICTS, Duration.ofSeconds(5), got -> true).size();
            assertThat(before).as("killed mid-stream").isLessThan(EVENTS);
            try (ServiceProcess a = start("second"); ServiceProcess b = start("third")) {
                a.awaitReady(Duration.ofMinutes(2));
                b.awaitReady(Duration.ofMinutes(2));
                List<ConsumerRecord<String, byte[]>> all = client.readUntil(Topics.VERDICTS, Duration.ofMinutes(3),
                        got -> verdictCounts(got).keySet().containsAll(ids));
                Map<String, Integer> counts = verdictCounts(all);
                assertThat(counts.keySet()).containsAll(ids);
                long repeats = counts.values().stream().filter(c -> c > 1).count();
                System.out.printf("restart: %d verdicts before the kill, %d events repeated after restart%n", before, repeats);
            }
        }
        String log = Files.readString(tmp.resolve("second.log")) + Files.readString(tmp.resolve("third.log"));
        assertThat(log).doesNotContain("a sentence about the weather");
    }
}
