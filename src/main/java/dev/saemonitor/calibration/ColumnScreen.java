package dev.saemonitor.calibration;

import dev.saemonitor.scoring.Pooling;
import java.util.Comparator;
import java.util.stream.IntStream;

/**
 * Picks the candidate columns a head may use, in one pass over a category's segments: a feature that fires
 * in more than {@code maxBenignShare} of benign segments is left out (function words, punctuation, sentence
 * boundaries: its evidence would tell a reviewer nothing); the rest are ranked by Welch's t statistic of
 * positive against negative segments, max- and mean-pooled separately, and the {@code topN} strongest kept.
 * (t rather than univariate AUROC: one pass over tens of thousands of segments instead of a sort per column.)
 *
 * @param columns           candidate columns ({@code c < d_sae}: max-pooled feature c, else mean-pooled)
 * @param benignShare       per feature, the share of benign segments where it fires
 * @param positiveShare     per feature, the share of positive segments where it fires
 */
public record ColumnScreen(int[] columns, double[] benignShare, double[] positiveShare) {

    public static ColumnScreen of(EncodedCorpus enc, SegmentExamples ex, double maxBenignShare, int topN) {
        int d = enc.dSae();
        double[][] sum = new double[2][2 * d], sq = new double[2][2 * d];
        double[] firedBenign = new double[d], firedPos = new double[d];
        int nPos = 0, nNeg = 0, nBenign = 0;
        Pooling.Pooled p = new Pooling.Pooled(d);
        for (int r = 0; r < ex.size(); r++) {
            Pooling.poolInto(enc.codes(), ex.from()[r], ex.to()[r], null, p);
            int k = ex.positive()[r] ? 0 : 1;
            if (k == 0) {
                nPos++;
            } else {
                nNeg++;
            }
            if (ex.benign()[r]) {
                nBenign++;
            }
            for (int i = enc.codes().rowStart()[ex.from()[r]]; i < enc.codes().rowStart()[ex.to()[r]]; i++) {
                int f = enc.codes().features()[i];
                if (p.argmax()[f] == -2) {
                    continue; // already counted for this segment
                }
                float mx = p.max()[f], mn = p.mean()[f];
                sum[k][f] += mx;
                sq[k][f] += (double) mx * mx;
                sum[k][d + f] += mn;
                sq[k][d + f] += (double) mn * mn;
                if (mx > 0) {
                    if (ex.benign()[r]) {
                        firedBenign[f]++;
                    }
                    if (k == 0) {
                        firedPos[f]++;
                    }
                }
                p.argmax()[f] = -2;
            }
        }
        double[] t = new double[2 * d];
        for (int c = 0; c < 2 * d; c++) {
            double mp = sum[0][c] / Math.max(1, nPos), mq = sum[1][c] / Math.max(1, nNeg);
            double vp = sq[0][c] / Math.max(1, nPos) - mp * mp, vq = sq[1][c] / Math.max(1, nNeg) - mq * mq;
            double se = Math.sqrt(Math.max(vp, 0) / Math.max(1, nPos) + Math.max(vq, 0) / Math.max(1, nNeg));
            t[c] = se > 1e-12 ? (mp - mq) / se : 0;
        }
        double[] bShare = new double[d], pShare = new double[d];
        for (int f = 0; f < d; f++) {
            bShare[f] = nBenign == 0 ? 0 : firedBenign[f] / nBenign;
            pShare[f] = nPos == 0 ? 0 : firedPos[f] / nPos;
        }
        int[] cols = IntStream.range(0, 2 * d)
                .filter(c -> t[c] != 0 && bShare[c % d] <= maxBenignShare && firedPos[c % d] >= 3)
                .boxed().sorted(Comparator.comparingDouble((Integer c) -> -Math.abs(t[c])).thenComparing(c -> c))
                .limit(topN).mapToInt(Integer::intValue).toArray();
        return new ColumnScreen(cols, bShare, pShare);
    }
}
