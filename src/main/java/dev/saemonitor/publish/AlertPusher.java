package dev.saemonitor.publish;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.saemonitor.config.MonitorConfig;
import dev.saemonitor.conversation.ConversationVerdict;
import dev.saemonitor.metrics.MonitorMetrics;
import dev.saemonitor.modelpack.Catalog;
import dev.saemonitor.scoring.CategoryScorer;
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
 *
 * <p>Events that conversation state tracks page per conversation instead ({@code monitor.conversations.page-once}):
 * conversation state calls {@link #pushConversation} once per conversation and category when the category is first
 * flagged, again only after it cleared or the conversation expired. Those alerts add the labels
 * {@code level=conversation} and {@code conversation_id} (Alertmanager's identity of the page) and name the
 * raising turn and event in their annotations. With {@code monitor.console.base-url} set, every alert's
 * {@code console_url} annotation links to the flag (or conversation verdict) in the triage console.
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
    private final boolean perConversation;
    /** The console's base URL without a trailing slash; absent: alerts carry no console link. */
    private final Optional<String> console;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    public AlertPusher(MonitorConfig config, MonitorMetrics metrics) {
        this.endpoint = config.alertmanager().url().map(u -> URI.create(u.replaceAll("/+$", "") + "/api/v2/alerts"));
        this.minSeverity = config.alertmanager().minSeverity();
        this.resolveAfter = config.alertmanager().resolveAfter();
        this.metrics = metrics;
        this.perConversation = config.conversations().enabled() && config.conversations().pageOnce();
        this.console = config.console().baseUrl().map(u -> u.replaceAll("/+$", ""));
    }

    /** Whether conversation state pages for this verdict's event (then the event itself does not push). */
    public boolean pagedPerConversation(Verdict v) {
        return perConversation && v.conversationId() != null && v.turn() != null;
    }

    /** Whether conversation state should push conversation alerts at all. */
    public boolean conversationPaging() {
        return perConversation && endpoint.isPresent();
    }

    /** Whether a category of this severity is paged. */
    public boolean pages(String severity) {
        return Catalog.Severity.valueOf(severity).atLeast(minSeverity);
    }

    /**
     * Pushes one alert per category in {@code raised} for a conversation verdict.
     *
     * @param turn    the turn (1-based count) that raised them
     * @param eventId the event of that turn
     */
    public void pushConversation(ConversationVerdict v, String tenant, java.util.List<String> raised, int turn, String eventId,
                                 java.util.function.Function<String, String> severityOf) {
        if (!conversationPaging() || raised.isEmpty()) {
            return;
        }
        String body = conversationPayload(v, tenant, raised, turn, eventId, severityOf);
        if (!body.equals("[]")) {
            send(body, "conversation " + v.conversationId());
        }
    }

    String conversationPayload(ConversationVerdict v, String tenant, java.util.List<String> raised, int turn, String eventId,
                               java.util.function.Function<String, String> severityOf) {
        ArrayNode alerts = JSON.createArrayNode();
        Instant now = Instant.now();
        for (ConversationVerdict.Category c : v.categories()) {
            if (!raised.contains(c.name())) {
                continue;
            }
            String severity = c.point() == null ? severityOf.apply(c.name())
                    : "page".equals(c.point()) ? Catalog.Severity.critical.name() : Catalog.Severity.warning.name();
            if (c.point() != null && !pages(severity)) {
                continue; // two operating points: the review point goes to the review queue, not to on-call
            }
            ObjectNode a = alerts.addObject();
            ObjectNode labels = a.putObject("labels");
            labels.put("alertname", ALERT_NAME);
            labels.put("category", c.name());
            labels.put("severity", severity);
            labels.put("tenant", metrics.tenantLabel(tenant));
            labels.put("pack_version", v.pack().version());
            labels.put("level", "conversation");
            labels.put("conversation_id", v.conversationId());
            ObjectNode ann = a.putObject("annotations");
            ann.put("summary", severity + " " + c.name() + " conversation (score " + c.score() + " >= " + c.threshold()
                    + ", turn " + turn + ")");
            ann.put("features", v.evidence().stream().filter(e -> e.category().equals(c.name()))
                    .map(e -> e.feature() + " " + e.label() + " (" + e.activation() + ", event " + e.eventId() + ")")
                    .collect(Collectors.joining("; ")));
            ann.put("scores", v.categories().stream().map(s -> s.name() + "=" + s.score()).collect(Collectors.joining(", ")));
            ann.put("conversation_id", v.conversationId());
            ann.put("turn", String.valueOf(turn));
            ann.put("event_id", String.valueOf(eventId));
            console.ifPresent(base -> ann.put("console_url", base + ConsoleLinks.conversation(v.conversationId(), v.turns())));
            ann.put("pack", v.pack().name() + " " + v.pack().version() + " " + v.pack().sha256());
            ann.put("runbook_url", "https://github.com/sae-safety-monitor/sae-safety-monitor/blob/main/alerts/runbooks/" + ALERT_NAME + ".md");
            a.put("startsAt", now.toString());
            a.put("endsAt", now.plus(resolveAfter).toString());
        }
        return alerts.toString();
    }

    /**
     * @param severityOf the catalog severity of a category; only flagged categories at or above the
     *                   minimum severity are pushed, so a critical verdict does not page for its warnings
     */
    public void maybePush(Verdict v, java.util.function.Function<String, String> severityOf) {
        if (endpoint.isEmpty() || !v.flagged() || pagedPerConversation(v) || Verdict.NO_SEVERITY.equals(v.severity())
                || !Catalog.Severity.valueOf(v.severity()).atLeast(minSeverity)) {
            return;
        }
        String body = payload(v, severityOf);
        if (body.equals("[]")) {
            return;
        }
        send(body, "event " + v.eventId());
    }

    private void send(String body, String what) {
        HttpRequest req = HttpRequest.newBuilder(endpoint.get()).timeout(Duration.ofSeconds(5))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build();
        http.sendAsync(req, HttpResponse.BodyHandlers.discarding()).whenComplete((resp, err) -> {
            boolean ok = err == null && resp.statusCode() / 100 == 2;
            metrics.alertPushed(ok);
            if (!ok) {
                LOG.warnf("alert push for %s failed: %s", what, err != null ? err.getClass().getSimpleName()
                        : "HTTP " + resp.statusCode());
            }
        });
    }

    String payload(Verdict v, java.util.function.Function<String, String> severityOf) {
        ArrayNode alerts = JSON.createArrayNode();
        Instant now = Instant.now();
        for (Verdict.CategoryScore c : v.categories()) {
            String severity = c.flagged() ? CategoryScorer.severityOf(c, severityOf.apply(c.name())) : severityOf.apply(c.name());
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
            console.ifPresent(base -> ann.put("console_url", base + ConsoleLinks.flag(v.eventId())));
            ann.put("pack", v.pack().name() + " " + v.pack().version() + " " + v.pack().sha256());
            ann.put("runbook_url", "https://github.com/sae-safety-monitor/sae-safety-monitor/blob/main/alerts/runbooks/" + ALERT_NAME + ".md");
            a.put("startsAt", now.toString());
            a.put("endsAt", now.plus(resolveAfter).toString());
        }
        return alerts.toString();
    }
}
