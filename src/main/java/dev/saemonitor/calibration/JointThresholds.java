package dev.saemonitor.calibration;

/**
 * Per-category thresholds that bound what on-call sees: the share of benign events flagged in <em>any</em>
 * category. Every category gets the same per-category benign FPR {@code q}; the largest {@code q} whose
 * union FPR stays at or under the target is found by bisection (the union grows with {@code q}). With groups of
 * benign events (short chat messages, single answers, long answers made of several texts) the target holds in
 * every group: long benign text, which has more segments to false-hit on, does not get to spend the budget that
 * short texts leave unused.
 */
public final class JointThresholds {
    private JointThresholds() {
    }

    /** Thresholds per category, and the per-category and union benign FPR they give. */
    public record Result(double[] thresholds, double perCategoryFpr, double[] fpr, double unionFpr) {
    }

    /** @param benign {@code benign[c][e]}: category c's score of benign event e (same events for every c) */
    public static Result choose(double[][] benign, double targetUnionFpr) {
        return choose(benign, new int[benign.length == 0 ? 0 : benign[0].length], targetUnionFpr);
    }

    /** @param groupOf group of each benign event; the union FPR of every group must meet the target */
    public static Result choose(double[][] benign, int[] groupOf, double targetUnionFpr) {
        double[][][] groups = split(benign, groupOf);
        double lo = 0, hi = targetUnionFpr;
        double[] best = thresholds(benign, 0);
        for (int it = 0; it < 40; it++) {
            double q = (lo + hi) / 2;
            double[] t = thresholds(benign, q);
            if (worstUnionFpr(groups, t) <= targetUnionFpr) {
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

    /**
     * As {@link #choose(double[][], int[], double)}, but the categories need not get the same per-category FPR: the
     * budget goes, step by step, to the category whose threshold can come down for the most recall per unit of
     * (worst-group) union FPR (each candidate step is the next threshold down that admits one more of its positives),
     * until no such step stays within the target. Maximises the mean recall over categories
     * greedily, so a category whose positives are easy to separate does not hold back the others' budget.
     *
     * @param positives {@code positives[c]}: category c's scores of its positive texts
     */
    public static Result chooseForRecall(double[][] benign, int[] groupOf, double targetUnionFpr, double[][] positives) {
        double[][][] groups = split(benign, groupOf);
        int cats = benign.length;
        double[][] pos = new double[cats][];
        double[] t = new double[cats];
        boolean[] done = new boolean[cats];
        for (int c = 0; c < cats; c++) {
            pos[c] = java.util.Arrays.stream(positives[c]).sorted().toArray();
            double top = java.util.Arrays.stream(benign[c]).max().orElse(0);
            t[c] = Math.nextUp(Math.max(top, pos[c].length == 0 ? 0 : pos[c][pos[c].length - 1]));
        }
        while (true) {
            double base = worstUnionFpr(groups, t);
            int bestC = -1;
            double bestGain = 0, bestT = 0;
            for (int c = 0; c < cats; c++) {
                // the next threshold down that admits one more positive: a step that buys no recall wastes budget
                int below = lowerBound(pos[c], t[c]) - 1;
                if (done[c] || below < 0) {
                    continue;
                }
                double tc = Math.max(1e-6, pos[c][below]);
                double old = t[c];
                t[c] = tc;
                double u = worstUnionFpr(groups, t);
                t[c] = old;
                if (u > targetUnionFpr) {
                    done[c] = true; // lower thresholds only flag more
                    continue;
                }
                double dr = (double) (lowerBound(pos[c], old) - lowerBound(pos[c], tc)) / pos[c].length;
                double gain = dr / (u - base + 1e-6);
                if (bestC < 0 || gain > bestGain) {
                    bestC = c;
                    bestGain = gain;
                    bestT = tc;
                }
            }
            if (bestC < 0) {
                break;
            }
            t[bestC] = bestT;
        }
        double[] fpr = new double[cats];
        double mean = 0;
        for (int c = 0; c < cats; c++) {
            t[c] = Math.min(t[c], 1 - 1e-9);
            fpr[c] = RocMath.rateAtOrAbove(benign[c], t[c]);
            mean += fpr[c] / Math.max(1, cats);
        }
        return new Result(t, mean, fpr, unionFpr(benign, t));
    }

    /** First index of {@code ascending} whose value is {@code >= v}. */
    private static int lowerBound(double[] ascending, double v) {
        int lo = 0, hi = ascending.length;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (ascending[mid] < v) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    private static double worstUnionFpr(double[][][] groups, double[] t) {
        double worst = 0;
        for (double[][] g : groups) {
            worst = Math.max(worst, unionFpr(g, t));
        }
        return worst;
    }

    /** {@code benign} split by event group: {@code [group][category][event]}. */
    static double[][][] split(double[][] benign, int[] groupOf) {
        int groups = java.util.Arrays.stream(groupOf).max().orElse(-1) + 1;
        double[][][] out = new double[groups][][];
        for (int g = 0; g < groups; g++) {
            int gg = g;
            int[] idx = java.util.stream.IntStream.range(0, groupOf.length).filter(e -> groupOf[e] == gg).toArray();
            out[g] = new double[benign.length][idx.length];
            for (int c = 0; c < benign.length; c++) {
                for (int j = 0; j < idx.length; j++) {
                    out[g][c][j] = benign[c][idx[j]];
                }
            }
        }
        return out;
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
