package dev.saemonitor.ops;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * grafana/dashboards/*.json: every query is valid PromQL (promtool), every dashboard has a stable
 * uid and a Prometheus datasource variable, and dashboards and alert rules only use metrics of
 * the docs/metrics.md contract (or Kafka/JVM/process binder metrics).
 */
class DashboardsTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final Map<String, String> EXPECTED_UIDS = Map.of(
            "sae-monitor-overview.json", "sae-monitor-overview",
            "sae-monitor-features.json", "sae-monitor-features");
    private static final Pattern GRAFANA_INTERVALS = Pattern.compile("\\$__(?:rate_interval|interval|range)\\b");
    private static final Pattern TEMPLATE_VARS = Pattern.compile("\\$\\{[^}]+}|\\$\\w+");
    private static final Pattern LABEL_VALUES_METRIC = Pattern.compile("label_values\\(\\s*([a-zA-Z_:][\\w:]*)");

    @Test
    void dashboardsHaveStableUidsAndADatasourceVariable() {
        Map<String, JsonNode> dashboards = dashboards();
        assertThat(dashboards.keySet()).containsAll(EXPECTED_UIDS.keySet());
        SoftAssertions soft = new SoftAssertions();
        Set<String> uids = new HashSet<>();
        dashboards.forEach((file, d) -> {
            String uid = d.path("uid").asText();
            soft.assertThat(uid).as("%s: uid", file).matches("[a-z0-9-]{1,40}");
            soft.assertThat(uids.add(uid)).as("%s: uid %s unique", file, uid).isTrue();
            if (EXPECTED_UIDS.containsKey(file)) {
                soft.assertThat(uid).as("%s: uid is stable (links and bookmarks use it)", file).isEqualTo(EXPECTED_UIDS.get(file));
            }
            soft.assertThat(d.path("id").isNull() || d.path("id").isMissingNode()).as("%s: id must be null", file).isTrue();
            soft.assertThat(d.path("schemaVersion").asInt()).as("%s: schemaVersion", file).isBetween(36, 41);
            soft.assertThat(d.path("title").asText()).as("%s: title", file).isNotBlank();

            JsonNode ds = null;
            for (JsonNode v : d.path("templating").path("list")) {
                if (v.path("name").asText().equals("datasource")) {
                    ds = v;
                }
            }
            soft.assertThat(ds).as("%s: a `datasource` template variable", file).isNotNull();
            if (ds != null) {
                soft.assertThat(ds.path("type").asText()).as("%s: datasource variable type", file).isEqualTo("datasource");
                soft.assertThat(ds.path("query").asText()).as("%s: datasource variable query", file).isEqualTo("prometheus");
            }
            Set<Integer> ids = new HashSet<>();
            for (JsonNode panel : panels(d)) {
                String title = panel.path("title").asText();
                soft.assertThat(ids.add(panel.path("id").asInt())).as("%s: panel id %s unique", file, panel.path("id")).isTrue();
                soft.assertThat(title).as("%s: panel title", file).isNotBlank();
                if (!panel.path("type").asText().equals("row")) {
                    soft.assertThat(panel.path("datasource").path("uid").asText())
                            .as("%s / %s: datasource", file, title).isEqualTo("${datasource}");
                    soft.assertThat(panel.path("targets").size()).as("%s / %s: targets", file, title).isPositive();
                }
            }
        });
        soft.assertAll();
    }

    /** Panels fit the 24-column grid and do not overlap (Grafana would shuffle them). */
    @Test
    void panelsFitTheGridWithoutOverlap() {
        dashboards().forEach((file, d) -> {
            List<JsonNode> top = new ArrayList<>();
            d.path("panels").forEach(top::add);
            for (int i = 0; i < top.size(); i++) {
                JsonNode a = top.get(i).path("gridPos");
                assertThat(a.path("x").asInt() + a.path("w").asInt()).as("%s / %s: x + w", file, top.get(i).path("title"))
                        .isLessThanOrEqualTo(24);
                assertThat(a.path("h").asInt()).as("%s / %s: h", file, top.get(i).path("title")).isPositive();
                for (int j = i + 1; j < top.size(); j++) {
                    JsonNode b = top.get(j).path("gridPos");
                    boolean overlap = a.path("x").asInt() < b.path("x").asInt() + b.path("w").asInt()
                            && b.path("x").asInt() < a.path("x").asInt() + a.path("w").asInt()
                            && a.path("y").asInt() < b.path("y").asInt() + b.path("h").asInt()
                            && b.path("y").asInt() < a.path("y").asInt() + a.path("h").asInt();
                    assertThat(overlap).as("%s: panels '%s' and '%s' overlap", file,
                            top.get(i).path("title").asText(), top.get(j).path("title").asText()).isFalse();
                }
            }
        });
    }

    @Test
    void overviewAndFeaturesShowWhatOnCallNeeds() {
        String overview = allExprs(dashboards().get("sae-monitor-overview.json")).toString();
        assertThat(overview).contains("sae_monitor_events_received_total", "sae_monitor_flags_total",
                "sae_monitor_category_score_bucket", "sae_monitor_end_to_end_seconds_bucket",
                "sae_monitor_stage_seconds_bucket", "sae_monitor_batch_events_bucket", "sae_monitor_batch_tokens_bucket",
                "sae_monitor_dlq_total", "sae_monitor_consumer_lag_records");
        assertThat(panels(dashboards().get("sae-monitor-overview.json")))
                .anySatisfy(p -> {
                    assertThat(p.path("type").asText()).isEqualTo("heatmap");
                    assertThat(p.toString()).contains("sae_monitor_category_score_bucket");
                });
        String features = allExprs(dashboards().get("sae-monitor-features.json")).toString();
        assertThat(features).contains("sae_monitor_feature_active_events_total", "sae_monitor_feature_expected_rate");
    }

    /** Wraps every dashboard expression into a recording rule and lets promtool parse them. */
    @Test
    void everyDashboardExpressionParses(@TempDir Path tmp) throws IOException {
        Path promtool = OpsTools.requireTool("promtool");
        Map<String, String> exprs = new LinkedHashMap<>();
        dashboards().forEach((file, d) -> allExprs(d).forEach((where, e) -> exprs.put(file + " / " + where, substitute(e))));
        assertThat(exprs).hasSizeGreaterThan(20);

        ObjectNode root = OM.createObjectNode();
        ArrayNode groups = root.putArray("groups");
        ObjectNode group = groups.addObject();
        group.put("name", "dashboard-expressions");
        ArrayNode rules = group.putArray("rules");
        int i = 0;
        for (Map.Entry<String, String> e : exprs.entrySet()) {
            ObjectNode rule = rules.addObject();
            rule.put("record", "dashboard:expr_" + i++);
            rule.put("expr", e.getValue());
            rule.putObject("labels").put("source", e.getKey().replaceAll("[^\\w /.-]", "_"));
        }
        Path file = tmp.resolve("dashboard-exprs.rules.yaml");
        OpsTools.YAML.writeValue(file.toFile(), root);
        OpsTools.Result r = OpsTools.run(Duration.ofMinutes(1), List.of(promtool.toString(), "check", "rules", file.toString()));
        assertThat(r.exitCode()).as(r.describe() + "\n" + Files.readString(file)).isZero();
        assertThat(r.output()).contains("SUCCESS: " + exprs.size() + " rules found");
    }

    @Test
    void dashboardsUseOnlyDocumentedMetrics() {
        Set<String> documented = MetricNames.documented(OpsTools.repo("docs/metrics.md"));
        Map<String, Set<String>> used = metricsUsedByDashboards();
        Map<String, Set<String>> unknown = new TreeMap<>(used);
        unknown.keySet().removeIf(name -> MetricNames.allowed(name, documented, Set.of()));
        assertThat(used.keySet()).as("metric names found in the dashboards").hasSizeGreaterThan(10);
        assertThat(unknown).as("metrics not in docs/metrics.md (the contract) nor kafka_/jvm_/process_").isEmpty();
    }

    @Test
    void alertRulesUseOnlyDocumentedMetrics() {
        Set<String> documented = MetricNames.documented(OpsTools.repo("docs/metrics.md"));
        Set<String> recorded = recordedByRules();
        Map<String, Set<String>> used = metricsUsedByRules();
        Map<String, Set<String>> unknown = new TreeMap<>(used);
        unknown.keySet().removeIf(name -> MetricNames.allowed(name, documented, recorded));
        assertThat(used.keySet()).as("metric names found in the rules").hasSizeGreaterThan(10);
        assertThat(unknown).as("metrics not in docs/metrics.md (the contract) nor recorded in the rules file").isEmpty();
    }

    /** Every metric name the dashboards select (queries and label_values variables), with where it is used. */
    static Map<String, Set<String>> metricsUsedByDashboards() {
        Map<String, Set<String>> used = new TreeMap<>();
        dashboards().forEach((file, d) -> {
            allExprs(d).forEach((where, e) -> {
                for (String name : MetricNames.usedIn(substitute(e))) {
                    used.computeIfAbsent(name, k -> new TreeSet<>()).add(file + " / " + where);
                }
            });
            for (JsonNode v : d.path("templating").path("list")) {
                Matcher m = LABEL_VALUES_METRIC.matcher(v.path("definition").asText());
                if (m.find()) {
                    used.computeIfAbsent(m.group(1), k -> new TreeSet<>()).add(file + " / variable " + v.path("name").asText());
                }
            }
        });
        return used;
    }

    /** Every name the rules of alerts/sae-monitor.rules.yaml select (metrics and recorded series), with the rules using it. */
    static Map<String, Set<String>> metricsUsedByRules() {
        Map<String, Set<String>> used = new TreeMap<>();
        OpsTools.readYaml(OpsTools.repo(AlertRulesTest.RULES)).path("groups").forEach(g -> g.path("rules").forEach(r -> {
            String rule = r.has("alert") ? r.path("alert").asText() : r.path("record").asText();
            for (String name : MetricNames.usedIn(r.path("expr").asText())) {
                used.computeIfAbsent(name, k -> new TreeSet<>()).add(rule);
            }
        }));
        return used;
    }

    /** The series the rules file records itself (not exported by the service). */
    static Set<String> recordedByRules() {
        Set<String> recorded = new TreeSet<>();
        OpsTools.readYaml(OpsTools.repo(AlertRulesTest.RULES)).path("groups").forEach(g -> g.path("rules").forEach(r -> {
            if (r.has("record")) {
                recorded.add(r.path("record").asText());
            }
        }));
        return recorded;
    }

    /** The extractor must see metric names and nothing else, or the two checks above prove nothing. */
    @Test
    void metricNameExtraction() {
        assertThat(MetricNames.usedIn(
                "histogram_quantile(0.99, sum by (namespace, le) (rate(sae_monitor_end_to_end_seconds_bucket{job=~\"a|b\"}[5m])))"
                        + " > 0.5 and on (namespace) sum without (pod) (increase(undocumented_metric_total[1h] offset 1d)) > 1e-4"
                        + " unless count by (version) (sae_monitor_pack_info) or vector(0) * job:sae_monitor_x:sum"))
                .containsExactlyInAnyOrder("sae_monitor_end_to_end_seconds_bucket", "undocumented_metric_total",
                        "sae_monitor_pack_info", "job:sae_monitor_x:sum");
        Set<String> documented = MetricNames.documented(OpsTools.repo("docs/metrics.md"));
        assertThat(documented).contains("sae_monitor_flags_total", "sae_monitor_category_score_bucket",
                "sae_monitor_end_to_end_seconds_count", "sae_monitor_pack_info");
        assertThat(documented).doesNotContain("sae_monitor_flags_total_bucket", "undocumented_metric_total");
    }

    private static final ObjectMapper OM = new ObjectMapper();

    static String substitute(String expr) {
        String s = GRAFANA_INTERVALS.matcher(expr).replaceAll("5m");
        return TEMPLATE_VARS.matcher(s).replaceAll(".*");
    }

    static Map<String, JsonNode> dashboards() {
        Map<String, JsonNode> out = new TreeMap<>();
        try (Stream<Path> files = Files.list(OpsTools.repo("grafana/dashboards"))) {
            for (Path f : files.filter(p -> p.toString().endsWith(".json")).toList()) {
                out.put(f.getFileName().toString(), JSON.readTree(f.toFile()));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    /** All panels, including those nested in collapsed rows. */
    static List<JsonNode> panels(JsonNode dashboard) {
        List<JsonNode> out = new ArrayList<>();
        collect(dashboard.path("panels"), out);
        return out;
    }

    private static void collect(JsonNode panels, List<JsonNode> out) {
        for (JsonNode p : panels) {
            out.add(p);
            collect(p.path("panels"), out);
        }
    }

    /** Every PromQL expression of a dashboard: panel targets and annotation queries. */
    static Map<String, String> allExprs(JsonNode dashboard) {
        Map<String, String> out = new LinkedHashMap<>();
        for (JsonNode p : panels(dashboard)) {
            for (JsonNode t : p.path("targets")) {
                if (t.hasNonNull("expr") && !t.path("expr").asText().isBlank()) {
                    out.put(p.path("title").asText() + " [" + t.path("refId").asText() + "]", t.path("expr").asText());
                }
            }
        }
        for (JsonNode a : dashboard.path("annotations").path("list")) {
            if (a.hasNonNull("expr")) {
                out.put("annotation " + a.path("name").asText(), a.path("expr").asText());
            }
        }
        return out;
    }
}
