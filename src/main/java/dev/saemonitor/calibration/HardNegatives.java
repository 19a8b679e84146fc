package dev.saemonitor.calibration;

import dev.saemonitor.modelpack.Catalog;
import dev.saemonitor.scoring.Pooling;
import dev.saemonitor.scoring.Segments;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Hard-negative mining for a max-over-segments score. A negative text's score is its <em>highest</em> segment's,
 * but {@link SegmentExamples} trains on a few evenly spaced segments of it, which are mostly easy. After a first
 * fit, every segment of every negative text is scored with the head, and each text's top-scoring segments that
 * are not rows yet join the training rows as negatives; the head is then fitted again. What sets a benign text's
 * score is what the head learns to push down.
 */
final class HardNegatives {
    private HardNegatives() {
    }

    /**
     * {@code ex} plus, per negative text, its {@code perText} highest-scoring segments under {@code head} (whose
     * columns index {@code candidates}) that are not already rows.
     */
    static SegmentExamples mine(SegmentExamples ex, EncodedCorpus enc, List<CalibrationText> texts, String category,
                                Catalog.Segmentation seg, boolean benignOnly, int[] candidates, HeadFitter.Head head,
                                int perText) {
        int dSae = enc.dSae();
        int[] cols = new int[head.columns().length];
        int[] slotOf = new int[dSae];
        java.util.Arrays.fill(slotOf, -1);
        int slots = 0;
        for (int j = 0; j < cols.length; j++) {
            cols[j] = candidates[head.columns()[j]];
            if (slotOf[cols[j] % dSae] < 0) {
                slotOf[cols[j] % dSae] = slots++;
            }
        }
        Set<Long> present = new HashSet<>();
        for (int r = 0; r < ex.size(); r++) {
            present.add(((long) ex.from()[r] << 32) | ex.to()[r]);
        }
        Pooling.Pooled p = new Pooling.Pooled(slots);
        List<int[]> extra = new ArrayList<>();
        for (int i = 0; i < texts.size(); i++) {
            CalibrationText t = texts.get(i);
            if (t.labels().contains(category) || (benignOnly && !t.benign())) {
                continue;
            }
            int base = enc.firstRow()[i];
            List<Segments.Segment> segs = Segments.of(enc.tokens(i), enc.blockStarts()[i], seg);
            double[] score = new double[segs.size()];
            for (int s = 0; s < segs.size(); s++) {
                Pooling.poolInto(enc.codes(), base + segs.get(s).from(), base + segs.get(s).to(), slotOf, p);
                double z = head.bias();
                for (int j = 0; j < cols.length; j++) {
                    int sl = slotOf[cols[j] % dSae];
                    z += head.weights()[j] * (cols[j] < dSae ? p.max()[sl] : p.mean()[sl]);
                }
                score[s] = z;
            }
            Integer[] order = java.util.stream.IntStream.range(0, segs.size()).boxed()
                    .sorted((a, b) -> Double.compare(score[b], score[a])).toArray(Integer[]::new);
            int added = 0;
            for (int o = 0; o < order.length && added < perText; o++) {
                Segments.Segment s = segs.get(order[o]);
                if (present.add(((long) (base + s.from()) << 32) | (base + s.to()))) {
                    extra.add(new int[] {i, base + s.from(), base + s.to(), t.benign() ? 1 : 0, t.group()});
                    added++;
                }
            }
        }
        int n = ex.size(), m = extra.size();
        int[] text = java.util.Arrays.copyOf(ex.text(), n + m), from = java.util.Arrays.copyOf(ex.from(), n + m);
        int[] to = java.util.Arrays.copyOf(ex.to(), n + m), group = java.util.Arrays.copyOf(ex.group(), n + m);
        boolean[] positive = java.util.Arrays.copyOf(ex.positive(), n + m), benign = java.util.Arrays.copyOf(ex.benign(), n + m);
        for (int e = 0; e < m; e++) {
            int[] row = extra.get(e);
            text[n + e] = row[0];
            from[n + e] = row[1];
            to[n + e] = row[2];
            benign[n + e] = row[3] == 1;
            group[n + e] = row[4];
        }
        return new SegmentExamples(text, from, to, positive, benign, group);
    }
}
