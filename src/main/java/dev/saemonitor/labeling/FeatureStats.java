package dev.saemonitor.labeling;

import dev.saemonitor.sae.SparseCodes;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;

/**
 * Accumulates, over a corpus, each feature's firing count, activation sum and its strongest tokens
 * (at most one per text), plus the corpus's token frequencies for {@link AutoLabeler}.
 */
public final class FeatureStats {
    /** A token occurrence: text index, token's character span, activation. */
    record Hit(int text, int start, int end, float activation) {
    }

    private final int dSae;
    private final int keep;
    private final long[] fired;
    private final double[] sum;
    private final List<PriorityQueue<Hit>> top = new ArrayList<>();
    final Map<String, Integer> tokenCounts = new HashMap<>();
    long tokens;

    public FeatureStats(int dSae, int keep) {
        this.dSae = dSae;
        this.keep = keep;
        this.fired = new long[dSae];
        this.sum = new double[dSae];
        for (int j = 0; j < dSae; j++) {
            top.add(new PriorityQueue<>((a, b) -> Float.compare(a.activation(), b.activation())));
        }
    }

    /** Adds one text's codes (rows {@code [from, to)} of {@code codes}) with its tokens' spans. */
    public void add(int textIndex, String text, SparseCodes codes, int from, int to, int[] charStart, int[] charEnd) {
        Map<Integer, Hit> best = new HashMap<>();
        for (int r = from; r < to; r++) {
            int t = r - from;
            tokens++;
            tokenCounts.merge(AutoLabeler.normalise(text.substring(charStart[t], charEnd[t])), 1, Integer::sum);
            for (int i = codes.rowStart()[r]; i < codes.rowStart()[r + 1]; i++) {
                int f = codes.features()[i];
                float v = codes.values()[i];
                fired[f]++;
                sum[f] += v;
                Hit h = best.get(f);
                if (h == null || v > h.activation()) {
                    best.put(f, new Hit(textIndex, charStart[t], charEnd[t], v));
                }
            }
        }
        for (Map.Entry<Integer, Hit> e : best.entrySet()) {
            PriorityQueue<Hit> q = top.get(e.getKey());
            q.add(e.getValue());
            if (q.size() > keep) {
                q.poll();
            }
        }
    }

    public double firingRate(int f) {
        return tokens == 0 ? 0 : (double) fired[f] / tokens;
    }

    public double meanActivation(int f) {
        return fired[f] == 0 ? 0 : sum[f] / fired[f];
    }

    /** The feature's top hits, strongest first. */
    List<Hit> top(int f) {
        List<Hit> l = new ArrayList<>(top.get(f));
        l.sort((a, b) -> Float.compare(b.activation(), a.activation()));
        return l;
    }

    public int dSae() {
        return dSae;
    }
}
