package dev.saemonitor.ops;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** alerts/alertmanager.yml: amtool accepts it, routes pages to on-call, and inhibits as documented. */
class AlertmanagerConfigTest {
    static final String CONFIG = "alerts/alertmanager.yml";

    @Test
    void amtoolChecksTheConfig() {
        Path amtool = OpsTools.requireTool("amtool");
        OpsTools.Result r = OpsTools.run(Duration.ofMinutes(1), List.of(amtool.toString(), "check-config", CONFIG));
        assertThat(r.exitCode()).as(r.describe()).isZero();
        assertThat(r.output()).contains("SUCCESS");
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = ';', value = {
        "alertname=SaeMonitorCriticalVerdict severity=critical category=dangerous_content tenant=acme pack_version=1.0.0; oncall",
        "alertname=SaeMonitorCriticalFlagBurst severity=critical category=dangerous_content tenant=acme; oncall",
        "alertname=SaeMonitorStalled severity=critical namespace=prod job=sae-safety-monitor; oncall",
        "alertname=SaeMonitorDeadLetterRateHigh severity=warning; team",
        "alertname=SaeMonitorFeatureFiringAboveCalibration severity=info category=bias feature=7; team",
        "alertname=Unlabelled; team",
    })
    void routesBySeverity(String labels, String receiver) {
        Path amtool = OpsTools.requireTool("amtool");
        List<String> cmd = new ArrayList<>(List.of(amtool.toString(), "config", "routes", "test",
                "--config.file=" + CONFIG));
        cmd.addAll(List.of(labels.trim().split("\\s+")));
        OpsTools.Result r = OpsTools.run(Duration.ofMinutes(1), cmd);
        assertThat(r.exitCode()).as(r.describe()).isZero();
        assertThat(r.output().lines().filter(l -> !l.startsWith("Warning:")).map(String::trim).toList())
                .as(r.describe()).contains(receiver);
    }

    /** The PagerDuty and Slack receivers are shipped commented out; uncommented they must still be valid. */
    @Test
    void commentedReceiverExamplesAreValid(@TempDir Path tmp) throws IOException {
        Path amtool = OpsTools.requireTool("amtool");
        List<String> out = new ArrayList<>();
        boolean inReceivers = false;
        int uncommented = 0;
        for (String line : Files.readAllLines(OpsTools.repo(CONFIG))) {
            inReceivers |= line.startsWith("receivers:");
            if (inReceivers && line.matches(" {4}# (pagerduty_configs|slack_configs):.*")) {
                out.add("    " + line.substring(6));
                uncommented++;
            } else if (inReceivers && line.startsWith("    #   ")) {
                out.add("      " + line.substring(8));
            } else {
                out.add(line);
            }
        }
        assertThat(uncommented).as("commented pagerduty_configs and slack_configs examples").isEqualTo(2);
        Path file = tmp.resolve("alertmanager-examples.yml");
        Files.write(file, out);
        OpsTools.Result r = OpsTools.run(Duration.ofMinutes(1), List.of(amtool.toString(), "check-config", file.toString()));
        assertThat(r.exitCode()).as(r.describe() + "\n---\n" + String.join("\n", out)).isZero();
    }

    @Test
    void groupingInhibitionAndTimingAsDocumented() {
        JsonNode cfg = OpsTools.readYaml(OpsTools.repo(CONFIG));
        JsonNode route = cfg.path("route");
        assertThat(texts(route.path("group_by"))).containsExactly("alertname", "category", "tenant");

        JsonNode critical = null;
        for (JsonNode r : route.path("routes")) {
            if (texts(r.path("matchers")).contains("severity=\"critical\"")) {
                critical = r;
            }
        }
        assertThat(critical).as("a route for severity=critical").isNotNull();
        assertThat(critical.path("receiver").asText()).isEqualTo("oncall");
        assertThat(critical.path("group_wait").asText()).isIn("5s", "10s");
        assertThat(critical.path("repeat_interval").asText()).isNotBlank();

        boolean warningsInhibitedByCriticals = false;
        for (JsonNode rule : cfg.path("inhibit_rules")) {
            if (texts(rule.path("source_matchers")).contains("severity=\"critical\"")
                    && texts(rule.path("target_matchers")).stream().anyMatch(m -> m.startsWith("severity=") && m.contains("warning"))
                    && texts(rule.path("equal")).containsAll(List.of("category", "tenant"))) {
                warningsInhibitedByCriticals = true;
            }
        }
        assertThat(warningsInhibitedByCriticals).as("warnings inhibited by criticals with equal [category, tenant]").isTrue();

        JsonNode oncall = null;
        for (JsonNode rcv : cfg.path("receivers")) {
            if (rcv.path("name").asText().equals("oncall")) {
                oncall = rcv;
            }
        }
        assertThat(oncall).isNotNull();
        assertThat(oncall.path("webhook_configs").get(0).path("url").asText()).isEqualTo("http://oncall-webhook:9095/alerts");
    }

    private static List<String> texts(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }
}
