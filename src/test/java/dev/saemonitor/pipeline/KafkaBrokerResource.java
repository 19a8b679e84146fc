package dev.saemonitor.pipeline;

import dev.saemonitor.broker.EmbeddedKafka;
import dev.saemonitor.config.Topics;
import dev.saemonitor.modelpack.SaeArchitecture;
import dev.saemonitor.testing.TestPacks;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.kafka.KafkaContainer;

/**
 * The one real broker of the pipeline tests: Testcontainers' Kafka where a Docker engine answers, the
 * in-process KRaft broker where none does (as on the build machines). Same tests either way. Also
 * writes the test pack the service loads.
 */
public class KafkaBrokerResource implements QuarkusTestResourceLifecycleManager {
    private static volatile String bootstrap;
    private EmbeddedKafka embedded;
    private KafkaContainer container;

    public static String bootstrapServers() {
        return bootstrap;
    }

    @Override
    public Map<String, String> start() {
        try {
            if (dockerAvailable()) {
                container = new KafkaContainer("apache/kafka:4.1.0");
                container.start();
                bootstrap = container.getBootstrapServers();
            } else {
                embedded = EmbeddedKafka.start(Topics.DEFAULT_PARTITIONS, Topics.ALL_DEFAULTS);
                bootstrap = embedded.bootstrapServers();
            }
            Path pack = TestPacks.write(Files.createTempDirectory("sae-monitor-test-pack"), SaeArchitecture.TOPK, 512, 5);
            Map<String, String> cfg = new HashMap<>();
            cfg.put("kafka.bootstrap.servers", bootstrap);
            cfg.put("monitor.pack.path", pack.toString());
            cfg.put("monitor.publish-all-verdicts", "true");
            // every non-empty text is flagged critical, so flag routing is observable with a random SAE
            cfg.put("monitor.thresholds.dangerous_content", "0.0001");
            cfg.put("monitor.max-event-bytes", "65536");
            // the OpenTelemetry input, spans as the exporter's default (otlp_proto) and logs as otlp_json: both encodings in one boot
            cfg.put("monitor.otel.enabled", "true");
            cfg.put("monitor.otel.logs-encoding", "otlp_json");
            // a fresh broker per test class: conversation state kept for an earlier one must not be found
            cfg.put("monitor.conversations.state-dir", Files.createTempDirectory("sae-monitor-streams").toString());
            return cfg;
        } catch (Exception e) {
            throw new IllegalStateException("cannot start a Kafka broker for the tests", e);
        }
    }

    private static boolean dockerAvailable() {
        try {
            return DockerClientFactory.instance().isDockerAvailable();
        } catch (Throwable t) {
            return false;
        }
    }

    @Override
    public void stop() {
        try {
            if (embedded != null) {
                embedded.close();
            }
            if (container != null) {
                container.stop();
            }
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
