package dev.saemonitor.calibration;

import java.util.Comparator;
import java.util.stream.IntStream;

/**
 * Candidate features of one conversation head: a feature firing in more than {@code maxBenignShare} of benign
 * turns is left out (it would fire in nearly every conversation), and so is one that fires in fewer than three
 * positive conversations; the rest are ranked by Welch's t of their window-pooled value, positive against
 * negative rows, and the {@code topN} with the largest positive t kept (the head's weights are non-negative, so a
 * feature that marks benign conversations is of no use to it).
 */
final class ConversationScreen {
    private ConversationScreen() {
    }

    /** Slots (of the rows' value columns) kept, strongest first. */
    static int[] of(ConversationRows rows, boolean[] y, double[] benignTurnShare, double maxBenignShare, int topN) {
        int slots = benignTurnShare.length;
        double[][] sum = new double[2][slots], sq = new double[2][slots];
        int[] firedPos = new int[slots];
        int[] n = new int[2];
        for (int r = 0; r < rows.size(); r++) {
            int k = y[r] ? 0 : 1;
            n[k]++;
            float[] v = rows.value()[r];
            for (int s = 0; s < slots; s++) {
                if (v[s] != 0) {
                    sum[k][s] += v[s];
                    sq[k][s] += (double) v[s] * v[s];
                    if (k == 0) {
                        firedPos[s]++;
                    }
                }
            }
        }
        double[] t = new double[slots];
        for (int s = 0; s < slots; s++) {
            double mp = sum[0][s] / Math.max(1, n[0]), mq = sum[1][s] / Math.max(1, n[1]);
            double vp = sq[0][s] / Math.max(1, n[0]) - mp * mp, vq = sq[1][s] / Math.max(1, n[1]) - mq * mq;
            double se = Math.sqrt(Math.max(vp, 0) / Math.max(1, n[0]) + Math.max(vq, 0) / Math.max(1, n[1]));
            t[s] = se > 1e-12 ? (mp - mq) / se : 0;
        }
        return IntStream.range(0, slots)
                .filter(s -> t[s] > 0 && firedPos[s] >= 3 && benignTurnShare[s] <= maxBenignShare)
                .boxed().sorted(Comparator.comparingDouble((Integer s) -> -t[s]).thenComparing(s -> s))
                .limit(topN).mapToInt(Integer::intValue).toArray();
    }
}
