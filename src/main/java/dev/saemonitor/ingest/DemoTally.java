package dev.saemonitor.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * The demo's last word: reads the flags topic from the start and counts which bundled samples were flagged against
 * the labels each sample carries ({@code expectedLabels}), so a newcomer sees in one line how many harmful samples
 * were caught and how many benign ones raised a flag.
 */
final class DemoTally {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Stop reading once no new demo flag has arrived for this long. */
    static final Duration QUIET = Duration.ofSeconds(20);

    private DemoTally() {
    }

    /** Sample event id → its expected labels (empty: benign), for the lines that carry them. */
    static Map<String, List<String>> expected(List<String> lines) {
        Map<String, List<String>> out = new java.util.LinkedHashMap<>();
        for (String line : lines) {
            try {
                JsonNode n = JSON.readTree(line);
                if (n.hasNonNull("id") && n.path("expectedLabels").isArray()) {
                    List<String> labels = new java.util.ArrayList<>();
                    n.path("expectedLabels").forEach(l -> labels.add(l.asText()));
                    out.put(n.path("id").asText(), labels);
                }
            } catch (java.io.IOException | RuntimeException e) {
                // a malformed sample (the dead-letter demo) has no expectation
            }
        }
        return out;
    }

    /** Ids of the flagged verdicts on {@code topic}, read until {@link #QUIET} passes without a new one. */
    static Set<String> flagged(String bootstrap, String topic, Set<String> ids) throws InterruptedException {
        Properties p = new Properties();
        p.put("bootstrap.servers", bootstrap);
        Set<String> out = new HashSet<>();
        try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(p, new StringDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> parts = c.partitionsFor(topic, Duration.ofSeconds(10)).stream()
                    .map(i -> new TopicPartition(topic, i.partition())).toList();
            c.assign(parts);
            c.seekToBeginning(parts);
            long quietSince = System.nanoTime();
            while (System.nanoTime() - quietSince < QUIET.toNanos()) {
                if (Thread.currentThread().isInterrupted()) {
                    throw new InterruptedException();
                }
                for (ConsumerRecord<String, byte[]> r : c.poll(Duration.ofMillis(500))) {
                    try {
                        String id = JSON.readTree(r.value()).path("eventId").asText("");
                        if (ids.contains(id) && out.add(id)) {
                            quietSince = System.nanoTime();
                        }
                    } catch (java.io.IOException e) {
                        // not a verdict: ignore
                    }
                }
            }
        }
        return out;
    }

    /** The tally line: flagged harmful and flagged benign samples. */
    static String line(Map<String, List<String>> expected, Set<String> flagged) {
        int harmful = 0, caught = 0, benign = 0, falseAlarms = 0;
        for (Map.Entry<String, List<String>> e : expected.entrySet()) {
            boolean f = flagged.contains(e.getKey());
            if (e.getValue().isEmpty()) {
                benign++;
                falseAlarms += f ? 1 : 0;
            } else {
                harmful++;
                caught += f ? 1 : 0;
            }
        }
        return String.format("demo traffic: flagged %d of %d harmful samples and %d of %d benign samples "
                + "(expected labels: samples/traffic.jsonl)", caught, harmful, falseAlarms, benign);
    }
}
