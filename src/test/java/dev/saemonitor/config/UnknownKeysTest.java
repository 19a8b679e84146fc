package dev.saemonitor.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Unknown monitor.* keys and MONITOR_* variables, and the keys suggested for them, against the real mapping. */
class UnknownKeysTest {
    private static final KnownKeys KNOWN = KnownKeys.monitor();

    private static List<UnknownKeys.UnknownKey> find(String source, String... names) {
        Map<String, Set<String>> m = new LinkedHashMap<>();
        m.put(source, Set.of(names));
        return UnknownKeys.find(m, KNOWN);
    }

    @Test
    void theMappingsKeysAreKnownWithTheirDefaults() {
        assertThat(KNOWN.keys()).contains("monitor.onnx.provider", "monitor.publish-all-verdicts", "monitor.thresholds.*");
        assertThat(find("system", "monitor.onnx.provider", "monitor.thresholds.deception", "%prod.monitor.pack.path",
                "quarkus.http.port", "kafka.bootstrap.servers", "monitorx")).isEmpty();
    }

    @Test
    void aMisspelledKeyIsNamedWithTheNearestKnownKey() {
        List<UnknownKeys.UnknownKey> u = find("a system property (-D)", "monitor.onnx.provder");
        assertThat(u).hasSize(1);
        assertThat(u.get(0).suggestions()).containsExactly("monitor.onnx.provider");
        assertThat(u.get(0).describe()).startsWith("unknown configuration key monitor.onnx.provder (set in a system property (-D)); did you mean monitor.onnx.provider");
    }

    @Test
    void theIssuesExampleSuggestsTheVerdictsKeys() {
        List<UnknownKeys.UnknownKey> u = find("a system property (-D)", "monitor.verdicts.enabled");
        assertThat(u).hasSize(1);
        assertThat(u.get(0).suggestions()).contains("monitor.publish-all-verdicts");
        assertThat(u.get(0).describe()).contains("monitor.verdicts.enabled").contains("did you mean");
    }

    @Test
    void environmentVariablesAreCheckedInTheirOwnSpelling() {
        assertThat(find("the environment", "MONITOR_ONNX_PROVIDER", "MONITOR_PACK_PATH", "MONITOR_THRESHOLDS_DECEPTION",
                "MONITOR_ALERTMANAGER_URL", "PATH", "KAFKA_SASL_JAAS_CONFIG")).isEmpty();
        // Quarkus' environment source offers a variable in both spellings: it is reported once
        List<UnknownKeys.UnknownKey> u = find("the environment", "MONITOR_ONNX_PROVDER", "monitor.onnx.provder");
        assertThat(u).hasSize(1);
        assertThat(u.get(0).describe()).isEqualTo("unknown configuration key MONITOR_ONNX_PROVDER (set in the environment); "
                + "did you mean MONITOR_ONNX_PROVIDER (monitor.onnx.provider)?");
    }

    @Test
    void kubernetesServiceLinksAreNotConfiguration() {
        assertThat(find("the environment", "MONITOR_SERVICE_HOST", "MONITOR_SERVICE_PORT", "MONITOR_SERVICE_PORT_HTTP",
                "MONITOR_PORT", "MONITOR_PORT_8080_TCP_ADDR")).isEmpty();
    }

    @Test
    void aKeyLikeNothingGetsNoSuggestion() {
        List<UnknownKeys.UnknownKey> u = find("application.properties", "monitor.zzzzzzzzzzzzzzzz");
        assertThat(u).hasSize(1);
        assertThat(u.get(0).suggestions()).isEmpty();
        assertThat(u.get(0).describe()).doesNotContain("did you mean");
    }

    @Test
    void editDistance() {
        assertThat(Similarity.distance("", "")).isZero();
        assertThat(Similarity.distance("abc", "")).isEqualTo(3);
        assertThat(Similarity.distance("provder", "provider")).isEqualTo(1);
        assertThat(Similarity.distance("kitten", "sitting")).isEqualTo(3);
        assertThat(Similarity.sharedWords("onnx.provder", "onnx.provider")).isEqualTo(1);
    }
}
