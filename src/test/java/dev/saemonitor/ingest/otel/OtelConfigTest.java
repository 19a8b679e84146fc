package dev.saemonitor.ingest.otel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.saemonitor.config.KnownKeys;
import dev.saemonitor.config.MonitorConfig;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The monitor.otel keys: known to the unknown-key check, defaults, and a mistyped encoding refused by name. */
class OtelConfigTest {
    private static MonitorConfig config(Map<String, String> set) {
        SmallRyeConfig c = new SmallRyeConfigBuilder().withMapping(MonitorConfig.class)
                .withConverter(java.time.Duration.class, 100, new io.quarkus.runtime.configuration.DurationConverter())
                .withSources(new PropertiesConfigSource(set, "test", 500)).build();
        return c.getConfigMapping(MonitorConfig.class);
    }

    @Test
    void keysAreKnownAndDefaultToTheExportersTopicsAndProtoOff() {
        KnownKeys known = KnownKeys.monitor();
        for (String k : new String[] {"monitor.otel.enabled", "monitor.otel.spans-encoding", "monitor.otel.logs-encoding",
                "monitor.otel.tenant-attribute", "monitor.topics.otlp-spans", "monitor.topics.otlp-logs"}) {
            assertThat(known.knows(k)).as(k).isTrue();
        }
        MonitorConfig c = config(Map.of());
        assertThat(c.otel().enabled()).isFalse();
        assertThat(c.otel().spansEncoding()).isEqualTo(MonitorConfig.OtlpEncoding.otlp_proto);
        assertThat(c.otel().logsEncoding()).isEqualTo(MonitorConfig.OtlpEncoding.otlp_proto);
        assertThat(c.topics().otlpSpans()).isEqualTo("otlp_spans");
        assertThat(c.topics().otlpLogs()).isEqualTo("otlp_logs");
        assertThat(config(Map.of("monitor.otel.logs-encoding", "otlp_json")).otel().logsEncoding())
                .isEqualTo(MonitorConfig.OtlpEncoding.otlp_json);
    }

    @Test
    void aMistypedEncodingFailsNamingTheKeyAndTheAllowedValues() {
        assertThatThrownBy(() -> config(Map.of("monitor.otel.spans-encoding", "otlp_protobuf")))
                .hasMessageContaining("monitor.otel.spans-encoding").hasMessageContaining("otlp_protobuf")
                .satisfies(e -> assertThat(e.getMessage()).containsPattern("otlp.proto").containsPattern("otlp.json"));
    }
}
