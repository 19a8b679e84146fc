package dev.saemonitor.feedback;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.saemonitor.modelpack.JsonLines;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Reviews from a JSONL file or from the feedback topic (read from the beginning to the end offsets found at the
 * start, without a consumer group, so nothing is committed). Of several reviews of the same event and category the
 * last one read counts: a reviewer may change their mind, and the topic is keyed by event id, so one partition holds
 * an event's reviews in order.
 */
public final class FeedbackReader {
    private static final ObjectMapper JSON = new ObjectMapper();

    private FeedbackReader() {
    }

    public static List<Review> fromJsonl(Path file) throws IOException {
        Map<String, Review> latest = new LinkedHashMap<>();
        JsonLines.forEach(file, msg -> new IllegalArgumentException(file + ": " + msg),
                (lineNo, n) -> keep(latest, Review.of(n, file + " line " + lineNo)));
        return new ArrayList<>(latest.values());
    }

    /**
     * @param timeout how long to wait for the topic's end offsets to be reached
     */
    public static List<Review> fromTopic(String bootstrapServers, String topic, Duration timeout) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        Map<String, Review> latest = new LinkedHashMap<>();
        try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(p, new StringDeserializer(), new ByteArrayDeserializer())) {
            var infos = c.partitionsFor(topic, timeout);
            if (infos == null || infos.isEmpty()) {
                throw new IllegalArgumentException("feedback topic " + topic + " does not exist on " + bootstrapServers);
            }
            List<TopicPartition> parts = infos.stream().map(i -> new TopicPartition(topic, i.partition())).toList();
            c.assign(parts);
            c.seekToBeginning(parts);
            Map<TopicPartition, Long> end = c.endOffsets(parts, timeout);
            long deadline = System.nanoTime() + timeout.toNanos();
            while (parts.stream().anyMatch(tp -> c.position(tp) < end.get(tp))) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("feedback topic " + topic + ": end offsets " + end
                            + " not reached within " + timeout.toSeconds() + " s");
                }
                for (ConsumerRecord<String, byte[]> r : c.poll(Duration.ofMillis(500))) {
                    String where = topic + "-" + r.partition() + "@" + r.offset();
                    try {
                        keep(latest, Review.of(JSON.readTree(r.value()), where));
                    } catch (IOException e) {
                        throw new IllegalArgumentException(where + ": not JSON (" + e.getClass().getSimpleName() + ")");
                    }
                }
            }
        }
        return new ArrayList<>(latest.values());
    }

    private static void keep(Map<String, Review> latest, Review r) {
        String key = r.eventId() + "\u0000" + r.category();
        latest.remove(key);
        latest.put(key, r);
    }
}
