package dev.saemonitor.publish;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.saemonitor.config.MonitorConfig;
import dev.saemonitor.metrics.MonitorMetrics;
import dev.saemonitor.modelpack.Catalog;
import dev.saemonitor.scoring.Verdict;
import jakarta.enterprise.context.ApplicationScoped;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.stream.Collectors;
import org.jboss.logging.Logger;

/**
 * Pushes an alert to Alertmanager's v2 API for every verdict at or above the configured severity, so
 * on-call is paged within seconds; Alertmanager's grouping, silences and routing apply. Labels:
 * alertname, category, severity, tenant, pack_version. Annotations carry feature labels, scores and
 * ids — never text. Off when {@code monitor.alertmanager.url} is not set.
 */
@ApplicationScoped
public class AlertPusher {
    public static final String ALERT_NAME = "SaeMonitorCriticalVerdict";
    private static final Logger LOG = Logger.getLogger(AlertPusher.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Optional<URI> endpoint;
    private final Catalog.Severity minSeverity;
    private final Duration resolveAfter;
    private final MonitorMetrics metrics;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    public AlertPusher(MonitorConfig config, MonitorMetrics metrics) {
        this.endpoint = config.alertmanager().url().map(u -> URI.create(u.replaceAll("/+$", "") + "/api/v2/alerts"));
        this.minSeverity = config.alertmanager().minSeverity();
        this.resolveAfter = config.alertmanager().resolveAfter();
        this.metrics = metrics;
    }

    /**
     * @param severityOf the catalog severity of a category; only flagged categories at or above the
     *                   minimum severity are pushed, so a critical verdict does not page for its warnings
     */
    public void maybePush(Verdict v, java.util.function.Function<String, String> severityOf) {
        if (endpoint.isEmpty() || !v.flagged() || Verdict.NO_SEVERITY.equals(v.severity())
                || !Catalog.Severity.valueOf(v.severity()).atLeast(minSeverity)) {
            return;
        }
        String body = payload(v, severityOf);
        if (body.equals("[]")) {
            return;
        }
        HttpRequest req = HttpRequest.newBuilder(endpoint.get()).timeout(Duration.ofSeconds(5))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build();
        http.sendAsync(req, HttpResponse.BodyHandlers.discarding()).whenComplete((resp, err) -> {
            boolean ok = err == null && resp.statusCode() / 100 == 2;
            metrics.alertPushed(ok);
            if (!ok) {
                LOG.warnf("alert push for event %s failed: %s", v.eventId(), err != null ? err.getClass().getSimpleName()
                        : "HTTP " + resp.statusCode());
            }
        });
    }

    String payload(Verdict v, java.util.function.Function<String, String> severityOf) {
        ArrayNode alerts = JSON.createArrayNode();
        Instant now = Instant.now();
        for (Verdict.CategoryScore c : v.categories()) {
            String severity = severityOf.apply(c.name());
            if (!c.flagged() || !Catalog.Severity.valueOf(severity).atLeast(minSeverity)) {
                continue;
            }
            ObjectNode a = alerts.addObject();
            ObjectNode labels = a.putObject("labels");
            labels.put("alertname", ALERT_NAME);
            labels.put("category", c.name());
            labels.put("severity", severity);
            labels.put("tenant", metrics.tenantLabel(v.tenant()));
            labels.put("pack_version", v.pack().version());
            ObjectNode ann = a.putObject("annotations");
            ann.put("summary", severity + " " + c.name() + " verdict (score " + c.score() + " >= " + c.threshold() + ")");
            ann.put("features", v.evidence().stream().filter(e -> e.category().equals(c.name()))
                    .map(e -> e.feature() + " " + e.label() + " (" + e.activation() + ")").collect(Collectors.joining("; ")));
            ann.put("scores", v.categories().stream().map(s -> s.name() + "=" + s.score()).collect(Collectors.joining(", ")));
            ann.put("event_id", String.valueOf(v.eventId()));
            ann.put("conversation_id", String.valueOf(v.conversationId()));
            ann.put("pack", v.pack().name() + " " + v.pack().version() + " " + v.pack().sha256());
            ann.put("runbook_url", "https://github.com/sae-safety-monitor/sae-safety-monitor/blob/main/alerts/runbooks/" + ALERT_NAME + ".md");
            a.put("startsAt", now.toString());
            a.put("endsAt", now.plus(resolveAfter).toString());
        }
        return alerts.toString();
    }
}
