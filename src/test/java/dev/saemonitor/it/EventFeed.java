package dev.saemonitor.it;

import dev.saemonitor.config.Topics;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Produces to {@code llm.events}: good events with known ids, raw bad records, and a steady stream at a
 * fixed rate on its own thread ("under load"). Idempotent and acks=all, and patient (it outlives broker
 * outages), so every id it reports was really written.
 */
final class EventFeed implements AutoCloseable {
    private final KafkaProducer<String, byte[]> producer;
    private final List<String> sent = new CopyOnWriteArrayList<>();
    private volatile Thread steady;
    private volatile boolean running;

    EventFeed(String bootstrap) {
        Properties p = new Properties();
        p.put("bootstrap.servers", bootstrap);
        p.put("acks", "all");
        p.put("enable.idempotence", "true");
        p.put("linger.ms", "5");
        p.put("max.request.size", String.valueOf(2 * 1024 * 1024));
        p.put("delivery.timeout.ms", "300000");
        p.put("max.block.ms", "120000");
        producer = new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer());
    }

    static String conversation(int i) {
        return "conv-" + (i % 23);
    }

    /** A good event: plain JSON, a text of a few sentences (no canary). */
    static byte[] good(String id, String conversation, int i) {
        String text = "Event " + i + ": " + "A short note about the weather, the office and lunch plans. ".repeat(1 + i % 6);
        return ("{\"id\":\"" + id + "\",\"conversationId\":\"" + conversation + "\",\"role\":\""
                + (i % 2 == 0 ? "prompt" : "completion") + "\",\"text\":\"" + text + "\"}").getBytes(StandardCharsets.UTF_8);
    }

    /** Writes a good event and waits until the broker has it; the id is remembered in {@link #sent()}. */
    RecordMetadata sendGood(String id, String conversation, int i) {
        RecordMetadata m = send(conversation, good(id, conversation, i), Map.of());
        sent.add(id);
        return m;
    }

    /** Writes a good event to one partition (behind a given record) and waits until the broker has it. */
    RecordMetadata sendGood(String id, String conversation, int i, int partition) {
        try {
            RecordMetadata m = producer.send(new ProducerRecord<>(Topics.EVENTS, partition, conversation,
                    good(id, conversation, i))).get(5, TimeUnit.MINUTES);
            sent.add(id);
            return m;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while producing", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("producing to " + Topics.EVENTS + " failed", e);
        }
    }

    /** Writes any record and waits until the broker has it. */
    RecordMetadata send(String key, byte[] value, Map<String, String> headers) {
        RecordHeaders h = new RecordHeaders();
        headers.forEach((k, v) -> h.add(k, v.getBytes(StandardCharsets.UTF_8)));
        try {
            return producer.send(new ProducerRecord<>(Topics.EVENTS, null, key, value, h)).get(5, TimeUnit.MINUTES);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while producing", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("producing to " + Topics.EVENTS + " failed", e);
        }
    }

    /** Writes a record without waiting (see {@link #flush()}). */
    void sendAsync(String key, byte[] value) {
        producer.send(new ProducerRecord<>(Topics.EVENTS, key, value));
    }

    /** Waits until every record sent so far is acknowledged. */
    void flush() {
        producer.flush();
    }

    /** Starts producing good events {@code prefix-N} at about {@code perSecond} on a background thread. */
    void startSteady(String prefix, int perSecond) {
        running = true;
        long periodNanos = 1_000_000_000L / perSecond;
        steady = new Thread(() -> {
            long next = System.nanoTime();
            for (int i = 0; running; i++) {
                String id = prefix + "-" + i;
                producer.send(new ProducerRecord<>(Topics.EVENTS, conversation(i), good(id, conversation(i), i)), (m, err) -> {
                    if (err == null) {
                        sent.add(id);
                    }
                });
                next += periodNanos;
                long wait = next - System.nanoTime();
                if (wait > 0) {
                    java.util.concurrent.locks.LockSupport.parkNanos(wait);
                }
            }
            producer.flush();
        }, "steady-feed");
        steady.start();
    }

    /** Stops the steady stream and waits until everything it sent is acknowledged. */
    void stopSteady() throws InterruptedException {
        running = false;
        steady.join(Duration.ofMinutes(5).toMillis());
        producer.flush();
    }

    /** Ids of the good events the broker acknowledged. */
    List<String> sent() {
        return List.copyOf(sent);
    }

    @Override
    public void close() {
        running = false;
        producer.close(Duration.ofSeconds(10));
    }
}
