package dev.saemonitor.container;

import static org.awaitility.Awaitility.await;

import dev.saemonitor.config.Topics;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.utils.AppInfoParser;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.utility.DockerImageName;

/**
 * A single-node KRaft broker in a container (Testcontainers), from the image {@code scripts/docker/images.sh} builds on
 * the local Debian base ({@code docker/broker/}). Host networking only (the engine runs with {@code --bridge=none}):
 * the broker listens on two free loopback ports picked here. No Ryuk ({@code TESTCONTAINERS_RYUK_DISABLED=true}, its
 * image cannot be pulled): {@link #close()} removes the container.
 */
public final class ContainerBroker implements AutoCloseable {
    /** The image, {@code local/kafka-broker:<the kafka-clients version>} unless {@code -Dsae.test.broker-image} names one. */
    public static final String IMAGE = System.getProperty("sae.test.broker-image", "local/kafka-broker:" + AppInfoParser.getVersion());

    private final GenericContainer<?> container;
    private final int port;

    private ContainerBroker(GenericContainer<?> container, int port) {
        this.container = container;
        this.port = port;
    }

    /** Why no container broker can run here (to say so and fall back), or null when the engine and image are there. */
    public static String unavailableReason() {
        if (!"true".equalsIgnoreCase(System.getenv("TESTCONTAINERS_RYUK_DISABLED"))) {
            return "TESTCONTAINERS_RYUK_DISABLED is not true (the Ryuk image cannot be pulled here)";
        }
        try {
            if (!DockerClientFactory.instance().isDockerAvailable()) {
                return "no Docker engine answers (scripts/docker/engine.sh starts one)";
            }
        } catch (Throwable t) {
            return "no Docker engine answers (" + t.getClass().getSimpleName() + ": " + t.getMessage() + ")";
        }
        try {
            DockerClientFactory.instance().client().inspectImageCmd(IMAGE).exec();
        } catch (Exception e) {
            return "image " + IMAGE + " is missing (scripts/docker/images.sh builds it after ./mvnw package)";
        }
        return null;
    }

    /** Starts the container, waits until the broker answers an admin client, creates {@code topics}. */
    public static ContainerBroker start(int partitions, List<String> topics) throws Exception {
        int port = freePort();
        int controller = freePort();
        GenericContainer<?> c = new GenericContainer<>(DockerImageName.parse(IMAGE))
                .withNetworkMode("host")
                .withEnv("KAFKA_PORT", String.valueOf(port))
                .withEnv("KAFKA_CONTROLLER_PORT", String.valueOf(controller))
                .withEnv("KAFKA_PARTITIONS", String.valueOf(partitions))
                .waitingFor(Wait.forLogMessage(".*kafka-broker: starting on.*", 1).withStartupTimeout(Duration.ofSeconds(60)));
        c.start();
        ContainerBroker b = new ContainerBroker(c, port);
        try {
            await("containerised broker on " + b.bootstrapServers() + " answering").atMost(Duration.ofSeconds(90))
                    .pollInterval(Duration.ofMillis(250)).until(b::answers);
            b.createTopics(partitions, topics);
            return b;
        } catch (Exception | Error e) {
            String logs = c.getLogs();
            b.close();
            throw new IllegalStateException("the containerised broker (" + IMAGE + ") did not come up on "
                    + b.bootstrapServers() + "; its output: " + logs.substring(Math.max(0, logs.length() - 2000)), e);
        }
    }

    public String bootstrapServers() {
        return "localhost:" + port;
    }

    public String containerId() {
        return container.getContainerId();
    }

    private boolean answers() {
        if (!container.isRunning()) {
            throw new IllegalStateException("the broker container exited");
        }
        try (Admin admin = admin()) {
            return !admin.describeCluster().nodes().get(2, TimeUnit.SECONDS).isEmpty();
        } catch (Exception e) {
            return false;
        }
    }

    private void createTopics(int partitions, List<String> topics) throws Exception {
        try (Admin admin = admin()) {
            var existing = admin.listTopics().names().get(30, TimeUnit.SECONDS);
            List<NewTopic> missing = topics.stream().filter(t -> !existing.contains(t))
                    .map(t -> new NewTopic(t, partitions, (short) 1).configs(Topics.CONFIGS.getOrDefault(t, Map.of())))
                    .toList();
            admin.createTopics(missing).all().get(60, TimeUnit.SECONDS);
        }
    }

    private Admin admin() {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "5000");
        p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "10000");
        return Admin.create(p);
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    @Override
    public void close() {
        container.stop();
    }
}
