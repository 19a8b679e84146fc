package dev.saemonitor.it;

import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Reads every partition of a topic from the beginning on its own thread, for the whole scenario (through
 * broker outages too: the client reconnects), so assertions can wait on what has arrived so far.
 */
final class TopicTap implements AutoCloseable {
    private final List<ConsumerRecord<String, byte[]>> got = new CopyOnWriteArrayList<>();
    private final KafkaConsumer<String, byte[]> consumer;
    private final Thread thread;
    private volatile boolean running = true;

    TopicTap(String bootstrap, String topic) {
        Properties p = new Properties();
        p.put("bootstrap.servers", bootstrap);
        p.put("enable.auto.commit", "false");
        p.put("auto.offset.reset", "earliest");
        consumer = new KafkaConsumer<>(p, new StringDeserializer(), new ByteArrayDeserializer());
        List<TopicPartition> parts = consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                .map(i -> new TopicPartition(topic, i.partition())).toList();
        consumer.assign(parts);
        consumer.seekToBeginning(parts);
        thread = new Thread(this::run, "tap-" + topic);
        thread.setDaemon(true);
        thread.start();
    }

    private void run() {
        try {
            while (running) {
                consumer.poll(Duration.ofMillis(200)).forEach(got::add);
            }
        } catch (WakeupException e) {
            // closing
        } finally {
            consumer.close(Duration.ofSeconds(2));
        }
    }

    /** What has arrived so far. */
    List<ConsumerRecord<String, byte[]>> records() {
        return new ArrayList<>(got);
    }

    /** Waits until {@code done} holds for what has arrived; returns it. */
    List<ConsumerRecord<String, byte[]>> awaitUntil(String what, Duration timeout,
                                                    Predicate<List<ConsumerRecord<String, byte[]>>> done) {
        await(what).atMost(timeout).pollInterval(Duration.ofMillis(100)).until(() -> done.test(records()));
        return records();
    }

    /** Like {@link #awaitUntil}, but returns what arrived when time runs out, for the assertion to explain. */
    List<ConsumerRecord<String, byte[]>> awaitAtMost(Duration timeout, Predicate<List<ConsumerRecord<String, byte[]>>> done) {
        try {
            return awaitUntil("records", timeout, done);
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            return records();
        }
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        consumer.wakeup();
        thread.join(5000);
    }
}
