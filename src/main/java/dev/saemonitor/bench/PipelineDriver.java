package dev.saemonitor.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Produces events to the events topic at an offered rate (or as fast as possible) and reads verdicts
 * back from the verdicts topic, timing each event from send to verdict received.
 */
public final class PipelineDriver implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final KafkaProducer<String, byte[]> producer;
    private final KafkaConsumer<String, byte[]> consumer;
    private final String eventsTopic;

    /** What one run measured. */
    public record Run(int events, long tokens, double seconds, double[] latenciesMs, int missing) {
        public double eventsPerSecond() {
            return events / seconds;
        }

        public double tokensPerSecond() {
            return tokens / seconds;
        }
    }

    public PipelineDriver(String bootstrap, String eventsTopic, String verdictsTopic) {
        this.eventsTopic = eventsTopic;
        Properties p = new Properties();
        p.put("bootstrap.servers", bootstrap);
        p.put("linger.ms", "1");
        producer = new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer());
        Properties c = new Properties();
        c.put("bootstrap.servers", bootstrap);
        c.put("enable.auto.commit", "false");
        consumer = new KafkaConsumer<>(c, new StringDeserializer(), new ByteArrayDeserializer());
        List<TopicPartition> parts = consumer.partitionsFor(verdictsTopic).stream()
                .map(i -> new TopicPartition(i.topic(), i.partition())).toList();
        consumer.assign(parts);
        consumer.seekToEnd(parts);
        parts.forEach(consumer::position);
    }

    /**
     * @param rate events per second offered; 0 sends all at once (throughput)
     */
    public Run run(String runId, List<String> texts, double rate, Duration timeout) throws Exception {
        Map<String, Long> sent = new ConcurrentHashMap<>();
        Map<String, Long> received = new ConcurrentHashMap<>();
        long[] tokens = new long[1];
        Thread reader = Thread.ofPlatform().name("bench-verdicts").start(() -> {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (received.size() < texts.size() && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(20))) {
                    long now = System.nanoTime();
                    try {
                        JsonNode v = JSON.readTree(r.value());
                        String id = v.path("eventId").asText();
                        if (id.startsWith(runId) && received.putIfAbsent(id, now) == null) {
                            tokens[0] += v.path("tokens").asLong();
                        }
                    } catch (java.io.IOException e) {
                        // not a verdict of this run
                    }
                }
            }
        });
        long start = System.nanoTime();
        long interval = rate > 0 ? (long) (1e9 / rate) : 0;
        for (int i = 0; i < texts.size(); i++) {
            if (interval > 0) {
                long due = start + i * interval;
                long wait = due - System.nanoTime();
                if (wait > 0) {
                    LockSupport.parkNanos(wait);
                }
            }
            String id = runId + "-" + i;
            byte[] body = JSON.writeValueAsString(Map.of("id", id, "conversationId", "bench-" + (i % 64),
                    "role", i % 2 == 0 ? "prompt" : "completion", "text", texts.get(i))).getBytes(StandardCharsets.UTF_8);
            sent.put(id, System.nanoTime());
            producer.send(new ProducerRecord<>(eventsTopic, "bench-" + (i % 64), body));
        }
        producer.flush();
        reader.join(timeout.toMillis() + 1000);
        long end = received.values().stream().mapToLong(Long::longValue).max().orElse(System.nanoTime());
        double[] lat = received.entrySet().stream().mapToDouble(e -> (e.getValue() - sent.get(e.getKey())) / 1e6).toArray();
        return new Run(received.size(), tokens[0], (end - start) / 1e9, lat, texts.size() - received.size());
    }

    @Override
    public void close() {
        producer.close();
        consumer.close();
    }
}
