package dev.saemonitor.ingest;

import dev.saemonitor.config.MonitorConfig;
import io.smallrye.common.annotation.Identifier;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;

/**
 * The events consumer's group membership and commit cadence, from {@code monitor.consumer.*}: the
 * channel's {@code kafka-configuration} (the channel's own mp.messaging keys still override these).
 * The classic protocol's keys are left out under {@code group.protocol=consumer}, which refuses them.
 */
@ApplicationScoped
public class ConsumerSettings {
    /** The name application.properties gives the events channel's kafka-configuration. */
    public static final String NAME = "llm-events-consumer-settings";

    @Produces
    @Identifier(NAME)
    Map<String, Object> settings(MonitorConfig config) {
        return of(config.consumer());
    }

    static Map<String, Object> of(MonitorConfig.Consumer c) {
        Map<String, Object> m = new HashMap<>();
        String protocol = c.groupProtocol().trim().toLowerCase(java.util.Locale.ROOT);
        switch (protocol) {
            case "classic" -> {
                m.put("session.timeout.ms", String.valueOf(c.sessionTimeout().toMillis()));
                m.put("heartbeat.interval.ms", String.valueOf(c.heartbeatInterval().toMillis()));
                m.put("partition.assignment.strategy", CooperativeStickyAssignor.class.getName());
            }
            case "consumer" -> m.put("group.protocol", "consumer");
            default -> throw new IllegalArgumentException("monitor.consumer.group-protocol: expected classic or consumer, got '"
                    + c.groupProtocol() + "'");
        }
        c.instanceId().filter(s -> !s.isBlank()).ifPresent(id -> m.put("group.instance.id", id));
        m.put("auto.commit.interval.ms", String.valueOf(c.commitInterval().toMillis()));
        return m;
    }
}
