package dev.saemonitor.publish;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.saemonitor.config.MonitorConfig;
import dev.saemonitor.conversation.ConversationVerdict;
import dev.saemonitor.metrics.MonitorMetrics;
import dev.saemonitor.scoring.Verdict;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Pushed alerts link to the flag in the console when {@code monitor.console.base-url} is set, and only then. */
class AlertConsoleLinkTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Verdict.PackRef PACK = new Verdict.PackRef("default", "0.4.0", "ab");

    private static AlertPusher pusher(Map<String, String> props) {
        SmallRyeConfig c = new SmallRyeConfigBuilder().withMapping(MonitorConfig.class)
                .withConverter(java.time.Duration.class, 200, new io.quarkus.runtime.configuration.DurationConverter())
                .withDefaultValues(props).build();
        return new AlertPusher(c.getConfigMapping(MonitorConfig.class), new MonitorMetrics(new SimpleMeterRegistry()));
    }

    private static Verdict verdict(String id) {
        return new Verdict(id, "conv 1", "acme", "prompt", true, "critical",
                List.of(new Verdict.CategoryScore("dangerous_content", 0.9, 0.5, true, null)), List.of(), PACK, 1, 5, 3,
                null, null);
    }

    @Test
    void eventAndConversationAlertsCarryTheConsoleUrl() throws Exception {
        AlertPusher p = pusher(Map.of("monitor.alertmanager.url", "http://am:9093",
                "monitor.console.base-url", "https://monitor.example.com/"));
        JsonNode a = JSON.readTree(p.payload(verdict("evt/1 2"), c -> "critical")).get(0);
        assertThat(a.path("annotations").path("console_url").asText())
                .isEqualTo("https://monitor.example.com/console/flag/evt%2F1%202");
        ConversationVerdict cv = new ConversationVerdict("conv 1", 3, "evt-3", true, "critical",
                List.of(new ConversationVerdict.Category("dangerous_content", 0.9, 0.5, true)), List.of(), PACK);
        JsonNode c = JSON.readTree(p.conversationPayload(cv, "acme", List.of("dangerous_content"), 3, "evt-3", x -> "critical")).get(0);
        assertThat(c.path("annotations").path("console_url").asText())
                .isEqualTo("https://monitor.example.com/console/conversation/conv%201?turns=3");
    }

    @Test
    void noBaseUrlNoLink() throws Exception {
        AlertPusher p = pusher(Map.of("monitor.alertmanager.url", "http://am:9093"));
        JsonNode a = JSON.readTree(p.payload(verdict("evt-1"), c -> "critical")).get(0);
        assertThat(a.path("annotations").has("console_url")).isFalse();
    }
}
