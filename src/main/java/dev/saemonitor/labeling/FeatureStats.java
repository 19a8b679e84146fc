package dev.saemonitor.labeling;

import dev.saemonitor.sae.SparseCodes;
import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;

/**
 * Accumulates, over a set of texts, each feature's firing count, activation sum and strongest
 * tokens (at most one per text), and for each named group of texts (the corpus, each category's
 * positives, benign) how many of the group's texts the feature fired on at least once.
 */
public final class FeatureStats {
    /** A token occurrence: text index, token's character span, activation. */
    record Hit(int text, int start, int end, float activation) {
    }

    /** Weaker activation first; on a tie the later text, so the kept hits do not depend on heap order. */
    private static final java.util.Comparator<Hit> WEAKEST_FIRST = java.util.Comparator.comparingDouble(Hit::activation)
            .thenComparing(Hit::text, java.util.Comparator.reverseOrder());
    private final int dSae;
    private final int keep;
    private final List<String> groups;
    private final long[] fired;
    private final double[] sum;
    private final int[][] groupFired;
    private final int[] groupTexts;
    private final List<PriorityQueue<Hit>> top = new ArrayList<>();
    private final float[] best;
    private final int[] bestToken;
    private long tokens;

    /**
     * @param keep   strongest hits kept per feature
     * @param groups names of the text groups whose firing shares are counted
     */
    public FeatureStats(int dSae, int keep, List<String> groups) {
        this.dSae = dSae;
        this.keep = keep;
        this.groups = List.copyOf(groups);
        this.fired = new long[dSae];
        this.sum = new double[dSae];
        this.groupFired = new int[groups.size()][dSae];
        this.groupTexts = new int[groups.size()];
        this.best = new float[dSae];
        this.bestToken = new int[dSae];
        for (int j = 0; j < dSae; j++) {
            top.add(new PriorityQueue<>(WEAKEST_FIRST));
        }
    }

    /**
     * Adds one text's codes (rows {@code [from, to)} of {@code codes}, token spans in {@code charStart}
     * / {@code charEnd}); the text counts towards the groups whose indices are in {@code inGroups}.
     */
    public void add(int textIndex, int[] inGroups, SparseCodes codes, int from, int to, int[] charStart, int[] charEnd) {
        int[] touched = new int[Math.min(dSae, Math.max(0, codes.rowStart()[to] - codes.rowStart()[from]))];
        int nTouched = 0;
        for (int r = from; r < to; r++) {
            tokens++;
            for (int i = codes.rowStart()[r]; i < codes.rowStart()[r + 1]; i++) {
                int f = codes.features()[i];
                float v = codes.values()[i];
                fired[f]++;
                sum[f] += v;
                if (best[f] == 0) {
                    touched[nTouched++] = f;
                }
                if (v > best[f]) {
                    best[f] = v;
                    bestToken[f] = r - from;
                }
            }
        }
        for (int g : inGroups) {
            groupTexts[g]++;
        }
        for (int k = 0; k < nTouched; k++) {
            int f = touched[k];
            for (int g : inGroups) {
                groupFired[g][f]++;
            }
            PriorityQueue<Hit> q = top.get(f);
            q.add(new Hit(textIndex, charStart[bestToken[f]], charEnd[bestToken[f]], best[f]));
            if (q.size() > keep) {
                q.poll();
            }
            best[f] = 0;
        }
    }

    public double firingRate(int f) {
        return tokens == 0 ? 0 : (double) fired[f] / tokens;
    }

    public double meanActivation(int f) {
        return fired[f] == 0 ? 0 : sum[f] / fired[f];
    }

    /** Share of the group's texts the feature fired on; NaN when the group has no texts. */
    public double share(int group, int f) {
        return groupTexts[group] == 0 ? Double.NaN : (double) groupFired[group][f] / groupTexts[group];
    }

    public List<String> groups() {
        return groups;
    }

    public int texts(int group) {
        return groupTexts[group];
    }

    /** The feature's top hits, strongest first. */
    List<Hit> top(int f) {
        List<Hit> l = new ArrayList<>(top.get(f));
        l.sort(WEAKEST_FIRST.reversed());
        return l;
    }

    public int dSae() {
        return dSae;
    }
}
