package dev.saemonitor.calibration;

import java.util.Arrays;

/**
 * Detection math on scores: AUROC with ties (the Mann-Whitney statistic with mid-ranks, so a tie
 * between a positive and a negative counts one half), the threshold that keeps the false-positive
 * rate at or under a target, and the true-positive rate there. A text is flagged at {@code score >= threshold}.
 */
public final class RocMath {
    private RocMath() {
    }

    /** AUROC of {@code scores} for {@code positive}; NaN when either class is empty. */
    public static double auroc(double[] scores, boolean[] positive) {
        int n = scores.length;
        Integer[] idx = new Integer[n];
        for (int i = 0; i < n; i++) {
            idx[i] = i;
        }
        Arrays.sort(idx, (a, b) -> Double.compare(scores[a], scores[b]));
        double rankSumPos = 0;
        long pos = 0;
        for (int i = 0; i < n; ) {
            int j = i;
            while (j < n && scores[idx[j]] == scores[idx[i]]) {
                j++;
            }
            double midRank = (i + 1 + j) / 2.0;
            for (int t = i; t < j; t++) {
                if (positive[idx[t]]) {
                    rankSumPos += midRank;
                    pos++;
                }
            }
            i = j;
        }
        long neg = n - pos;
        if (pos == 0 || neg == 0) {
            return Double.NaN;
        }
        return (rankSumPos - pos * (pos + 1) / 2.0) / ((double) pos * neg);
    }

    /**
     * The lowest threshold at which at most {@code floor(targetFpr * negatives)} negatives score
     * {@code >= threshold}: just above the (m+1)-th highest negative score. With no negatives, the lowest score.
     */
    public static double thresholdAtFpr(double[] negativeScores, double targetFpr) {
        if (negativeScores.length == 0) {
            return Double.NEGATIVE_INFINITY;
        }
        double[] s = negativeScores.clone();
        Arrays.sort(s);
        int allowed = (int) Math.floor(targetFpr * s.length + 1e-9);
        if (allowed >= s.length) {
            return s[0];
        }
        return Math.nextUp(s[s.length - 1 - allowed]);
    }

    /** Fraction of {@code scores} at or above {@code threshold}; NaN for none. */
    public static double rateAtOrAbove(double[] scores, double threshold) {
        if (scores.length == 0) {
            return Double.NaN;
        }
        long n = Arrays.stream(scores).filter(s -> s >= threshold).count();
        return (double) n / scores.length;
    }

    /** True-positive rate at the threshold chosen for {@code targetFpr} on the negatives. */
    public static double tprAtFpr(double[] positiveScores, double[] negativeScores, double targetFpr) {
        return rateAtOrAbove(positiveScores, thresholdAtFpr(negativeScores, targetFpr));
    }

    /** Scores split by class. */
    public static double[][] split(double[] scores, boolean[] positive) {
        int p = 0;
        for (boolean b : positive) {
            p += b ? 1 : 0;
        }
        double[] pos = new double[p], neg = new double[scores.length - p];
        for (int i = 0, a = 0, b = 0; i < scores.length; i++) {
            if (positive[i]) {
                pos[a++] = scores[i];
            } else {
                neg[b++] = scores[i];
            }
        }
        return new double[][] {pos, neg};
    }

    /** Confusion counts at a threshold: tp, fp, tn, fn. */
    public record Confusion(int tp, int fp, int tn, int fn) {
        public static Confusion at(double[] scores, boolean[] positive, double threshold) {
            int tp = 0, fp = 0, tn = 0, fn = 0;
            for (int i = 0; i < scores.length; i++) {
                boolean flag = scores[i] >= threshold;
                if (positive[i]) {
                    tp += flag ? 1 : 0;
                    fn += flag ? 0 : 1;
                } else {
                    fp += flag ? 1 : 0;
                    tn += flag ? 0 : 1;
                }
            }
            return new Confusion(tp, fp, tn, fn);
        }
    }
}
