package dev.saemonitor.cli;

import dev.saemonitor.calibration.Calibrator;
import dev.saemonitor.calibration.LabelledText;
import dev.saemonitor.calibration.PooledTexts;
import dev.saemonitor.modelpack.ModelPack;
import dev.saemonitor.modelpack.PackWriter;
import dev.saemonitor.scoring.SafetyScorer;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code calibrate}: labelled JSONL → per-category sparse heads (L1 logistic regression on pooled SAE
 * codes) and thresholds at a target benign FPR, written to the pack's catalog.yaml and eval.json; the
 * pack is then re-sealed.
 */
@Command(name = "calibrate", mixinStandardHelpOptions = true,
        description = "Fit catalog heads and thresholds from labelled JSONL; rewrites catalog.yaml and eval.json and re-seals the pack.")
public class CalibrateCommand implements Callable<Integer> {
    @Mixin
    PackOptions packOptions;
    @Option(names = "--data", required = true, description = "labelled JSONL: {\"text\", \"labels\": [...]}")
    Path data;
    @Option(names = "--target-fpr", defaultValue = "0.05", description = "false-positive rate on benign texts at the threshold (default: ${DEFAULT-VALUE})")
    double targetFpr;
    @Option(names = "--top-n", defaultValue = "1024", description = "candidate columns per head, by univariate AUROC; L1 then picks among them (default: ${DEFAULT-VALUE})")
    int topN;
    @Option(names = "--benign-only", description = "negatives are benign texts only (default: benign plus other categories' positives)")
    boolean benignOnly;
    @Option(names = "--categories", split = ",", description = "categories to fit (default: every label in --data)")
    List<String> categories;
    @Option(names = "--batch", defaultValue = "32", description = "texts per reader batch (default: ${DEFAULT-VALUE})")
    int batch;
    @Option(names = "--pack-version", description = "pack version to seal (default: keep)")
    String version;

    @Override
    public Integer call() throws Exception {
        if (!(targetFpr > 0 && targetFpr < 1)) {
            throw new BadInputException("--target-fpr must be in (0, 1), got " + targetFpr);
        }
        List<LabelledText> texts = readLabelled(data);
        List<String> cats = categories != null ? categories : LabelledText.categories(texts);
        ModelPack pack = packOptions.load();
        Calibrator.Result result;
        try (SafetyScorer scorer = SafetyScorer.open(pack, packOptions.settings())) {
            Progress progress = new Progress(System.err, "tokens", 0);
            PooledTexts pooled = PooledTexts.compute(scorer, texts.stream().map(LabelledText::text).toList(), batch,
                    n -> progress.add(n, null));
            progress.finish("pooled " + texts.size() + " texts");
            try {
                result = new Calibrator(topN, targetFpr, benignOnly).calibrate(pack, pooled, texts, cats,
                        data.getFileName().toString());
            } catch (IllegalArgumentException e) {
                throw new BadInputException(e.getMessage());
            }
        }
        Path dir = pack.dir();
        PackWriter.writeCatalog(dir.resolve("catalog.yaml"), result.catalog());
        Map<String, Object> eval = new LinkedHashMap<>();
        eval.put("data", data.getFileName().toString());
        eval.put("texts", texts.size());
        eval.put("targetFpr", targetFpr);
        eval.put("negatives", benignOnly ? "benign" : "benign + other categories");
        eval.put("categories", result.metrics());
        TrainSaeCommand.JSON.writeValue(dir.resolve("eval.json").toFile(), eval);
        PackWriter.seal(dir, pack.name(), version != null ? version : pack.version(), pack.reader(), packOptions.readers());
        System.out.println(TrainSaeCommand.JSON.writeValueAsString(eval));
        return MonitorCli.OK;
    }

    static List<LabelledText> readLabelled(Path file) throws java.io.IOException {
        try {
            return LabelledText.read(file);
        } catch (IllegalArgumentException e) {
            throw new BadInputException(e.getMessage());
        }
    }
}
