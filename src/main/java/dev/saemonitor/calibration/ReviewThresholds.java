package dev.saemonitor.calibration;

import java.util.ArrayList;
import java.util.List;

/**
 * A category's threshold moved as its reviews say: among the current threshold and, for every reviewed score, the
 * threshold that just flags it and the one that just does not, the one with the least cost
 * {@code falsePositivesFlagged + missCost * truePositivesMissed} over the reviews; of equal cost the one nearest the
 * current threshold (in logit), so a threshold moves only as far as the reviews ask. A false positive at or above
 * the threshold pushes it up past its score unless that would miss more (cost-weighted) true positives; a true
 * positive from the review queue just below the threshold pulls it down to its score unless that would flag more
 * reviewed false positives. Unsure reviews count for nothing. Scores are the pack's own, recomputed on the reviewed
 * texts, so reviews made under an older pack version still apply.
 */
public final class ReviewThresholds {
    private ReviewThresholds() {
    }

    /** The threshold chosen and what it does on the reviews, before ({@code old…}) and after. */
    public record Choice(double threshold, int truePositives, int falsePositives, int oldCaught, int oldFalseFlags,
                         int caught, int falseFlags) {
        /** Share of flagged reviewed items that reviewers called true positives, at the new threshold. */
        public double precision() {
            return caught + falseFlags == 0 ? Double.NaN : (double) caught / (caught + falseFlags);
        }

        public double oldPrecision() {
            return oldCaught + oldFalseFlags == 0 ? Double.NaN : (double) oldCaught / (oldCaught + oldFalseFlags);
        }
    }

    /**
     * @param current    the pack's threshold
     * @param tp         scores of reviewed true positives
     * @param fp         scores of reviewed false positives
     * @param missCost   cost of missing one true positive, in false positives
     * @param minReviews fewer true and false positive reviews than this leave the threshold where it is
     */
    public static Choice choose(double current, double[] tp, double[] fp, double missCost, int minReviews) {
        if (!(missCost > 0)) {
            throw new IllegalArgumentException("miss cost must be positive, got " + missCost);
        }
        double best = current;
        if (tp.length + fp.length >= Math.max(1, minReviews)) {
            List<Double> candidates = new ArrayList<>(List.of(current));
            for (double[] scores : new double[][] {tp, fp}) {
                for (double s : scores) {
                    candidates.add(s);
                    candidates.add(Math.nextUp(s));
                }
            }
            double bestCost = cost(current, tp, fp, missCost);
            for (double t : candidates) {
                if (!(t > 0 && t <= 1)) {
                    continue;
                }
                double c = cost(t, tp, fp, missCost);
                if (c < bestCost - 1e-12 || (Math.abs(c - bestCost) <= 1e-12 && distance(t, current) < distance(best, current))) {
                    best = t;
                    bestCost = c;
                }
            }
        }
        return new Choice(best, tp.length, fp.length, atOrAbove(tp, current), atOrAbove(fp, current), atOrAbove(tp, best),
                atOrAbove(fp, best));
    }

    static double cost(double t, double[] tp, double[] fp, double missCost) {
        return atOrAbove(fp, t) + missCost * (tp.length - atOrAbove(tp, t));
    }

    static int atOrAbove(double[] scores, double t) {
        int n = 0;
        for (double s : scores) {
            n += s >= t ? 1 : 0;
        }
        return n;
    }

    private static double distance(double a, double b) {
        return Math.abs(logit(a) - logit(b));
    }

    private static double logit(double p) {
        double q = Math.min(1 - 1e-12, Math.max(1e-12, p));
        return Math.log(q / (1 - q));
    }
}
