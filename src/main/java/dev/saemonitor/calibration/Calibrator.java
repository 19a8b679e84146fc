package dev.saemonitor.calibration;

import dev.saemonitor.modelpack.Catalog;
import dev.saemonitor.modelpack.ModelPack;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns pooled, labelled calibration texts into catalog heads. Per category: positives are texts
 * labelled with it; negatives are benign texts and, unless {@code benignOnly}, other categories'
 * positives. The threshold keeps the false-positive rate on benign texts at or under {@code targetFpr}.
 */
public final class Calibrator {
    private final HeadFitter fitter;
    private final double targetFpr;
    private final boolean benignOnly;

    public Calibrator(int topN, double targetFpr, boolean benignOnly) {
        this.fitter = new HeadFitter(topN);
        this.targetFpr = targetFpr;
        this.benignOnly = benignOnly;
    }

    /** The catalog and, per category, what calibration measured (for eval.json). */
    public record Result(Catalog catalog, Map<String, Map<String, Object>> metrics) {
    }

    public Result calibrate(ModelPack pack, PooledTexts data, List<LabelledText> texts, List<String> categories,
                            String dataName) {
        List<Catalog.Category> out = new ArrayList<>();
        Map<String, Map<String, Object>> metrics = new LinkedHashMap<>();
        for (String cat : categories) {
            List<Integer> rowList = new ArrayList<>();
            for (int i = 0; i < texts.size(); i++) {
                LabelledText t = texts.get(i);
                if (t.labels().contains(cat) || t.benign() || !benignOnly) {
                    rowList.add(i);
                }
            }
            int[] rows = rowList.stream().mapToInt(Integer::intValue).toArray();
            boolean[] pos = new boolean[rows.length];
            int nPos = 0;
            for (int i = 0; i < rows.length; i++) {
                pos[i] = texts.get(rows[i]).labels().contains(cat);
                nPos += pos[i] ? 1 : 0;
            }
            if (nPos < 3 || nPos == rows.length) {
                throw new IllegalArgumentException("category '" + cat + "' has " + nPos + " positives among "
                        + rows.length + " texts; need at least 3 and some negatives");
            }
            HeadFitter.Head head = fitter.fit(data, rows, pos);
            double[] prob = new double[rows.length];
            double[] oof = new double[rows.length];
            List<Double> benign = new ArrayList<>();
            for (int i = 0; i < rows.length; i++) {
                prob[i] = sigmoid(head.logit(data, rows[i]));
                oof[i] = sigmoid(head.outOfFoldLogits()[i]);
                if (texts.get(rows[i]).benign()) {
                    benign.add(oof[i]);
                }
            }
            // threshold on out-of-fold scores: in-sample scores of a head that fits its training set
            // almost perfectly sit too low on benign texts, and the FPR on new texts would overshoot
            double[] benignScores = benign.stream().mapToDouble(Double::doubleValue).toArray();
            double threshold = Math.min(1 - 1e-6, Math.max(1e-6, RocMath.thresholdAtFpr(benignScores, targetFpr)));
            double[][] split = RocMath.split(oof, pos);
            out.add(category(pack, cat, head, threshold, data, dataName, benignScores.length, nPos));
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("positives", nPos);
            m.put("negatives", rows.length - nPos);
            m.put("benign", benignScores.length);
            m.put("features", head.columns().length);
            m.put("c", head.c());
            m.put("cvAuroc", head.cvAuroc());
            m.put("trainAuroc", RocMath.auroc(prob, pos));
            m.put("threshold", threshold);
            m.put("cvTprAtThreshold", RocMath.rateAtOrAbove(split[0], threshold));
            m.put("cvBenignFprAtThreshold", RocMath.rateAtOrAbove(benignScores, threshold));
            metrics.put(cat, m);
        }
        return new Result(new Catalog(out), metrics);
    }

    private Catalog.Category category(ModelPack pack, String name, HeadFitter.Head head, double threshold,
                                      PooledTexts data, String dataName, int negatives, int positives) {
        List<Catalog.Feature> feats = new ArrayList<>();
        for (int i = 0; i < head.columns().length; i++) {
            int col = head.columns()[i];
            int id = col % data.dSae();
            int fired = 0;
            for (int t = 0; t < data.count(); t++) {
                fired += data.max()[t][id] > 0 ? 1 : 0;
            }
            feats.add(new Catalog.Feature(id, col < data.dSae() ? Catalog.Pool.max : Catalog.Pool.mean,
                    round(head.weights()[i]), pack.labelOf(id), round((double) fired / data.count())));
        }
        Catalog.Severity sev = pack.catalog().categories().stream().filter(c -> c.name().equals(name))
                .map(Catalog.Category::severity).findFirst()
                .orElse(name.equals("dangerous_content") ? Catalog.Severity.critical : Catalog.Severity.warning);
        return new Catalog.Category(name, sev, round(head.bias()), threshold, feats,
                new Catalog.ThresholdChoice("target FPR on benign calibration texts, out-of-fold scores", targetFpr, dataName,
                        LocalDate.now().toString(), negatives, positives));
    }

    static double sigmoid(double z) {
        return 1 / (1 + Math.exp(-z));
    }

    private static double round(double v) {
        return Math.round(v * 1e6) / 1e6;
    }
}
