package dev.saemonitor.it;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.Uuid;

/**
 * A single-node KRaft broker (combined broker + controller) in its own JVM, started from the Kafka jars
 * the packaged service ships ({@code target/quarkus-app/lib/main} and the broker-only {@code lib/broker}). Being a separate process, it can be
 * killed and started again on the same ports and log directory: a broker outage the service must ride out.
 */
final class BrokerProcess implements AutoCloseable {
    private static final String LIBS = Path.of("target/quarkus-app/lib/main").toAbsolutePath() + "/*" + java.io.File.pathSeparator
            + Path.of("target/quarkus-app/lib/broker").toAbsolutePath() + "/*";

    private final Path dir;
    private final int port;
    private Process process;
    private int starts;

    private BrokerProcess(Path dir, int port) {
        this.dir = dir;
        this.port = port;
    }

    /** Formats a fresh log directory under {@code dir}, starts the broker and creates {@code topics}. */
    static BrokerProcess start(Path dir, int partitions, List<String> topics) throws Exception {
        Files.createDirectories(dir);
        int port = Ports.free();
        int controllerPort = Ports.free();
        Path props = dir.resolve("server.properties");
        Files.writeString(props, String.join("\n",
                "process.roles=broker,controller",
                "node.id=1",
                "controller.quorum.voters=1@localhost:" + controllerPort,
                "listeners=PLAINTEXT://localhost:" + port + ",CONTROLLER://localhost:" + controllerPort,
                "advertised.listeners=PLAINTEXT://localhost:" + port,
                "controller.listener.names=CONTROLLER",
                "listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT",
                "inter.broker.listener.name=PLAINTEXT",
                "log.dirs=" + dir.resolve("data").toAbsolutePath(),
                "num.partitions=" + partitions,
                "auto.create.topics.enable=true",
                "offsets.topic.replication.factor=1",
                "offsets.topic.num.partitions=4",
                "transaction.state.log.replication.factor=1",
                "transaction.state.log.min.isr=1",
                "group.initial.rebalance.delay.ms=0",
                ""));
        BrokerProcess b = new BrokerProcess(dir, port);
        Process format = b.java("kafka.tools.StorageTool", "format", "-t", Uuid.randomUuid().toString(), "-c",
                props.toAbsolutePath().toString()).redirectOutput(dir.resolve("format.log").toFile()).start();
        if (!format.waitFor(60, TimeUnit.SECONDS) || format.exitValue() != 0) {
            throw new IllegalStateException("formatting the broker's log dir failed, see " + dir.resolve("format.log")
                    + ": " + Files.readString(dir.resolve("format.log")));
        }
        b.startAgain();
        b.createTopics(partitions, topics);
        return b;
    }

    private ProcessBuilder java(String mainClass, String... args) {
        List<String> cmd = new java.util.ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xms128m", "-Xmx512m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-cp", LIBS, mainClass));
        cmd.addAll(List.of(args));
        return new ProcessBuilder(cmd).redirectErrorStream(true);
    }

    String bootstrapServers() {
        return "localhost:" + port;
    }

    /** Starts the broker process (again) on the same ports and data, and waits until it answers. */
    void startAgain() throws IOException {
        starts++;
        process = java("kafka.Kafka", dir.resolve("server.properties").toAbsolutePath().toString())
                .redirectOutput(dir.resolve("broker-" + starts + ".log").toFile()).start();
        await("broker on " + bootstrapServers() + " answering").atMost(Duration.ofSeconds(90))
                .pollInterval(Duration.ofMillis(250)).until(this::answers);
    }

    /** SIGKILL: the broker vanishes without a controlled shutdown, as in a node failure. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    boolean alive() {
        return process != null && process.isAlive();
    }

    private boolean answers() {
        if (!process.isAlive()) {
            throw new IllegalStateException("broker exited with " + process.exitValue() + ", see " + dir);
        }
        try (Admin admin = admin()) {
            return !admin.describeCluster().nodes().get(2, TimeUnit.SECONDS).isEmpty();
        } catch (Exception e) {
            return false;
        }
    }

    Admin admin() {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "5000");
        p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "10000");
        return Admin.create(p);
    }

    void createTopics(int partitions, List<String> topics) throws Exception {
        try (Admin admin = admin()) {
            var existing = admin.listTopics().names().get();
            List<NewTopic> missing = topics.stream().filter(t -> !existing.contains(t))
                    .map(t -> new NewTopic(t, partitions, (short) 1)
                            .configs(dev.saemonitor.config.Topics.CONFIGS.getOrDefault(t, java.util.Map.of()))).toList();
            if (!missing.isEmpty()) {
                admin.createTopics(missing).all().get();
            }
        }
    }

    @Override
    public void close() throws InterruptedException {
        if (process != null) {
            process.destroy();
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
    }
}
