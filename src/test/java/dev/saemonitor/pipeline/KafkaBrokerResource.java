package dev.saemonitor.pipeline;

import dev.saemonitor.broker.EmbeddedKafka;
import dev.saemonitor.config.Topics;
import dev.saemonitor.container.ContainerBroker;
import dev.saemonitor.modelpack.SaeArchitecture;
import dev.saemonitor.testing.TestPacks;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.jboss.logging.Logger;

/**
 * The one real broker of the pipeline tests: the in-process KRaft broker by default, or with
 * {@code -Dsae.test.broker=container} (env {@code SAE_TEST_BROKER}) a Testcontainers broker from the locally built
 * image ({@link ContainerBroker}) where a Docker engine answers and the image exists; when it cannot run, a log line
 * says why and the in-process broker is used. Same tests either way. Also writes the test pack the service loads.
 */
public class KafkaBrokerResource implements QuarkusTestResourceLifecycleManager {
    /** {@code embedded} (default) or {@code container}. */
    public static final String MODE = System.getProperty("sae.test.broker",
            System.getenv().getOrDefault("SAE_TEST_BROKER", "embedded"));
    private static final Logger LOG = Logger.getLogger(KafkaBrokerResource.class);
    private static volatile String bootstrap;
    private static volatile String kind;
    private EmbeddedKafka embedded;
    private ContainerBroker container;

    public static String bootstrapServers() {
        return bootstrap;
    }

    /** Which broker the last start used: {@code container <id>} or {@code in-process}. */
    public static String brokerKind() {
        return kind;
    }

    @Override
    public Map<String, String> start() {
        try {
            String why = "container".equals(MODE) ? ContainerBroker.unavailableReason() : null;
            if ("container".equals(MODE) && why == null) {
                container = ContainerBroker.start(Topics.DEFAULT_PARTITIONS, Topics.ALL_DEFAULTS);
                bootstrap = container.bootstrapServers();
                kind = "container " + container.containerId();
                LOG.infof("Kafka broker for the tests: container %s (%s) at %s", container.containerId(), ContainerBroker.IMAGE, bootstrap);
            } else {
                if (why != null) {
                    LOG.warnf("container broker requested (sae.test.broker=container) but %s: using the in-process broker", why);
                }
                embedded = EmbeddedKafka.start(Topics.DEFAULT_PARTITIONS, Topics.ALL_DEFAULTS);
                bootstrap = embedded.bootstrapServers();
                kind = "in-process";
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

    @Override
    public void stop() {
        try {
            if (embedded != null) {
                embedded.close();
            }
            if (container != null) {
                container.close();
            }
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
