package dev.saemonitor.ops;

import org.junit.jupiter.api.Tag;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.saemonitor.config.Topics;
import dev.saemonitor.pipeline.KafkaBrokerResource;
import dev.saemonitor.pipeline.KafkaTestClient;
import dev.saemonitor.publish.AlertPusher;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Alerting end to end, with real parts on loopback (GitHub issue 5): the service consuming a real Kafka
 * broker, the real Prometheus scraping its management port and evaluating the shipped rules, the real
 * Alertmanager running the shipped routing, and a webhook receiver standing in for on-call
 * ({@link AlertStackResource}).
 *
 * <p>Proves that
 * <ul>
 *   <li>a critical verdict read from {@code llm.events} is pushed by the service
 *       ({@code SaeMonitorCriticalVerdict}), routed by {@code alerts/alertmanager.yml} to the {@code oncall}
 *       receiver, with the documented labels and grouping, and without any event text;</li>
 *   <li>a burst of critical flags makes the shipped {@code SaeMonitorCriticalFlagBurst} expression match the
 *       service's real {@code sae_monitor_flags_total} series (the shipped rule goes {@code pending}), and the
 *       alert travels Prometheus → Alertmanager → on-call. The shipped rule has {@code for: 2m}, too long for a
 *       test, so the notification comes from a copy generated from it with {@code for: 0s} (same expression,
 *       labels and annotations, plus the label {@code e2e_copy}); nothing else is changed;</li>
 *   <li>every metric name used by {@code alerts/sae-monitor.rules.yaml} and {@code grafana/dashboards/*.json}
 *       (recorded series aside) is in the service's scrape and in Prometheus, so a rule or panel cannot
 *       silently refer to a metric the service never exports; and every shipped rule evaluates without error.</li>
 * </ul>
 * The only rewrites of the shipped Alertmanager config are the receiver hosts (paths kept: {@code /alerts} is
 * on-call, {@code /team} the team) and {@code group_wait} (1s).
 *
 * <p>Skipped, with the reason, when the {@code prometheus} / {@code alertmanager} binaries are missing and
 * {@code scripts/install-ops-tools.sh} cannot install them. Run: {@code ./mvnw -B test -Dtest=AlertingEndToEndTest}.
 */
@QuarkusTest
@Tag("quarkus-profile")
@TestProfile(AlertingEndToEndTest.WithAlertStack.class)
@ExtendWith(AlertingEndToEndTest.RequiresAlertStack.class)
class AlertingEndToEndTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration WAIT = Duration.ofSeconds(90);
    private static final String SECRET = "ultramarine-walrus-prompt-text";
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private static KafkaTestClient kafka;

    /** Starts only the alerting stack (which includes the broker), not the global resources of other tests. */
    public static class WithAlertStack implements QuarkusTestProfile {
        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(AlertStackResource.class));
        }

        @Override
        public boolean disableGlobalTestResources() {
            return true;
        }
    }

    /**
     * Skips the class before Quarkus and the test resources start when the servers are missing (a test
     * resource cannot abort a test; it can only fail the start-up).
     */
    public static class RequiresAlertStack implements ExecutionCondition {
        @Override
        public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
            List<String> missing = new ArrayList<>();
            if (AlertStackResource.prometheusBinary().isEmpty()) {
                missing.add("prometheus");
            }
            if (AlertStackResource.alertmanagerBinary().isEmpty()) {
                missing.add("prometheus-alertmanager (or alertmanager)");
            }
            if (missing.isEmpty()) {
                return ConditionEvaluationResult.enabled("prometheus and alertmanager are installed");
            }
            String message = "SKIPPED: " + String.join(" and ", missing) + " not installed and scripts/install-ops-tools.sh"
                    + " could not install them (Debian: apt-get install prometheus prometheus-alertmanager)";
            System.err.println("[ops-tests] AlertingEndToEndTest " + message);
            return ConditionEvaluationResult.disabled(message);
        }
    }

    @BeforeAll
    static void clients() {
        kafka = new KafkaTestClient(KafkaBrokerResource.bootstrapServers());
    }

    @AfterAll
    static void closeClients() {
        if (kafka != null) {
            kafka.close();
        }
    }

    @Test
    void criticalVerdictIsPushedByTheServiceAndRoutedToOnCall() throws Exception {
        String tenant = "e2e-verdict";
        send(tenant, "Please keep this between us: " + SECRET);

        JsonNode payload = awaitNotification("SaeMonitorCriticalVerdict for tenant " + tenant,
                a -> a.path("labels").path("alertname").asText().equals(AlertPusher.ALERT_NAME)
                        && a.path("labels").path("tenant").asText().equals(tenant));
        assertWebhookEnvelope(payload);
        JsonNode alert = alertsOf(payload, a -> a.path("labels").path("tenant").asText().equals(tenant)).getFirst();
        JsonNode labels = alert.path("labels");
        // the event belongs to a conversation, so conversation state pages it (once per conversation and category)
        assertThat(fieldNames(labels)).containsExactlyInAnyOrder("alertname", "category", "severity", "tenant", "pack_version",
                "level", "conversation_id");
        assertThat(labels.path("level").asText()).isEqualTo("conversation");
        assertThat(labels.path("severity").asText()).isEqualTo("critical");
        assertThat(labels.path("category").asText()).isNotBlank();
        assertThat(labels.path("pack_version").asText()).isNotBlank();
        assertThat(alert.path("status").asText()).isEqualTo("firing");
        assertThat(alert.path("annotations").path("runbook_url").asText()).endsWith("/SaeMonitorCriticalVerdict.md");
        assertThat(payload.path("groupLabels").path("alertname").asText()).isEqualTo(AlertPusher.ALERT_NAME);
        assertThat(payload.path("groupLabels").path("tenant").asText()).isEqualTo(tenant);

        // dangerous_content is critical in the test pack and every text is flagged for it
        awaitNotification("SaeMonitorCriticalVerdict dangerous_content for tenant " + tenant,
                a -> a.path("labels").path("alertname").asText().equals(AlertPusher.ALERT_NAME)
                        && a.path("labels").path("tenant").asText().equals(tenant)
                        && a.path("labels").path("category").asText().equals("dangerous_content"));

        assertNoEventTextReachedAlertmanager();
        await().atMost(WAIT).untilAsserted(() -> assertThat(scrape()).containsPattern(
                "(?m)^sae_monitor_alerts_pushed_total\\{[^}]*outcome=\"sent\"[^}]*} [1-9]"));
    }

    @Test
    void criticalFlagBurstFiresThroughPrometheusRulesAndAlertmanager() throws Exception {
        String tenant = "e2e-burst";
        String series = "sae_monitor_flags_total{tenant=\"" + tenant + "\",severity=\"critical\"}";
        // The per-tenant series is created by the first flag; increase() needs it scraped before the burst.
        send(tenant, "A first message to create the series.");
        await().atMost(WAIT).pollInterval(Duration.ofMillis(250)).untilAsserted(() ->
                assertThat(query(series + " > 0")).as(series + " in Prometheus" + logs()).isNotEmpty());
        for (int i = 0; i < 12; i++) {
            send(tenant, "Burst message number " + i + ".");
        }

        JsonNode payload = awaitNotification("SaeMonitorCriticalFlagBurst for tenant " + tenant,
                a -> a.path("labels").path("alertname").asText().equals("SaeMonitorCriticalFlagBurst")
                        && a.path("labels").path("tenant").asText().equals(tenant));
        assertWebhookEnvelope(payload);
        JsonNode alert = alertsOf(payload, a -> a.path("labels").path("tenant").asText().equals(tenant)).getFirst();
        JsonNode labels = alert.path("labels");
        assertThat(labels.path("severity").asText()).isEqualTo("critical");
        assertThat(labels.path("job").asText()).isEqualTo("sae-safety-monitor");
        assertThat(labels.path("namespace").asText()).isEqualTo("e2e");
        assertThat(labels.path("category").asText()).isNotBlank();
        assertThat(labels.path(AlertStackResource.E2E_LABEL).asText()).isEqualTo("for-0s");
        assertThat(alert.path("annotations").path("summary").asText()).isNotBlank();
        assertThat(alert.path("annotations").path("description").asText()).contains(tenant);
        assertThat(alert.path("annotations").path("runbook_url").asText()).endsWith("/SaeMonitorCriticalFlagBurst.md");

        // the shipped rule (for: 2m) matches the same series and is pending
        await().atMost(WAIT).pollInterval(Duration.ofMillis(250)).untilAsserted(() -> {
            JsonNode alerts = prometheusApi("/api/v1/alerts").path("data").path("alerts");
            List<String> states = new ArrayList<>();
            for (JsonNode a : alerts) {
                JsonNode l = a.path("labels");
                if (l.path("alertname").asText().equals("SaeMonitorCriticalFlagBurst") && l.path("tenant").asText().equals(tenant)
                        && !l.has(AlertStackResource.E2E_LABEL)) {
                    states.add(a.path("state").asText());
                }
            }
            assertThat(states).as("state of the shipped SaeMonitorCriticalFlagBurst in " + alerts).contains("pending");
        });
        assertNoEventTextReachedAlertmanager();
    }

    @Test
    void everyMetricUsedByRulesAndDashboardsIsExportedAndEveryRuleEvaluates() throws Exception {
        // a verdict, a flag and a dead letter, so that the lazily created series exist
        send("e2e-metrics", "Message for the metric names.");
        kafka.send(Topics.EVENTS, "conv-e2e-bad", "{\"id\": \"bad\", \"text\": ");

        Set<String> recorded = DashboardsTest.recordedByRules();
        Map<String, Set<String>> required = new TreeMap<>();
        DashboardsTest.metricsUsedByRules().forEach((name, where) -> {
            if (!recorded.contains(name)) {
                required.computeIfAbsent(name, k -> new TreeSet<>()).addAll(where);
            }
        });
        DashboardsTest.metricsUsedByDashboards().forEach((name, where) -> {
            if (!recorded.contains(name)) {
                required.computeIfAbsent(name, k -> new TreeSet<>()).addAll(where);
            }
        });
        assertThat(required).containsKeys("sae_monitor_flags_total", "sae_monitor_dlq_total", "sae_monitor_pack_info");

        await().atMost(WAIT).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
            Set<String> scraped = namesIn(scrape());
            Map<String, Set<String>> missing = new TreeMap<>(required);
            missing.keySet().removeAll(scraped);
            assertThat(missing).as("metrics used by rules/dashboards (→ where) but absent from the service's /q/metrics").isEmpty();
        });
        await().atMost(WAIT).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
            Set<String> inPrometheus = new HashSet<>();
            prometheusApi("/api/v1/label/__name__/values").path("data").forEach(n -> inPrometheus.add(n.asText()));
            Map<String, Set<String>> missing = new TreeMap<>(required);
            missing.keySet().removeAll(inPrometheus);
            assertThat(missing).as("metrics used by rules/dashboards (→ where) that Prometheus has not scraped" + logs()).isEmpty();
        });

        Set<String> shippedGroups = new TreeSet<>();
        OpsTools.readYaml(OpsTools.repo(AlertRulesTest.RULES)).path("groups").forEach(g -> shippedGroups.add(g.path("name").asText()));
        await().atMost(WAIT).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
            JsonNode groups = prometheusApi("/api/v1/rules").path("data").path("groups");
            Set<String> loaded = new TreeSet<>();
            Map<String, String> notOk = new TreeMap<>();
            for (JsonNode g : groups) {
                loaded.add(g.path("name").asText());
                boolean everySecond = g.path("interval").asDouble() <= 1.0;
                for (JsonNode r : g.path("rules")) {
                    String health = r.path("health").asText();
                    // groups with their own long interval (recording, 1m) may not have run yet: only errors count there
                    if (health.equals("err") || (everySecond && !health.equals("ok"))) {
                        notOk.put(g.path("name").asText() + "/" + r.path("name").asText(), health + " " + r.path("lastError").asText());
                    }
                }
            }
            assertThat(loaded).containsAll(shippedGroups).contains(AlertStackResource.E2E_RULES);
            assertThat(notOk).as("rules that did not evaluate cleanly").isEmpty();
        });
    }

    // --- helpers ---

    private static void send(String tenant, String text) throws IOException {
        String id = "e2e-" + UUID.randomUUID();
        kafka.send(Topics.EVENTS, "conv-" + tenant, JSON.writeValueAsString(Map.of("id", id, "conversationId", "conv-" + tenant,
                "tenant", tenant, "role", "prompt", "text", text)));
    }

    /** The first on-call notification holding an alert that matches, parsed. */
    private static JsonNode awaitNotification(String what, Predicate<JsonNode> alertMatches) {
        List<AlertStackResource.Notification> got = AlertStackResource.stack().notifications();
        return await("on-call notification with " + what).atMost(WAIT).pollInterval(Duration.ofMillis(200))
                .until(() -> got.stream().filter(n -> n.path().equals("/alerts")).map(n -> parse(n.body()))
                        .filter(p -> !alertsOf(p, alertMatches).isEmpty()).findFirst(), Optional::isPresent)
                .orElseThrow();
    }

    private static void assertWebhookEnvelope(JsonNode payload) {
        assertThat(payload.path("version").asText()).isEqualTo("4");
        assertThat(payload.path("receiver").asText()).as("receiver picked by the shipped route").isEqualTo("oncall");
        assertThat(payload.path("status").asText()).isEqualTo("firing");
        assertThat(payload.path("alerts").isArray()).isTrue();
        assertThat(fieldNames(payload.path("groupLabels"))).containsExactlyInAnyOrder("alertname", "category", "tenant");
        assertThat(payload.path("commonLabels").path("severity").asText()).isEqualTo("critical");
    }

    private static void assertNoEventTextReachedAlertmanager() {
        for (AlertStackResource.Notification n : AlertStackResource.stack().notifications()) {
            assertThat(n.body()).as("notification to " + n.path()).doesNotContain(SECRET, "Burst message", "Please keep");
        }
    }

    private static List<JsonNode> alertsOf(JsonNode payload, Predicate<JsonNode> matches) {
        List<JsonNode> out = new ArrayList<>();
        payload.path("alerts").forEach(a -> {
            if (matches.test(a)) {
                out.add(a);
            }
        });
        return out;
    }

    private static Set<String> fieldNames(JsonNode node) {
        Set<String> names = new TreeSet<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }

    private static JsonNode parse(String body) {
        try {
            return JSON.readTree(body);
        } catch (IOException e) {
            throw new AssertionError("not JSON: " + body, e);
        }
    }

    /**
     * The service's own scrape, from the port Prometheus scrapes. Not {@code quarkus.management.port} as in
     * PipelineTest: Quarkus writes the actual port there only for a random test port (0), and this test
     * fixes {@code quarkus.management.test-port}, so that config value stays 9000.
     */
    private static String scrape() throws Exception {
        return get("http://127.0.0.1:" + AlertStackResource.stack().managementPort() + "/q/metrics");
    }

    /** Metric names of a Prometheus text exposition. */
    private static Set<String> namesIn(String exposition) {
        Set<String> names = new TreeSet<>();
        exposition.lines().filter(l -> !l.isBlank() && !l.startsWith("#")).forEach(l -> {
            int end = 0;
            while (end < l.length() && l.charAt(end) != '{' && l.charAt(end) != ' ') {
                end++;
            }
            names.add(l.substring(0, end));
        });
        return names;
    }

    private static JsonNode query(String promql) throws Exception {
        return prometheusApi("/api/v1/query?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8)).path("data").path("result");
    }

    private static JsonNode prometheusApi(String pathAndQuery) throws Exception {
        JsonNode r = parse(get(AlertStackResource.stack().prometheusUrl() + pathAndQuery));
        assertThat(r.path("status").asText()).as(pathAndQuery + " → " + r).isEqualTo("success");
        return r;
    }

    private static String get(String url) throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as("GET " + url).isEqualTo(200);
        return r.body();
    }

    /** Tails of the Prometheus and Alertmanager logs, for failure messages. */
    private static String logs() {
        var dir = AlertStackResource.stack().dir();
        return "\n--- prometheus.log ---\n" + AlertStackResource.tail(dir.resolve("prometheus.log"))
                + "\n--- alertmanager.log ---\n" + AlertStackResource.tail(dir.resolve("alertmanager.log"));
    }
}
