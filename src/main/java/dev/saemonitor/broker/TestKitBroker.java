package dev.saemonitor.broker;

import java.nio.file.Path;
import java.util.Map;
import java.util.function.Supplier;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;

/**
 * The only class that touches Kafka's test kit. {@link EmbeddedKafka} loads it through {@link BrokerLib}, in the
 * class loader that sees the broker jars, and talks to it through JDK interfaces only ({@link AutoCloseable}, a
 * {@link Supplier} of the bootstrap servers), so the service's own class loader needs none of those jars.
 */
public final class TestKitBroker implements AutoCloseable, Supplier<String> {
    private final KafkaClusterTestKit cluster;

    private TestKitBroker(KafkaClusterTestKit cluster) {
        this.cluster = cluster;
    }

    /** Formats and starts a combined broker + controller under {@code base} with {@code props}, waits until it is ready. */
    public static Object start(Path base, Map<String, String> props) throws Exception {
        // Kafka loads plugin classes by name through the context class loader; its threads inherit this one
        Thread t = Thread.currentThread();
        ClassLoader before = t.getContextClassLoader();
        t.setContextClassLoader(TestKitBroker.class.getClassLoader());
        try {
            return startHere(base, props);
        } finally {
            t.setContextClassLoader(before);
        }
    }

    private static TestKitBroker startHere(Path base, Map<String, String> props) throws Exception {
        KafkaClusterTestKit.Builder b = new KafkaClusterTestKit.Builder(new TestKitNodes.Builder()
                .setCombined(true).setNumBrokerNodes(1).setNumControllerNodes(1).setBaseDirectory(base).build());
        props.forEach(b::setConfigProp);
        KafkaClusterTestKit c = b.setDeleteOnClose(true).build();
        c.format();
        c.startup();
        c.waitForReadyBrokers();
        return new TestKitBroker(c);
    }

    @Override
    public String get() {
        return cluster.bootstrapServers();
    }

    @Override
    public void close() throws Exception {
        Thread t = Thread.currentThread();
        ClassLoader before = t.getContextClassLoader();
        t.setContextClassLoader(TestKitBroker.class.getClassLoader());
        try {
            cluster.close();
        } finally {
            t.setContextClassLoader(before);
        }
    }
}
