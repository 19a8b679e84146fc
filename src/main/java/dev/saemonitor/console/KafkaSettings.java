package dev.saemonitor.console;

import io.smallrye.common.annotation.Identifier;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Plain consumers for the console with the channels' connection and security settings (bootstrap, SASL, TLS). They
 * only assign and seek: no group, nothing committed.
 */
@ApplicationScoped
public class KafkaSettings {
    private final Map<String, Object> kafka;

    public KafkaSettings(@Identifier("default-kafka-broker") Map<String, Object> kafka) {
        this.kafka = kafka;
    }

    public KafkaConsumer<String, byte[]> consumer(String clientId) {
        Properties p = new Properties();
        kafka.forEach((k, v) -> {
            if (ConsumerConfig.configNames().contains(k) && !k.equals(ConsumerConfig.CLIENT_ID_CONFIG)
                    && !k.equals(ConsumerConfig.GROUP_ID_CONFIG)) {
                p.put(k, String.valueOf(v));
            }
        });
        p.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId);
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "none");
        return new KafkaConsumer<>(p, new StringDeserializer(), new ByteArrayDeserializer());
    }
}
