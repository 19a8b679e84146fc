package dev.saemonitor.ingest;

import dev.saemonitor.config.MonitorConfig;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.eclipse.microprofile.config.ConfigProvider;
import org.jboss.logging.Logger;

/**
 * With the in-process broker, feeds the bundled mixed sample traffic ({@code samples/traffic.jsonl}:
 * benign, flagged and malformed events) into the events topic at a steady rate, once.
 */
@ApplicationScoped
public class DemoTraffic {
    private static final Logger LOG = Logger.getLogger(DemoTraffic.class);
    private final MonitorConfig config;
    private volatile Thread feeder;

    public DemoTraffic(MonitorConfig config) {
        this.config = config;
    }

    void start(@Observes StartupEvent e) {
        if (!config.demoTraffic().enabled()) {
            return;
        }
        feeder = Thread.ofPlatform().name("demo-traffic").daemon().start(this::feed);
    }

    void stop(@Observes ShutdownEvent e) {
        if (feeder != null) {
            feeder.interrupt();
        }
    }

    private void feed() {
        List<String> lines = new ArrayList<>();
        try (InputStream in = DemoTraffic.class.getResourceAsStream("/samples/traffic.jsonl")) {
            if (in == null) {
                LOG.warn("no bundled samples/traffic.jsonl; demo traffic off");
                return;
            }
            new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8)).lines().filter(l -> !l.isBlank()).forEach(lines::add);
        } catch (Exception ex) {
            LOG.warnf("cannot read demo traffic: %s", ex.getMessage());
            return;
        }
        Properties p = new Properties();
        p.put("bootstrap.servers", ConfigProvider.getConfig().getValue("kafka.bootstrap.servers", String.class));
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer())) {
            long pauseMs = (long) (1000 / Math.max(0.1, config.demoTraffic().rate()));
            LOG.infof("feeding %d sample events into %s at %.1f/s", lines.size(), config.topics().events(), config.demoTraffic().rate());
            int i = 0;
            for (String line : lines) {
                producer.send(new ProducerRecord<>(config.topics().events(), keyOf(line, i++),
                        line.getBytes(StandardCharsets.UTF_8)));
                Thread.sleep(pauseMs);
            }
            producer.flush();
            Map<String, List<String>> expected = DemoTally.expected(lines);
            if (!expected.isEmpty()) {
                LOG.info(DemoTally.line(expected, DemoTally.flagged(p.getProperty("bootstrap.servers"),
                        config.topics().flags(), expected.keySet())));
            }
        } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException ex) {
            LOG.warnf("demo traffic stopped: %s", ex.getMessage());
        }
    }

    /**
     * The record key: the event's conversation id, as a gateway keys them (a conversation stays on one partition, where
     * the console reads its turns back); lines without one (the malformed samples) spread over seven keys.
     */
    static String keyOf(String line, int i) {
        try {
            String id = new com.fasterxml.jackson.databind.ObjectMapper().readTree(line).path("conversationId").asText("");
            return id.isEmpty() ? "demo-conv-" + (i % 7) : id;
        } catch (java.io.IOException | RuntimeException e) {
            return "demo-conv-" + (i % 7);
        }
    }
}
