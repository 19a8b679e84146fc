package dev.saemonitor.cli;

import dev.saemonitor.calibration.CatalogHeads;
import dev.saemonitor.calibration.DetectorMetrics;
import dev.saemonitor.calibration.LabelledText;
import dev.saemonitor.calibration.PooledTexts;
import dev.saemonitor.calibration.RawProbe;
import dev.saemonitor.modelpack.Catalog;
import dev.saemonitor.scoring.SafetyScorer;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code eval}: labelled JSONL → per category AUROC, TPR at the catalog threshold and at 1%/5% FPR,
 * confusion at the threshold, for the pack's SAE heads and (with {@code --probe-train}) for a raw
 * logistic probe on mean-pooled reader activations. Table on stdout, JSON with {@code --json-out}.
 */
@Command(name = "eval", mixinStandardHelpOptions = true,
        description = "Per-category AUROC, TPR at threshold and at 1%%/5%% FPR, confusion; optionally beside a raw-activation probe.")
public class EvalCommand implements Callable<Integer> {
    @Mixin
    PackOptions packOptions;
    @Option(names = "--data", required = true, description = "labelled JSONL to evaluate on")
    Path data;
    @Option(names = "--probe-train", description = "labelled JSONL to train the raw-activation probe on (usually calibrate's --data)")
    Path probeTrain;
    @Option(names = "--target-fpr", defaultValue = "0.05", description = "benign FPR for the probe's threshold (default: ${DEFAULT-VALUE})")
    double targetFpr;
    @Option(names = "--json-out", description = "write the figures as JSON here")
    Path jsonOut;
    @Option(names = "--batch", defaultValue = "32", description = "texts per reader batch (default: ${DEFAULT-VALUE})")
    int batch;

    @Override
    public Integer call() throws Exception {
        List<LabelledText> texts = CalibrateCommand.readLabelled(data);
        List<LabelledText> train = probeTrain == null ? null : CalibrateCommand.readLabelled(probeTrain);
        Map<String, Object> out = new LinkedHashMap<>();
        try (SafetyScorer scorer = packOptions.open()) {
            Progress progress = new Progress(System.err, "tokens", 0);
            PooledTexts pooled = pool(scorer, texts, progress);
            PooledTexts trainPooled = train == null ? null : pool(scorer, train, progress);
            progress.finish(null);
            out.put("pack", Map.of("name", scorer.pack().name(), "version", scorer.pack().version(),
                    "sha256", scorer.pack().sha256(), "reader", scorer.pack().reader().id(),
                    "layer", scorer.pack().reader().layer()));
            out.put("data", data.getFileName().toString());
            Map<String, Object> cats = new LinkedHashMap<>();
            PrintStream o = System.out;
            o.printf("%-20s %-6s %5s %5s %7s %7s %7s %7s %9s   %s%n", "category", "model", "pos", "neg", "AUROC",
                    "TPR@thr", "TPR@1%", "TPR@5%", "FPR@thr", "tp/fp/tn/fn");
            for (Catalog.Category c : scorer.pack().catalog().categories()) {
                Map<String, Object> m = new LinkedHashMap<>();
                DetectorMetrics sae = DetectorMetrics.of(CatalogHeads.scores(c, pooled), texts, c.name(), c.threshold());
                m.put("sae", sae);
                row(o, c.name(), "sae", sae);
                if (train != null) {
                    RawProbe probe = RawProbe.train(trainPooled, train, c.name(), targetFpr);
                    DetectorMetrics pm = DetectorMetrics.of(probe.scores(pooled), texts, c.name(), probe.threshold());
                    m.put("probe", pm);
                    row(o, "", "probe", pm);
                }
                cats.put(c.name(), m);
            }
            out.put("categories", cats);
        }
        if (jsonOut != null) {
            TrainSaeCommand.JSON.writeValue(jsonOut.toFile(), out);
        }
        return MonitorCli.OK;
    }

    private PooledTexts pool(SafetyScorer scorer, List<LabelledText> t, Progress progress) throws Exception {
        return PooledTexts.compute(scorer, t.stream().map(LabelledText::text).toList(), batch, n -> progress.add(n, null));
    }

    private static void row(PrintStream o, String cat, String model, DetectorMetrics m) {
        var c = m.confusion();
        o.printf("%-20s %-6s %5d %5d %7.3f %7.3f %7.3f %7.3f %9.3f   %d/%d/%d/%d%n", cat, model, m.positives(),
                m.negatives(), m.auroc(), m.tprAtThreshold(), m.tprAt1pctFpr(), m.tprAt5pctFpr(), m.fprAtThreshold(),
                c.tp(), c.fp(), c.tn(), c.fn());
    }
}
