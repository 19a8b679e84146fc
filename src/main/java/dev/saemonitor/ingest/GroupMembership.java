package dev.saemonitor.ingest;

import io.smallrye.common.annotation.Identifier;
import io.smallrye.reactive.messaging.kafka.KafkaConsumerRebalanceListener;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Default;
import java.util.Collection;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.common.TopicPartition;
import org.jboss.logging.Logger;

/**
 * What the events consumer holds in its group: whether it has completed a first assignment since start
 * (readiness waits for that, so a replica waiting out a dead member's session timeout does not say
 * ready), and which partitions it owns now. Logged at each change so a handover can be timed.
 */
@ApplicationScoped
@Default
@Identifier(GroupMembership.NAME)
public class GroupMembership implements KafkaConsumerRebalanceListener {
    /** The name application.properties gives the events channel's rebalance listener. */
    public static final String NAME = "llm-events-membership";
    private static final Logger LOG = Logger.getLogger(GroupMembership.class);

    private final Set<TopicPartition> owned = ConcurrentHashMap.newKeySet();
    private volatile boolean joined;

    @Override
    public void onPartitionsAssigned(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
        owned.addAll(partitions);
        if (!joined) {
            joined = true;
            LOG.infof("joined the consumer group: %d partitions assigned %s", owned.size(), owned);
        } else if (!partitions.isEmpty()) {
            LOG.infof("partitions assigned %s, now holding %d", partitions, owned.size());
        }
    }

    @Override
    public void onPartitionsRevoked(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
        owned.removeAll(partitions);
        if (!partitions.isEmpty()) {
            LOG.infof("partitions revoked %s, now holding %d", partitions, owned.size());
        }
    }

    @Override
    public void onPartitionsLost(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
        owned.removeAll(partitions);
        LOG.warnf("partitions lost %s (session expired), now holding %d", partitions, owned.size());
    }

    /** A first assignment completed since start (it may be empty when replicas outnumber partitions). */
    public boolean joined() {
        return joined;
    }

    public int partitions() {
        return owned.size();
    }
}
