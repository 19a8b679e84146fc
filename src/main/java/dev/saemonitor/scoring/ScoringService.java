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
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.jboss.logging.Logger;

/**
 * Loads the configured pack at start (applying threshold overrides), owns its {@link SafetyScorer},
 * and records the pack's metrics. A refused pack leaves readiness down, is counted, and the process
 * exits after {@code monitor.pack.exit-after-refusal} rather than sit on partitions it cannot score.
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

    void onStart(@Observes StartupEvent e) {
        metrics.setMaxTenants(config.metrics().maxTenants());
        // loads beside the rest of start-up (Kafka clients, HTTP); readiness waits for it
        Thread.ofPlatform().name("pack-loader").start(this::load);
    }

    private void load() {
        long t0 = System.nanoTime();
        try {
            Path readers = config.pack().readersDir().map(Path::of).orElseGet(PackFiles::defaultReadersDir);
            ModelPack pack = withOverrides(PackLoader.load(Path.of(config.pack().path()), readers), config.thresholds());
            int threads = config.onnx().threads() > 0 ? config.onnx().threads() : Runtime.getRuntime().availableProcessors();
            SafetyScorer scorer = SafetyScorer.open(pack, new InferenceSettings(threads, config.onnx().provider(),
                    !"fail".equals(config.onnx().cudaFallback()), config.batch().readerTokens(), config.onnx().spinWait()));
            parser = new EventParser(config.maxEventBytes(), pack.reader().id(), pack.reader().layer(), pack.sae().config().dIn());
            metrics.packInfo(pack.name(), pack.version(), pack.sha256());
            metrics.provider(scorer.provider());
            for (Catalog.Category c : pack.catalog().categories()) {
                metrics.registerCategory(c.name(), c.severity().name());
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
        } catch (RuntimeException ex) {
            loadError = ex.getMessage();
            metrics.packLoadFailure();
            Duration grace = config.pack().exitAfterRefusal();
            LOG.errorf("model pack refused: %s; exiting in %s so this replica's partitions go to healthy ones",
                    ex.getMessage(), grace);
            Thread.ofPlatform().name("pack-refused-exit").daemon().start(() -> {
                try {
                    Thread.sleep(grace.toMillis());
                    io.quarkus.runtime.Quarkus.asyncExit(3);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                }
            });
        }
    }

    void onStop(@Observes ShutdownEvent e) {
        ready.thenAccept(SafetyScorer::close);
    }

    static ModelPack withOverrides(ModelPack p, Map<String, Double> thresholds) {
        if (thresholds.isEmpty()) {
            return p;
        }
        List<Catalog.Category> cats = new ArrayList<>();
        for (Catalog.Category c : p.catalog().categories()) {
            Double t = thresholds.get(c.name());
            cats.add(t == null ? c : new Catalog.Category(c.name(), c.severity(), c.bias(), t, c.features(),
                    new Catalog.ThresholdChoice("override (monitor.thresholds." + c.name() + ")", null, null, null, null, null)));
        }
        for (String name : thresholds.keySet()) {
            if (cats.stream().noneMatch(c -> c.name().equals(name))) {
                throw new IllegalArgumentException("monitor.thresholds." + name + ": no such category in the pack");
            }
        }
        return new ModelPack(p.dir(), p.manifest(), p.sha256(), p.readerOnnx(), p.tokenizer(), p.sae(),
                new Catalog(p.catalog().segmentation(), cats), p.featureLabels(), p.featureCards());
    }

    /** Completes when the pack is loaded; never completes if it was refused. */
    public CompletableFuture<SafetyScorer> ready() {
        return ready;
    }

    public boolean isReady() {
        return ready.isDone();
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
        SafetyScorer s = ready.getNow(null);
        for (Verdict.CategoryScore c : v.categories()) {
            if (v.tokens() > 0) {
                metrics.score(c.name(), c.score());
            }
            if (c.flagged()) {
                metrics.flag(c.name(), severityOf(s, c.name()), v.tenant());
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
        return severityOf(ready.getNow(null), category);
    }

    private static String severityOf(SafetyScorer s, String category) {
        if (s == null) {
            return "warning";
        }
        return s.pack().catalog().categories().stream().filter(c -> c.name().equals(category)).findFirst()
                .map(c -> c.severity().name()).orElse("warning");
    }
}
