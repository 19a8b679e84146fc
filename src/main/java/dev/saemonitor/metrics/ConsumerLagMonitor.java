package dev.saemonitor.metrics;

import dev.saemonitor.config.Topics;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.reactive.messaging.kafka.KafkaClientService;
import io.smallrye.reactive.messaging.kafka.KafkaConsumer;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.TopicPartition;

/** Every 5 s, sums (log end − position) over the partitions this replica holds on the events topic. */
@ApplicationScoped
public class ConsumerLagMonitor {
    private final KafkaClientService clients;
    private final MonitorMetrics metrics;
    private ScheduledExecutorService timer;

    public ConsumerLagMonitor(KafkaClientService clients, MonitorMetrics metrics) {
        this.clients = clients;
        this.metrics = metrics;
    }

    void start(@Observes StartupEvent e) {
        timer = Executors.newSingleThreadScheduledExecutor(r -> Thread.ofPlatform().name("consumer-lag").daemon().unstarted(r));
        timer.scheduleAtFixedRate(this::sample, 5, 5, TimeUnit.SECONDS);
    }

    void stop(@Observes ShutdownEvent e) {
        if (timer != null) {
            timer.shutdownNow();
        }
    }

    private void sample() {
        KafkaConsumer<Object, Object> c = clients.getConsumer(Topics.EVENTS_CHANNEL);
        if (c == null) {
            return;
        }
        c.runOnPollingThread(consumer -> {
            Set<TopicPartition> parts = consumer.assignment();
            if (parts.isEmpty()) {
                return 0L;
            }
            Map<TopicPartition, Long> ends = consumer.endOffsets(parts);
            long lag = 0;
            for (TopicPartition tp : parts) {
                lag += Math.max(0, ends.getOrDefault(tp, 0L) - consumer.position(tp));
            }
            return lag;
        }).subscribe().with(metrics::consumerLag, err -> { });
    }
}
