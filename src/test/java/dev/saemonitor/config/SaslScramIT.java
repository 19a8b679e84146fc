package dev.saemonitor.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.saemonitor.bench.ServiceProcess;
import dev.saemonitor.modelpack.SaeArchitecture;
import dev.saemonitor.pipeline.KafkaTestClient;
import dev.saemonitor.testing.TestPacks;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real KRaft broker (child process) with a SASL_SSL listener (SCRAM-SHA-512, a throwaway self-signed
 * certificate made with keytool) and a plaintext listener for the test's own clients. The packaged jar
 * gets its Kafka settings as the k8s overlay gives them (kafka-auth component + Secret): environment
 * variables KAFKA_SECURITY_PROTOCOL, KAFKA_SASL_MECHANISM, KAFKA_SASL_JAAS_CONFIG, KAFKA_SSL_TRUSTSTORE_*
 * and the truststore as a mounted file.
 */
class SaslScramIT {
    private static final String USER = "sae-monitor";
    private static final String PASSWORD = "s3cret-" + UUID.randomUUID();
    private static final String STORE_PASSWORD = "changeit-" + UUID.randomUUID();
    @TempDir
    static Path tmp;
    static Process broker;
    static int saslPort, plainPort;
    static Path truststore, pack;

    static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    static void run(List<String> cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(tmp.resolve("cmd.log").toFile()).start();
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(String.join(" ", cmd) + "\n" + Files.readString(tmp.resolve("cmd.log"))).isZero();
    }

    static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    @BeforeAll
    static void startBroker() throws Exception {
        pack = TestPacks.write(tmp.resolve("pack"), SaeArchitecture.TOPK, 128, 5);
        String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
        Path keystore = tmp.resolve("broker.p12");
        Path cert = tmp.resolve("broker.crt");
        truststore = tmp.resolve("tls/truststore.p12");
        Files.createDirectories(truststore.getParent());
        run(List.of(keytool, "-genkeypair", "-alias", "broker", "-keyalg", "RSA", "-keysize", "2048", "-validity", "2",
                "-dname", "CN=localhost", "-ext", "SAN=IP:127.0.0.1,DNS:localhost", "-storetype", "PKCS12",
                "-keystore", keystore.toString(), "-storepass", STORE_PASSWORD, "-keypass", STORE_PASSWORD));
        run(List.of(keytool, "-exportcert", "-alias", "broker", "-keystore", keystore.toString(), "-storepass", STORE_PASSWORD,
                "-rfc", "-file", cert.toString()));
        run(List.of(keytool, "-importcert", "-noprompt", "-alias", "ca", "-file", cert.toString(), "-storetype", "PKCS12",
                "-keystore", truststore.toString(), "-storepass", STORE_PASSWORD));

        saslPort = freePort();
        plainPort = freePort();
        int controllerPort = freePort();
        Path props = tmp.resolve("server.properties");
        Files.writeString(props, String.join("\n",
                "process.roles=broker,controller", "node.id=1",
                "controller.quorum.bootstrap.servers=127.0.0.1:" + controllerPort,
                "listeners=SASL_SSL://127.0.0.1:" + saslPort + ",INTERNAL://127.0.0.1:" + plainPort
                        + ",CONTROLLER://127.0.0.1:" + controllerPort,
                "advertised.listeners=SASL_SSL://127.0.0.1:" + saslPort + ",INTERNAL://127.0.0.1:" + plainPort,
                "listener.security.protocol.map=SASL_SSL:SASL_SSL,INTERNAL:PLAINTEXT,CONTROLLER:PLAINTEXT",
                "inter.broker.listener.name=INTERNAL", "controller.listener.names=CONTROLLER",
                "sasl.enabled.mechanisms=SCRAM-SHA-512",
                "listener.name.sasl_ssl.scram-sha-512.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required;",
                "ssl.keystore.location=" + keystore, "ssl.keystore.type=PKCS12",
                "ssl.keystore.password=" + STORE_PASSWORD, "ssl.key.password=" + STORE_PASSWORD,
                "log.dirs=" + tmp.resolve("kafka-logs"), "num.partitions=2", "auto.create.topics.enable=true",
                "offsets.topic.replication.factor=1", "transaction.state.log.replication.factor=1",
                "transaction.state.log.min.isr=1", "group.initial.rebalance.delay.ms=0", ""));
        String cp = System.getProperty("java.class.path");
        // the SCRAM user is created in the metadata log at format time (KRaft)
        run(List.of(java(), "-cp", cp, "kafka.tools.StorageTool", "format", "-t", "0sXcWQa2RSmBNnrELjwPHg", "-c", props.toString(),
                "--standalone", "--add-scram", "SCRAM-SHA-512=[name=" + USER + ",password=" + PASSWORD + "]"));
        broker = new ProcessBuilder(java(), "-Xmx512m", "-cp", cp, "kafka.Kafka", props.toString()).redirectErrorStream(true)
                .redirectOutput(tmp.resolve("broker.log").toFile()).start();
        await().atMost(Duration.ofSeconds(90)).ignoreExceptions().until(() -> {
            try (Socket s = new Socket("127.0.0.1", saslPort)) {
                return broker.isAlive();
            }
        });
    }

    @AfterAll
    static void stopBroker() throws Exception {
        if (broker != null) {
            broker.destroy();
            if (!broker.waitFor(20, TimeUnit.SECONDS)) {
                broker.destroyForcibly();
            }
        }
    }

    /** The environment the k8s overlay (kafka-auth component + Secret sae-safety-monitor-kafka) gives the pod. */
    static Map<String, String> overlayEnvironment(String password) {
        return Map.of("KAFKA_SECURITY_PROTOCOL", "SASL_SSL", "KAFKA_SASL_MECHANISM", "SCRAM-SHA-512",
                "KAFKA_SASL_JAAS_CONFIG", "org.apache.kafka.common.security.scram.ScramLoginModule required username=\""
                        + USER + "\" password=\"" + password + "\";",
                "KAFKA_SSL_TRUSTSTORE_LOCATION", truststore.toString(), "KAFKA_SSL_TRUSTSTORE_TYPE", "PKCS12",
                "KAFKA_SSL_TRUSTSTORE_PASSWORD", STORE_PASSWORD);
    }

    static Process serve(Map<String, String> env, Path log) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(java(), "--enable-native-access=ALL-UNNAMED", "-Xmx768m",
                "-Dquarkus.http.port=" + freePort(), "-Dquarkus.management.port=" + freePort(),
                "-Dmonitor.publish-all-verdicts=true", "-jar", "target/quarkus-app/quarkus-run.jar", "serve",
                "--bootstrap-servers", "127.0.0.1:" + saslPort, "--pack", pack.toString()));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().putAll(env);
        return pb.start();
    }

    @Test
    void theServiceConnectsWithTheOverlaysCredentialsAndPublishesAVerdict() throws Exception {
        Path log = tmp.resolve("good.log");
        Process svc = serve(overlayEnvironment(PASSWORD), log);
        try (KafkaTestClient plain = new KafkaTestClient("127.0.0.1:" + plainPort)) {
            String id = "sasl-" + UUID.randomUUID();
            plain.send("llm.events", "conv-sasl", "{\"id\":\"" + id + "\",\"conversationId\":\"conv-sasl\","
                    + "\"role\":\"completion\",\"text\":\"The quarterly report is attached.\"}");
            var got = plain.readUntil("safety.verdicts", Duration.ofMinutes(3),
                    recs -> !svc.isAlive() || recs.stream().anyMatch(r -> new String(r.value()).contains(id)));
            assertThat(got).as(Files.readString(log)).anyMatch(r -> new String(r.value()).contains(id));
            assertThat(Files.readString(log)).doesNotContain(PASSWORD);
        } finally {
            svc.destroy();
            svc.waitFor(20, TimeUnit.SECONDS);
            svc.destroyForcibly();
        }
    }

    @Test
    void wrongCredentialsFailStartUpNamingTheBrokerAndTheCause() throws Exception {
        Path log = tmp.resolve("bad.log");
        Process svc = serve(overlayEnvironment("wrong-password"), log);
        try {
            assertThat(svc.waitFor(90, TimeUnit.SECONDS)).as("exits instead of hanging: " + Files.readString(log)).isTrue();
            assertThat(svc.exitValue()).isNotZero();
            String error = Files.readString(log).lines().filter(l -> l.startsWith("error:")).reduce((a, b) -> b).orElse("");
            assertThat(error).as(Files.readString(log)).contains("127.0.0.1:" + saslPort).contains("authentication failed")
                    .doesNotContain("wrong-password");
        } finally {
            svc.destroyForcibly();
        }
    }
}
