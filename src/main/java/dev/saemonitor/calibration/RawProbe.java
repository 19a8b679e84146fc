package dev.saemonitor.calibration;

import de.bwaldvogel.liblinear.SolverType;
import java.util.List;

/**
 * The baseline without an SAE: L2-regularised logistic regression on the reader's mean-pooled raw
 * activations, one per category, trained with the same positives/negatives as the heads and thresholded
 * at the same benign FPR, so {@code eval} shows what the SAE costs or gains.
 */
public final class RawProbe {
    static final double C = 1.0;

    private final LogisticFit.Linear1 model;
    private final double threshold;

    private RawProbe(LogisticFit.Linear1 model, double threshold) {
        this.model = model;
        this.threshold = threshold;
    }

    public static RawProbe train(EncodedCorpus data, List<LabelledText> texts, String category, double targetFpr) {
        int n = texts.size();
        double[][] x = new double[n][];
        boolean[] y = new boolean[n];
        int benign = 0;
        for (int i = 0; i < n; i++) {
            x[i] = toDouble(data.rawMean()[i]);
            y[i] = texts.get(i).labels().contains(category);
            benign += texts.get(i).benign() ? 1 : 0;
        }
        LogisticFit.Linear1 m = LogisticFit.fit(x, y, SolverType.L2R_LR, C);
        double[] b = new double[benign];
        for (int i = 0, j = 0; i < n; i++) {
            if (texts.get(i).benign()) {
                b[j++] = dev.saemonitor.scoring.Pooling.sigmoid(m.logit(x[i]));
            }
        }
        return new RawProbe(m, RocMath.thresholdAtFpr(b, targetFpr));
    }

    public double threshold() {
        return threshold;
    }

    public double[] scores(EncodedCorpus data) {
        double[] out = new double[data.count()];
        for (int i = 0; i < out.length; i++) {
            out[i] = dev.saemonitor.scoring.Pooling.sigmoid(model.logit(toDouble(data.rawMean()[i])));
        }
        return out;
    }

    private static double[] toDouble(float[] v) {
        double[] d = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            d[i] = v[i];
        }
        return d;
    }
}
