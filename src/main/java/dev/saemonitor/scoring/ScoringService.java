package dev.saemonitor.scoring;

import dev.saemonitor.activations.InferenceSettings;
import dev.saemonitor.config.MonitorConfig;
import dev.saemonitor.ingest.EventParser;
import dev.saemonitor.metrics.MonitorMetrics;
import dev.saemonitor.modelpack.Catalog;
import dev.saemonitor.modelpack.ModelPack;
import dev.saemonitor.modelpack.PackFiles;
import dev.saemonitor.modelpack.PackLoader;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.interceptor.Interceptor;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.jboss.logging.Logger;

/**
 * Loads the configured pack at start (applying threshold overrides), owns its {@link SafetyScorer},
 * and records the pack's metrics. Loading starts first thing at start-up, and start-up waits for it just
 * before the messaging channels start: the consumer subscribes (joins the group, takes partitions) only
 * once the pack can score, and a refused pack fails start-up at once with its error (file and expectation).
 */
@ApplicationScoped
public class ScoringService {
    private static final Logger LOG = Logger.getLogger(ScoringService.class);

    private final MonitorConfig config;
    private final MonitorMetrics metrics;
    private final CompletableFuture<SafetyScorer> ready = new CompletableFuture<>();
    private volatile EventParser parser;
    private volatile String loadError;
    /** Catalog feature id to the categories whose heads use it (drift counters per verdict). */
    private volatile Map<Integer, List<String>> categoriesOfFeature = Map.of();

    public ScoringService(MonitorConfig config, MonitorMetrics metrics) {
        this.config = config;
        this.metrics = metrics;
    }

    /** Just after the platform's own start-up observers: begin loading beside the rest of start-up. */
    void onStart(@Observes @Priority(Interceptor.Priority.PLATFORM_BEFORE + 1) StartupEvent e) {
        metrics.setMaxTenants(config.metrics().maxTenants());
        Thread loader = Thread.ofPlatform().name("pack-loader").start(this::load);
        // a start-up that fails elsewhere (a taken port, a bad key) exits while the loader may be inside ONNX
        // Runtime's session creation; the library's exit-time teardown under it crashed the JVM (SIGSEGV in
        // libonnxruntime, an hs_err file) after the error line. The exit waits for the load, at most 20 s.
        Runtime.getRuntime().addShutdownHook(Thread.ofPlatform().name("pack-loader-exit").unstarted(() -> {
            try {
                loader.join(java.time.Duration.ofSeconds(20));
            } catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
            }
        }));
    }

    /**
     * Just before SmallRye Reactive Messaging starts the channels ({@code LIBRARY_BEFORE}): wait for the pack,
     * so a replica that cannot score never joins the consumer group; a refused pack ends start-up here.
     */
    void awaitPack(@Observes @Priority(Interceptor.Priority.LIBRARY_BEFORE - 1) StartupEvent e) {
        try {
            ready.join();
        } catch (java.util.concurrent.CompletionException | java.util.concurrent.CancellationException ex) {
            throw new IllegalStateException("model pack refused, not joining the consumer group: " + loadError, ex);
        }
    }

    private void load() {
        long t0 = System.nanoTime();
        try {
            Path readers = config.pack().readersDir().map(Path::of).orElseGet(PackFiles::defaultReadersDir);
            ModelPack pack = withOverrides(PackLoader.loadHeaderOnly(Path.of(config.pack().path()), readers), config.thresholds(),
                    config.pageThresholds());
            int threads = config.onnx().threads() > 0 ? config.onnx().threads() : Runtime.getRuntime().availableProcessors();
            SafetyScorer scorer = SafetyScorer.open(pack, new InferenceSettings(threads, config.onnx().provider().name(),
                    config.onnx().cudaFallback() == MonitorConfig.CudaFallback.cpu, config.batch().readerTokens(), config.onnx().spinWait()),
                    true);
            parser = EventParser.forPack(pack, config.maxEventBytes());
            metrics.packInfo(pack.name(), pack.version(), pack.sha256());
            metrics.provider(scorer.provider());
            for (Catalog.Category c : pack.catalog().categories()) {
                metrics.registerCategory(c.name(), c.severity().name());
                if (config.conversations().enabled()) {
                    metrics.registerConversationCategory(c.name(), c.severity().name());
                }
                java.util.Map<Integer, Double> rates = new java.util.TreeMap<>();
                for (Catalog.Feature f : c.features()) {
                    rates.merge(f.id(), f.expectedRate() == null ? 0.0 : f.expectedRate(), Math::max);
                }
                rates.forEach((id, rate) -> metrics.expectedRate(c.name(), id, rate));
            }
            Map<Integer, List<String>> byFeature = new java.util.HashMap<>();
            for (Catalog.Category c : pack.catalog().categories()) {
                for (Catalog.Feature f : c.features()) {
                    List<String> cats = byFeature.computeIfAbsent(f.id(), k -> new ArrayList<>());
                    if (!cats.contains(c.name())) {
                        cats.add(c.name());
                    }
                }
            }
            categoriesOfFeature = byFeature;
            ready.complete(scorer);
            LOG.infof("pack %s %s (sha256 %s) loaded in %d ms on %s", pack.name(), pack.version(), pack.sha256(),
                    (System.nanoTime() - t0) / 1_000_000, scorer.provider());
        } catch (RuntimeException | LinkageError ex) {
            loadError = ex.getMessage() == null ? ex.getClass().getSimpleName() : ex.getMessage();
            metrics.packLoadFailure();
            LOG.errorf("model pack refused: %s", loadError);
            ready.completeExceptionally(ex);
        }
    }

    void onStop(@Observes ShutdownEvent e) {
        ready.thenAccept(SafetyScorer::close);
    }

    static ModelPack withOverrides(ModelPack p, Map<String, Double> thresholds) {
        return withOverrides(p, thresholds, Map.of());
    }

    /**
     * The pack with operator thresholds: {@code thresholds} replace review points (the only threshold of a one-point
     * pack), {@code pageThresholds} page points; a category keeps its readout and its other point.
     */
    static ModelPack withOverrides(ModelPack p, Map<String, Double> thresholds, Map<String, Double> pageThresholds) {
        if (thresholds.isEmpty() && pageThresholds.isEmpty()) {
            return p;
        }
        List<Catalog.Category> cats = new ArrayList<>();
        for (Catalog.Category c : p.catalog().categories()) {
            Double t = thresholds.get(c.name());
            Double pg = pageThresholds.get(c.name());
            if (pg != null && c.pageThreshold() == null) {
                throw new IllegalArgumentException("monitor.page-thresholds." + c.name() + ": the pack's category has "
                        + "one threshold (no page point); set monitor.thresholds." + c.name() + " instead");
            }
            if (t == null && pg == null) {
                cats.add(c);
                continue;
            }
            double review = t != null ? t : c.threshold();
            Double page = pg != null ? pg : c.pageThreshold();
            if (page != null && page < review) {
                throw new IllegalArgumentException("monitor.page-thresholds." + c.name() + " = " + page
                        + " is below the review threshold " + review + ", expected page >= review");
            }
            Catalog.ThresholdChoice override = new Catalog.ThresholdChoice("override (monitor.thresholds." + c.name()
                    + (pg != null ? ", monitor.page-thresholds." + c.name() : "") + ")", null, null, null, null, null);
            cats.add(new Catalog.Category(c.name(), c.severity(), c.bias(), review, c.features(),
                    t != null ? override : c.thresholdChoice(), c.readout(), page,
                    pg != null ? override : c.pageThresholdChoice()));
        }
        for (String name : thresholds.keySet()) {
            if (cats.stream().noneMatch(c -> c.name().equals(name))) {
                throw new IllegalArgumentException("monitor.thresholds." + name + ": no such category in the pack");
            }
        }
        for (String name : pageThresholds.keySet()) {
            if (cats.stream().noneMatch(c -> c.name().equals(name))) {
                throw new IllegalArgumentException("monitor.page-thresholds." + name + ": no such category in the pack");
            }
        }
        return new ModelPack(p.dir(), p.manifest(), p.sha256(), p.readerOnnx(), p.tokenizer(), p.sae(),
                p.catalog().withCategories(cats), p.featureLabels(), p.featureCards());
    }

    /** Completes when the pack is loaded; fails if it was refused (start-up then fails too). */
    public CompletableFuture<SafetyScorer> ready() {
        return ready;
    }

    public boolean isReady() {
        return ready.isDone() && !ready.isCompletedExceptionally();
    }

    /** The loaded pack's scorer; null while loading or when refused. */
    public SafetyScorer scorer() {
        return isReady() ? ready.join() : null;
    }

    public String loadError() {
        return loadError;
    }

    /** The parser for the loaded pack (null until ready). */
    public EventParser parser() {
        return parser;
    }

    /** Records the per-verdict metrics: scores, flags, features fired. */
    public void recordVerdict(Verdict v) {
        metrics.outcome("scored");
        SafetyScorer s = scorer();
        for (Verdict.CategoryScore c : v.categories()) {
            if (v.tokens() > 0) {
                metrics.score(c.name(), c.score());
            }
            if (c.flagged()) {
                metrics.flag(c.name(), CategoryScorer.severityOf(c, severityOf(s, c.name())), v.tenant());
            }
        }
        if (v.firedFeatures() != null) {
            for (int f : v.firedFeatures()) {
                for (String category : categoriesOfFeature.getOrDefault(f, List.of())) {
                    metrics.featureActive(category, f);
                }
            }
        }
    }

    /** The catalog severity of a category of the loaded pack (warning when unknown). */
    public String severityOf(String category) {
        return severityOf(scorer(), category);
    }

    private static String severityOf(SafetyScorer s, String category) {
        if (s == null) {
            return "warning";
        }
        return s.pack().catalog().categories().stream().filter(c -> c.name().equals(category)).findFirst()
                .map(c -> c.severity().name()).orElse("warning");
    }
}
