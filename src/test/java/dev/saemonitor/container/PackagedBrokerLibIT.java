package dev.saemonitor.container;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The packaged service without the test broker in {@code lib/main} (issue 13 item 3): the in-process broker of
 * {@code ./monitor} comes from {@code lib/broker} next to it, and where there is none (the container image) the
 * service says so and exits 2 instead of failing on a missing class.
 */
class PackagedBrokerLibIT {
    private static final Path APP = Path.of("target/quarkus-app");

    @Test
    void libMainCarriesNoTestBrokerAndLibBrokerHasIt() throws Exception {
        try (var main = Files.list(APP.resolve("lib/main")); var broker = Files.list(APP.resolve("lib/broker"))) {
            List<String> mainJars = main.map(p -> p.getFileName().toString()).toList();
            List<String> brokerJars = broker.map(p -> p.getFileName().toString()).toList();
            assertThat(mainJars).noneMatch(j -> j.contains("kafka_2.13") || j.contains("kafka-test-common")
                    || j.contains("scala-library") || j.contains("kafka-server-"));
            assertThat(mainJars).anyMatch(j -> j.contains("kafka-clients")).anyMatch(j -> j.contains("kafka-streams"));
            assertThat(brokerJars).anyMatch(j -> j.startsWith("kafka_2.13-")).anyMatch(j -> j.startsWith("kafka-test-common-runtime-"));
        }
    }

    @Test
    void brokerVerbStartsTheInProcessBrokerFromLibBroker() throws Exception {
        Path log = Files.createTempFile(Path.of(System.getProperty("java.io.tmpdir")), "broker-verb", ".log");
        Process p = java(List.of("broker", "--partitions", "1"), null, log);
        try {
            await("bootstrap.servers= from the broker verb").atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(250))
                    .until(() -> {
                        assertThat(p.isAlive()).as("broker verb exited early: %s", Files.readString(log)).isTrue();
                        return Files.readString(log).contains("bootstrap.servers=localhost:");
                    });
        } finally {
            p.destroy();
            p.waitFor(30, TimeUnit.SECONDS);
        }
    }

    @Test
    void withoutBrokerJarsServeSaysSoAndExitsTwo() throws Exception {
        Path empty = Files.createTempDirectory(Path.of(System.getProperty("java.io.tmpdir")), "no-broker-lib");
        Path log = Files.createTempFile(Path.of(System.getProperty("java.io.tmpdir")), "no-broker", ".log");
        Process p = java(List.of("serve", "--no-demo-traffic"), empty, log);
        assertThat(p.waitFor(90, TimeUnit.SECONDS)).as("serve without broker jars should exit").isTrue();
        String out = Files.readString(log);
        assertThat(p.exitValue()).as(out).isEqualTo(2);
        assertThat(out).contains("the in-process Kafka broker is not part of this installation", empty.toAbsolutePath().toString(),
                "KAFKA_BOOTSTRAP_SERVERS");
    }

    private static Process java(List<String> args, Path brokerLib, Path log) throws Exception {
        List<String> cmd = new java.util.ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-jar", APP.resolve("quarkus-run.jar").toString()));
        cmd.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().remove("KAFKA_BOOTSTRAP_SERVERS");
        if (brokerLib != null) {
            pb.environment().put("SAE_MONITOR_BROKER_LIB", brokerLib.toString());
        }
        return pb.start();
    }
}
