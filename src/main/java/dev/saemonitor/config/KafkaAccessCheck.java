package dev.saemonitor.config;

import io.quarkus.runtime.StartupEvent;
import io.quarkus.runtime.configuration.ConfigurationException;
import io.smallrye.common.annotation.Identifier;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.interceptor.Interceptor;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.SslAuthenticationException;
import org.jboss.logging.Logger;

/**
 * Before the channels start, connects once with the Kafka client settings every channel uses
 * ({@code kafka.*}, env {@code KAFKA_*}: SASL, TLS): refused credentials or an untrusted broker
 * certificate fail start-up naming the bootstrap servers, instead of clients retrying forever while the
 * pod looks alive. A broker that does not answer is not a start-up error (it may be restarting).
 */
@ApplicationScoped
public class KafkaAccessCheck {
    private static final Logger LOG = Logger.getLogger(KafkaAccessCheck.class);
    private static final long TIMEOUT_S = 20;
    private final Map<String, Object> kafka;

    public KafkaAccessCheck(@Identifier("default-kafka-broker") Map<String, Object> kafka) {
        this.kafka = kafka;
    }

    void onStart(@Observes @Priority(Interceptor.Priority.PLATFORM_BEFORE + 1) StartupEvent e) {
        Map<String, Object> props = new HashMap<>();
        kafka.forEach((k, v) -> {
            if (AdminClientConfig.configNames().contains(k)) {
                props.put(k, v);
            }
        });
        Object servers = props.get(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG);
        if (servers == null) {
            return;
        }
        props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) TimeUnit.SECONDS.toMillis(TIMEOUT_S));
        props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) TimeUnit.SECONDS.toMillis(TIMEOUT_S));
        try (Admin admin = Admin.create(props)) {
            admin.describeCluster().clusterId().get(TIMEOUT_S, TimeUnit.SECONDS);
        } catch (ExecutionException ex) {
            if (ex.getCause() instanceof AuthenticationException auth) {
                String what = auth instanceof SslAuthenticationException ? "TLS handshake failed" : "authentication failed";
                throw new ConfigurationException("Kafka at " + servers + ": " + what + " (security.protocol="
                        + props.getOrDefault("security.protocol", "PLAINTEXT") + ", sasl.mechanism="
                        + props.getOrDefault("sasl.mechanism", "none") + "): " + auth.getMessage()
                        + "; check the credentials in KAFKA_SASL_JAAS_CONFIG and the truststore");
            }
            LOG.warnf("Kafka at %s not reachable at start (%s); the clients keep retrying", servers, ex.getCause());
        } catch (TimeoutException ex) {
            LOG.warnf("Kafka at %s did not answer within %d s at start; the clients keep retrying", servers, TIMEOUT_S);
        } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
        }
    }
}
