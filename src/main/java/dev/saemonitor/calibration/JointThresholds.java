package dev.saemonitor.calibration;

/**
 * Per-category thresholds that bound what on-call sees: the share of benign events flagged in <em>any</em>
 * category. Every category gets the same per-category benign FPR {@code q}; the largest {@code q} whose
 * union FPR stays at or under the target is found by bisection (the union grows with {@code q}).
 */
public final class JointThresholds {
    private JointThresholds() {
    }

    /** Thresholds per category, and the per-category and union benign FPR they give. */
    public record Result(double[] thresholds, double perCategoryFpr, double[] fpr, double unionFpr) {
    }

    /** @param benign {@code benign[c][e]}: category c's score of benign event e (same events for every c) */
    public static Result choose(double[][] benign, double targetUnionFpr) {
        double lo = 0, hi = targetUnionFpr;
        double[] best = thresholds(benign, 0);
        for (int it = 0; it < 40; it++) {
            double q = (lo + hi) / 2;
            double[] t = thresholds(benign, q);
            if (unionFpr(benign, t) <= targetUnionFpr) {
                lo = q;
                best = t;
            } else {
                hi = q;
            }
        }
        double[] fpr = new double[benign.length];
        for (int c = 0; c < benign.length; c++) {
            fpr[c] = RocMath.rateAtOrAbove(benign[c], best[c]);
        }
        return new Result(best, lo, fpr, unionFpr(benign, best));
    }

    static double[] thresholds(double[][] benign, double q) {
        double[] t = new double[benign.length];
        for (int c = 0; c < benign.length; c++) {
            t[c] = Math.min(1 - 1e-6, Math.max(1e-6, RocMath.thresholdAtFpr(benign[c], q)));
        }
        return t;
    }

    /** Share of events at or above their category's threshold in at least one category. */
    public static double unionFpr(double[][] benign, double[] thresholds) {
        if (benign.length == 0 || benign[0].length == 0) {
            return 0;
        }
        int flagged = 0;
        for (int e = 0; e < benign[0].length; e++) {
            for (int c = 0; c < benign.length; c++) {
                if (benign[c][e] >= thresholds[c]) {
                    flagged++;
                    break;
                }
            }
        }
        return (double) flagged / benign[0].length;
    }
}
