package dev.saemonitor.calibration;

import java.util.ArrayList;
import java.util.List;

/**
 * One detector's figures for one category on labelled texts: AUROC; TPR and FPR (on all texts without
 * the label, and on benign ones) at the detector's threshold; TPR at 1% and 5% FPR; confusion at the threshold.
 */
public record DetectorMetrics(int positives, int negatives, double auroc, double threshold, double tprAtThreshold,
                              double fprAtThreshold, double benignFprAtThreshold, double tprAt1pctFpr,
                              double tprAt5pctFpr, RocMath.Confusion confusion) {

    /** Figures for {@code scores} (probabilities) of every text against {@code category}. */
    public static DetectorMetrics of(double[] scores, List<LabelledText> texts, String category, double threshold) {
        boolean[] pos = new boolean[texts.size()];
        List<Double> benign = new ArrayList<>();
        for (int i = 0; i < pos.length; i++) {
            pos[i] = texts.get(i).labels().contains(category);
            if (texts.get(i).benign()) {
                benign.add(scores[i]);
            }
        }
        double[][] s = RocMath.split(scores, pos);
        double[] b = benign.stream().mapToDouble(Double::doubleValue).toArray();
        return new DetectorMetrics(s[0].length, s[1].length, RocMath.auroc(scores, pos), threshold,
                RocMath.rateAtOrAbove(s[0], threshold), RocMath.rateAtOrAbove(s[1], threshold),
                RocMath.rateAtOrAbove(b, threshold), RocMath.tprAtFpr(s[0], s[1], 0.01),
                RocMath.tprAtFpr(s[0], s[1], 0.05), RocMath.Confusion.at(scores, pos, threshold));
    }
}
