package dev.saemonitor.ops;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpServer;
import dev.saemonitor.pipeline.KafkaBrokerResource;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The real alerting stack around the service under test, all on loopback:
 * <ol>
 *   <li>a webhook receiver (JDK HttpServer) recording every notification Alertmanager sends;</li>
 *   <li>the real Alertmanager, configured with the shipped {@code alerts/alertmanager.yml} where only
 *       the receiver URLs (host and port, not the path) and {@code group_wait} (1s) are rewritten;</li>
 *   <li>the real Prometheus, scraping the service's management port every second, evaluating the shipped
 *       {@code alerts/sae-monitor.rules.yaml} plus {@link #E2E_RULES} (see {@link AlertingEndToEndTest}),
 *       and sending alerts to that Alertmanager;</li>
 *   <li>the Kafka broker and test pack of {@link KafkaBrokerResource}.</li>
 * </ol>
 * Test resources start before the application, so the management port is chosen here and handed to
 * Quarkus ({@code quarkus.management.test-port}); Prometheus reports the target down until the service
 * is up. The service pushes to the Alertmanager through {@code monitor.alertmanager.url}.
 */
public class AlertStackResource implements QuarkusTestResourceLifecycleManager {
    /** Group of the test-only rule file generated from the shipped rules. */
    static final String E2E_RULES = "sae-monitor.e2e";
    /** Label that marks alerts of the test-only copies, so the shipped rules stay distinguishable. */
    static final String E2E_LABEL = "e2e_copy";

    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);
    private static volatile Stack current;

    /** What the test needs to know about the running stack. */
    public record Stack(String webhookUrl, String alertmanagerUrl, String prometheusUrl, int managementPort,
                        List<Notification> notifications, Path dir) {
    }

    /** One POST the webhook receiver got: the path (which receiver) and the JSON body. */
    public record Notification(String path, String body, Instant at) {
    }

    private final KafkaBrokerResource kafka = new KafkaBrokerResource();
    private HttpServer webhook;
    private Process alertmanager;
    private Process prometheus;
    private Path dir;

    static Stack stack() {
        if (current == null) {
            throw new IllegalStateException("AlertStackResource has not been started");
        }
        return current;
    }

    static Optional<Path> prometheusBinary() {
        return OpsTools.findOrInstall("prometheus");
    }

    static Optional<Path> alertmanagerBinary() {
        return OpsTools.findOrInstall("prometheus-alertmanager", "alertmanager");
    }

    @Override
    public Map<String, String> start() {
        try {
            Path promBin = prometheusBinary().orElseThrow(() -> new IllegalStateException("prometheus not installed"));
            Path amBin = alertmanagerBinary().orElseThrow(() -> new IllegalStateException("alertmanager not installed"));
            dir = Files.createTempDirectory("sae-alert-e2e");

            List<Notification> notifications = new CopyOnWriteArrayList<>();
            webhook = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            webhook.createContext("/", exchange -> {
                try (InputStream in = exchange.getRequestBody()) {
                    if ("POST".equals(exchange.getRequestMethod())) {
                        notifications.add(new Notification(exchange.getRequestURI().getPath(),
                                new String(in.readAllBytes(), StandardCharsets.UTF_8), Instant.now()));
                    }
                    exchange.sendResponseHeaders(200, -1);
                } finally {
                    exchange.close();
                }
            });
            webhook.start();
            String webhookBase = "http://127.0.0.1:" + webhook.getAddress().getPort();

            int amPort = freePort();
            int promPort = freePort();
            int mgmtPort = freePort();

            Path amConfig = dir.resolve("alertmanager.yml");
            OpsTools.YAML.writeValue(amConfig.toFile(), alertmanagerConfig(webhookBase));
            alertmanager = launch("alertmanager", List.of(amBin.toString(),
                    "--config.file=" + amConfig,
                    "--storage.path=" + Files.createDirectories(dir.resolve("am-data")),
                    "--web.listen-address=127.0.0.1:" + amPort,
                    "--cluster.listen-address=",
                    "--log.level=info"));
            String amUrl = "http://127.0.0.1:" + amPort;

            Path rulesDir = Files.createDirectories(dir.resolve("rules"));
            Path shipped = rulesDir.resolve("sae-monitor.rules.yaml");
            Files.copy(OpsTools.repo(AlertRulesTest.RULES), shipped);
            Path e2eRules = rulesDir.resolve("sae-monitor.e2e.rules.yaml");
            OpsTools.YAML.writeValue(e2eRules.toFile(), e2eRules());
            Path promConfig = dir.resolve("prometheus.yml");
            OpsTools.YAML.writeValue(promConfig.toFile(), prometheusConfig(mgmtPort, amPort, List.of(shipped, e2eRules)));
            prometheus = launch("prometheus", List.of(promBin.toString(),
                    "--config.file=" + promConfig,
                    "--storage.tsdb.path=" + Files.createDirectories(dir.resolve("prom-data")),
                    "--web.listen-address=127.0.0.1:" + promPort,
                    "--log.level=info"));
            String promUrl = "http://127.0.0.1:" + promPort;

            awaitReady("alertmanager", alertmanager, amUrl + "/-/ready", dir.resolve("alertmanager.log"));
            awaitReady("prometheus", prometheus, promUrl + "/-/ready", dir.resolve("prometheus.log"));

            Map<String, String> cfg = new HashMap<>(kafka.start());
            cfg.put("quarkus.management.test-port", String.valueOf(mgmtPort));
            cfg.put("quarkus.management.host", "127.0.0.1");
            cfg.put("monitor.alertmanager.url", amUrl);
            current = new Stack(webhookBase, amUrl, promUrl, mgmtPort, notifications, dir);
            return cfg;
        } catch (IOException e) {
            stop();
            throw new UncheckedIOException("cannot start the alerting stack", e);
        } catch (RuntimeException e) {
            stop();
            throw e;
        }
    }

    /** The shipped Alertmanager config: receiver URLs moved to the local webhook (same paths), group_wait 1s. */
    static JsonNode alertmanagerConfig(String webhookBase) throws IOException {
        ObjectNode am = (ObjectNode) OpsTools.readYaml(OpsTools.repo("alerts/alertmanager.yml"));
        shortenGroupWait((ObjectNode) am.path("route"));
        int rewritten = 0;
        for (JsonNode receiver : am.path("receivers")) {
            for (JsonNode wh : receiver.path("webhook_configs")) {
                URI url = URI.create(wh.path("url").asText());
                ((ObjectNode) wh).put("url", webhookBase + url.getRawPath());
                rewritten++;
            }
        }
        if (rewritten == 0) {
            throw new IllegalStateException("alerts/alertmanager.yml has no webhook receiver to point at the test");
        }
        return am;
    }

    private static void shortenGroupWait(ObjectNode route) {
        if (route.has("group_wait")) {
            route.put("group_wait", "1s");
        }
        route.path("routes").forEach(r -> shortenGroupWait((ObjectNode) r));
    }

    /**
     * Test-only copies of the shipped alerts whose {@code for} is too long for a test: same expression,
     * labels and annotations, {@code for: 0s}, plus {@link #E2E_LABEL}. Only SaeMonitorCriticalFlagBurst
     * (for 2m) is needed.
     */
    static JsonNode e2eRules() {
        JsonNode shipped = OpsTools.readYaml(OpsTools.repo(AlertRulesTest.RULES));
        ObjectNode root = OpsTools.YAML.createObjectNode();
        ObjectNode group = root.putArray("groups").addObject();
        group.put("name", E2E_RULES);
        ArrayNode rules = group.putArray("rules");
        for (JsonNode g : shipped.path("groups")) {
            for (JsonNode r : g.path("rules")) {
                if ("SaeMonitorCriticalFlagBurst".equals(r.path("alert").asText())) {
                    ObjectNode copy = r.deepCopy();
                    copy.put("for", "0s");
                    ((ObjectNode) copy.path("labels")).put(E2E_LABEL, "for-0s");
                    rules.add(copy);
                }
            }
        }
        if (rules.isEmpty()) {
            throw new IllegalStateException("SaeMonitorCriticalFlagBurst not found in " + AlertRulesTest.RULES);
        }
        return root;
    }

    static JsonNode prometheusConfig(int mgmtPort, int amPort, List<Path> ruleFiles) {
        ObjectNode p = OpsTools.YAML.createObjectNode();
        p.putObject("global").put("scrape_interval", "1s").put("scrape_timeout", "1s").put("evaluation_interval", "1s");
        ArrayNode rf = p.putArray("rule_files");
        ruleFiles.forEach(f -> rf.add(f.toString()));
        p.putObject("alerting").putArray("alertmanagers").addObject()
                .putArray("static_configs").addObject().putArray("targets").add("127.0.0.1:" + amPort);
        ObjectNode job = p.putArray("scrape_configs").addObject();
        job.put("job_name", "sae-safety-monitor");
        job.put("metrics_path", "/q/metrics");
        ObjectNode sc = job.putArray("static_configs").addObject();
        sc.putArray("targets").add("127.0.0.1:" + mgmtPort);
        sc.putObject("labels").put("namespace", "e2e");
        return p;
    }

    private Process launch(String name, List<String> command) throws IOException {
        Path log = dir.resolve(name + ".log");
        return new ProcessBuilder(command)
                .directory(dir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                .start();
    }

    private static void awaitReady(String name, Process process, String url, Path log) {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException(name + " exited with " + process.exitValue() + ":\n" + tail(log));
            }
            try {
                HttpResponse<Void> r = http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(1)).build(),
                        HttpResponse.BodyHandlers.discarding());
                if (r.statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for " + name, e);
            }
            // a test resource runs before the test, outside Awaitility's reach: poll with a short park
            java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(100));
        }
        throw new IllegalStateException(name + " not ready at " + url + " after " + START_TIMEOUT + ":\n" + tail(log));
    }

    static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            s.setReuseAddress(true);
            return s.getLocalPort();
        }
    }

    @Override
    public void stop() {
        List<Throwable> errors = new ArrayList<>();
        for (Process p : new Process[] {prometheus, alertmanager}) {
            if (p != null) {
                p.destroy();
                try {
                    if (!p.waitFor(10, TimeUnit.SECONDS)) {
                        p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    p.destroyForcibly();
                }
            }
        }
        prometheus = null;
        alertmanager = null;
        if (webhook != null) {
            webhook.stop(0);
            webhook = null;
        }
        try {
            kafka.stop();
        } catch (RuntimeException e) {
            errors.add(e);
        }
        if (dir != null) {
            try (Stream<Path> files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            } catch (IOException e) {
                // best effort: a temp dir
            }
            dir = null;
        }
        current = null;
        if (!errors.isEmpty()) {
            throw new IllegalStateException("stopping the alerting stack", errors.get(0));
        }
    }
}
