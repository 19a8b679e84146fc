package dev.saemonitor.ops;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;

/**
 * The Prometheus rules of alerts/: promtool accepts them and their unit tests pass, every alert
 * carries what on-call needs (severity, summary, description, runbook, for), every alert has a
 * runbook and unit tests that fire and do not fire, and the PrometheusRule copy under k8s/ is in
 * sync with the rules file.
 */
class AlertRulesTest {
    static final String RULES = "alerts/sae-monitor.rules.yaml";
    static final String RUNBOOK_URL_PREFIX =
            "https://github.com/sae-safety-monitor/sae-safety-monitor/blob/main/alerts/runbooks/";
    /** Alerts the service pushes to Alertmanager itself (no Prometheus rule); they need runbooks too. */
    static final Set<String> PUSHED_ALERTS = Set.of("SaeMonitorCriticalVerdict");
    static final String PROMETHEUS_RULE_COPY = "k8s/base/prometheusrule.yaml";

    @Test
    void promtoolChecksTheRules() {
        Path promtool = OpsTools.requireTool("promtool");
        OpsTools.Result r = OpsTools.run(Duration.ofMinutes(1), List.of(promtool.toString(), "check", "rules", RULES));
        assertThat(r.exitCode()).as(r.describe()).isZero();
        assertThat(r.output()).contains("SUCCESS");
    }

    @Test
    void promtoolUnitTestsPass() throws IOException {
        Path promtool = OpsTools.requireTool("promtool");
        List<String> tests = ruleTestFiles();
        assertThat(tests).as("alerts/tests/*.yaml").isNotEmpty();
        List<String> cmd = new ArrayList<>(List.of(promtool.toString(), "test", "rules"));
        cmd.addAll(tests);
        OpsTools.Result r = OpsTools.run(Duration.ofMinutes(5), cmd);
        assertThat(r.exitCode()).as(r.describe()).isZero();
        assertThat(r.output()).doesNotContain("FAILED");
    }

    @Test
    void composePrometheusConfigLoadsTheRules() {
        Path promtool = OpsTools.requireTool("promtool");
        OpsTools.Result r = OpsTools.run(Duration.ofMinutes(1),
                List.of(promtool.toString(), "check", "config", "docker/prometheus.yml"));
        assertThat(r.exitCode()).as(r.describe()).isZero();
        assertThat(r.output()).contains("sae-monitor.rules.yaml");
    }

    @Test
    void everyAlertCarriesSeverityAnnotationsForAndRunbook() {
        List<JsonNode> alerts = alertRules();
        assertThat(alerts).as("alerting rules in " + RULES).hasSizeGreaterThanOrEqualTo(8);
        SoftAssertions soft = new SoftAssertions();
        Set<String> names = new TreeSet<>();
        for (JsonNode rule : alerts) {
            String name = rule.path("alert").asText();
            soft.assertThat(names.add(name)).as("alert name %s is unique", name).isTrue();
            soft.assertThat(name).as("CamelCase name with prefix SaeMonitor").matches("SaeMonitor[A-Z][A-Za-z0-9]+");
            soft.assertThat(rule.path("labels").path("severity").asText())
                    .as("%s: labels.severity", name).isIn("critical", "warning", "info");
            soft.assertThat(rule.path("for").asText()).as("%s: for", name).matches("\\d+[smh]");
            for (String annotation : List.of("summary", "description", "runbook_url")) {
                soft.assertThat(rule.path("annotations").path(annotation).asText())
                        .as("%s: annotations.%s", name, annotation).isNotBlank();
            }
            soft.assertThat(rule.path("annotations").path("runbook_url").asText())
                    .as("%s: runbook_url", name).isEqualTo(RUNBOOK_URL_PREFIX + name + ".md");
            soft.assertThat(OpsTools.repo("alerts/runbooks/" + name + ".md"))
                    .as("runbook of %s", name).isRegularFile();
        }
        soft.assertAll();
    }

    @Test
    void everyRunbookBelongsToAnAlertAndPushedAlertsHaveOne() throws IOException {
        Set<String> alerts = new TreeSet<>(PUSHED_ALERTS);
        alertRules().forEach(r -> alerts.add(r.path("alert").asText()));
        Set<String> runbooks = new TreeSet<>();
        try (Stream<Path> files = Files.list(OpsTools.repo("alerts/runbooks"))) {
            files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".md"))
                    .forEach(n -> runbooks.add(n.substring(0, n.length() - 3)));
        }
        assertThat(runbooks).as("alerts/runbooks/*.md").containsExactlyInAnyOrderElementsOf(alerts);
        for (String name : alerts) {
            String text = Files.readString(OpsTools.repo("alerts/runbooks/" + name + ".md"));
            assertThat(text).as("runbook %s", name).startsWith("# " + name)
                    .contains("## What it means", "## Impact", "## Diagnosis", "## Mitigation");
        }
    }

    /** Each alert has a promtool case where it fires and one where it must stay silent. */
    @Test
    void everyAlertHasFiringAndSilentUnitTests() throws IOException {
        Map<String, int[]> cases = new HashMap<>();
        for (String file : ruleTestFiles()) {
            for (JsonNode test : OpsTools.readYaml(OpsTools.repo(file)).path("tests")) {
                for (JsonNode t : test.path("alert_rule_test")) {
                    int[] c = cases.computeIfAbsent(t.path("alertname").asText(), k -> new int[2]);
                    c[t.path("exp_alerts").isEmpty() ? 1 : 0]++;
                }
            }
        }
        SoftAssertions soft = new SoftAssertions();
        for (JsonNode rule : alertRules()) {
            String name = rule.path("alert").asText();
            int[] c = cases.getOrDefault(name, new int[2]);
            soft.assertThat(c[0]).as("%s: unit test cases where it fires", name).isPositive();
            soft.assertThat(c[1]).as("%s: unit test cases where it stays silent", name).isPositive();
        }
        soft.assertAll();
    }

    /** k8s/base/prometheusrule.yaml embeds the rule groups; kustomize cannot read files outside k8s/. */
    @Test
    void prometheusRuleCopyIsInSync() {
        JsonNode rules = OpsTools.readYaml(OpsTools.repo(RULES)).path("groups");
        JsonNode copy = OpsTools.readYaml(OpsTools.repo(PROMETHEUS_RULE_COPY));
        assertThat(copy.path("kind").asText()).isEqualTo("PrometheusRule");
        assertThat(copy.path("spec").path("groups"))
                .as(PROMETHEUS_RULE_COPY + " differs from " + RULES + "; regenerate it with the command in k8s/README.md")
                .isEqualTo(rules);
    }

    static List<JsonNode> alertRules() {
        List<JsonNode> alerts = new ArrayList<>();
        for (JsonNode group : OpsTools.readYaml(OpsTools.repo(RULES)).path("groups")) {
            for (JsonNode rule : group.path("rules")) {
                if (rule.has("alert")) {
                    alerts.add(rule);
                }
            }
        }
        return alerts;
    }

    static List<String> ruleTestFiles() throws IOException {
        try (Stream<Path> files = Files.list(OpsTools.repo("alerts/tests"))) {
            return files.filter(p -> p.getFileName().toString().matches(".*\\.ya?ml"))
                    .map(OpsTools::relative).sorted().toList();
        }
    }
}
