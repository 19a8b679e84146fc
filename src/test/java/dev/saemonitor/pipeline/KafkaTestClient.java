package dev.saemonitor.pipeline;

import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/** Plain Kafka clients for the tests: produce raw records, read topics back from the beginning. */
public final class KafkaTestClient implements AutoCloseable {
    private final KafkaProducer<String, byte[]> producer;
    private final String bootstrap;

    public KafkaTestClient(String bootstrap) {
        this.bootstrap = bootstrap;
        Properties p = new Properties();
        p.put("bootstrap.servers", bootstrap);
        p.put("acks", "all");
        producer = new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer());
    }

    public void send(String topic, String key, byte[] value, Map<String, String> headers) {
        RecordHeaders h = new RecordHeaders();
        headers.forEach((k, v) -> h.add(k, v.getBytes(StandardCharsets.UTF_8)));
        try {
            producer.send(new ProducerRecord<>(topic, null, key, value, h)).get();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    public void send(String topic, String key, String json) {
        send(topic, key, json.getBytes(StandardCharsets.UTF_8), Map.of());
    }

    /** Reads {@code topic} from the start until {@code done} holds for what was read (or the timeout). */
    public List<ConsumerRecord<String, byte[]>> readUntil(String topic, Duration timeout,
                                                          Predicate<List<ConsumerRecord<String, byte[]>>> done) {
        Properties p = new Properties();
        p.put("bootstrap.servers", bootstrap);
        p.put("group.id", "test-reader-" + UUID.randomUUID());
        p.put("auto.offset.reset", "earliest");
        List<ConsumerRecord<String, byte[]>> got = new CopyOnWriteArrayList<>();
        try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(p, new StringDeserializer(), new ByteArrayDeserializer())) {
            c.subscribe(List.of(topic));
            await().atMost(timeout).pollInterval(Duration.ofMillis(50)).until(() -> {
                c.poll(Duration.ofMillis(200)).forEach(got::add);
                return done.test(new ArrayList<>(got));
            });
        }
        return got;
    }

    /** Everything in {@code topic} up to its current end offsets (so an absence can be asserted). */
    public List<ConsumerRecord<String, byte[]>> readAll(String topic, Duration timeout) {
        Properties p = new Properties();
        p.put("bootstrap.servers", bootstrap);
        List<ConsumerRecord<String, byte[]>> got = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(p, new StringDeserializer(), new ByteArrayDeserializer())) {
            List<org.apache.kafka.common.TopicPartition> parts = c.partitionsFor(topic, timeout).stream()
                    .map(i -> new org.apache.kafka.common.TopicPartition(topic, i.partition())).toList();
            c.assign(parts);
            c.seekToBeginning(parts);
            Map<org.apache.kafka.common.TopicPartition, Long> end = c.endOffsets(parts, timeout);
            await().atMost(timeout).pollInterval(Duration.ofMillis(10)).until(() -> {
                c.poll(Duration.ofMillis(200)).forEach(got::add);
                return parts.stream().allMatch(tp -> c.position(tp) >= end.get(tp));
            });
        }
        return got;
    }

    public static String header(ConsumerRecord<?, ?> r, String key) {
        var h = r.headers().lastHeader(key);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        producer.close();
    }
}
