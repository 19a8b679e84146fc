package dev.saemonitor.broker;

import dev.saemonitor.config.Topics;
import java.lang.reflect.InvocationTargetException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.Supplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;

/**
 * A real single-node Kafka broker (KRaft, combined broker + controller) inside this JVM, for the
 * embedded default of {@code serve} and for tests where no Docker engine runs. The broker's jars are not in the
 * service's own class path: {@link BrokerLib} finds them ({@code lib/broker} next to the packaged service), and
 * says so when this installation has none (the container image).
 */
public final class EmbeddedKafka implements AutoCloseable {
    private final AutoCloseable cluster;
    private final String bootstrapServers;

    private EmbeddedKafka(AutoCloseable cluster, String bootstrapServers) {
        this.cluster = cluster;
        this.bootstrapServers = bootstrapServers;
    }

    /** Starts the broker and creates the given topics with {@code partitions} partitions each. */
    public static EmbeddedKafka start(int partitions, List<String> topics) throws Exception {
        Class<?> kit = BrokerLib.testKitBroker();
        Path base = Files.createTempDirectory("sae-monitor-kafka");
        Map<String, String> props = new LinkedHashMap<>();
        props.put("auto.create.topics.enable", "true");
        props.put("num.partitions", String.valueOf(partitions));
        props.put("offsets.topic.replication.factor", "1");
        props.put("transaction.state.log.replication.factor", "1");
        props.put("transaction.state.log.min.isr", "1");
        props.put("group.initial.rebalance.delay.ms", "0");
        Object broker;
        try {
            broker = kit.getMethod("start", Path.class, Map.class).invoke(null, base, props);
        } catch (InvocationTargetException e) {
            throw e.getCause() instanceof Exception x ? x : new IllegalStateException(e.getCause());
        }
        @SuppressWarnings("unchecked")
        EmbeddedKafka k = new EmbeddedKafka((AutoCloseable) broker, ((Supplier<String>) broker).get());
        k.createTopics(partitions, topics);
        return k;
    }

    public String bootstrapServers() {
        return bootstrapServers;
    }

    public void createTopics(int partitions, List<String> topics) throws Exception {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        try (Admin admin = Admin.create(p)) {
            var existing = admin.listTopics().names().get();
            List<NewTopic> missing = topics.stream().filter(t -> !existing.contains(t))
                    .map(t -> new NewTopic(t, partitions, (short) 1).configs(Topics.CONFIGS.getOrDefault(t, java.util.Map.of())))
                    .toList();
            if (!missing.isEmpty()) {
                admin.createTopics(missing).all().get();
            }
        }
    }

    @Override
    public void close() throws Exception {
        cluster.close();
    }
}
