package dev.saemonitor.calibration;

import dev.saemonitor.modelpack.Catalog;
import dev.saemonitor.scoring.Pooling;
import dev.saemonitor.scoring.Segments;
import java.util.ArrayList;
import java.util.List;

/**
 * One category's training rows: segments of the calibration texts, cut by {@link Segments} exactly as the
 * service cuts them. A segment of a bare positive is positive; a segment of an embedded positive is positive
 * when at least half of it (or of the inserted part, when that is shorter) is the inserted text, negative when
 * it lies wholly in the benign context, and left out in between. Segments of benign texts are negatives, and
 * so are other categories' positives unless {@code benignOnly}; a long negative text gives at most
 * {@link #NEGATIVE_SEGMENTS_PER_TEXT} evenly spaced segments.
 *
 * @param text     calibration text of each row
 * @param from     first code row (absolute, in the corpus' stacked codes)
 * @param to       end code row
 * @param benign   the row comes from benign text (a benign text or an embedded positive's context)
 */
public record SegmentExamples(int[] text, int[] from, int[] to, boolean[] positive, boolean[] benign, int[] group) {
    /** Most training segments drawn from one negative text (its windows overlap; more adds cost, not information). */
    static final int NEGATIVE_SEGMENTS_PER_TEXT = 8;

    public int size() {
        return text.length;
    }

    public int positives() {
        int n = 0;
        for (boolean p : positive) {
            n += p ? 1 : 0;
        }
        return n;
    }

    public static SegmentExamples of(EncodedCorpus enc, List<CalibrationText> texts, String category,
                                     Catalog.Segmentation seg, boolean benignOnly) {
        return of(enc, texts, category, seg, benignOnly, NEGATIVE_SEGMENTS_PER_TEXT);
    }

    /** As {@link #of(EncodedCorpus, List, String, Catalog.Segmentation, boolean)}, with {@code negativeCap} segments at most per negative text. */
    public static SegmentExamples of(EncodedCorpus enc, List<CalibrationText> texts, String category,
                                     Catalog.Segmentation seg, boolean benignOnly, int negativeCap) {
        List<int[]> rows = new ArrayList<>();
        for (int i = 0; i < texts.size(); i++) {
            CalibrationText t = texts.get(i);
            if (t == null) {
                continue; // left out by the caller
            }
            boolean pos = t.labels().contains(category);
            if (!pos && !t.benign() && benignOnly) {
                continue;
            }
            int[] inserted = pos && t.embedded() ? enc.tokenRange(i, t.insertFrom(), t.insertTo()) : null;
            if (pos && t.embedded() && inserted == null) {
                continue;
            }
            int base = enc.firstRow()[i];
            List<Segments.Segment> segs = Segments.of(enc.tokens(i), enc.blockStarts()[i], seg);
            // a long negative text's overlapping windows say nearly the same thing: keep evenly spaced ones
            double step = pos ? 1 : Math.max(1, (double) segs.size() / negativeCap);
            for (double at = 0; at < segs.size(); at += step) {
                Segments.Segment s = segs.get((int) at);
                int label; // 1 positive, 0 negative, -1 left out
                boolean fromBenign = t.benign();
                if (!pos) {
                    label = 0;
                } else if (inserted == null) {
                    label = 1;
                } else {
                    int ov = Math.max(0, Math.min(s.to(), inserted[1]) - Math.max(s.from(), inserted[0]));
                    int need = Math.min(s.length(), inserted[1] - inserted[0]);
                    label = ov * 2 >= need ? 1 : ov == 0 ? 0 : -1;
                    fromBenign = ov == 0;
                }
                if (label >= 0) {
                    rows.add(new int[] {i, base + s.from(), base + s.to(), label, fromBenign ? 1 : 0, t.group()});
                }
            }
        }
        int n = rows.size();
        int[] text = new int[n], from = new int[n], to = new int[n], group = new int[n];
        boolean[] positive = new boolean[n], benign = new boolean[n];
        for (int r = 0; r < n; r++) {
            int[] row = rows.get(r);
            text[r] = row[0];
            from[r] = row[1];
            to[r] = row[2];
            positive[r] = row[3] == 1;
            benign[r] = row[4] == 1;
            group[r] = row[5];
        }
        return new SegmentExamples(text, from, to, positive, benign, group);
    }

    /**
     * The design matrix over {@code columns} (column {@code c < d_sae}: feature c max-pooled over the segment,
     * else feature {@code c - d_sae} mean-pooled), pooled through the service's {@link Pooling}.
     */
    public double[][] design(EncodedCorpus enc, int[] columns) {
        int dSae = enc.dSae();
        int[] slotOf = new int[dSae];
        java.util.Arrays.fill(slotOf, -1);
        int slots = 0;
        for (int c : columns) {
            int f = c % dSae;
            if (slotOf[f] < 0) {
                slotOf[f] = slots++;
            }
        }
        Pooling.Pooled p = new Pooling.Pooled(slots);
        double[][] x = new double[size()][columns.length];
        for (int r = 0; r < size(); r++) {
            Pooling.poolInto(enc.codes(), from[r], to[r], slotOf, p);
            for (int j = 0; j < columns.length; j++) {
                int s = slotOf[columns[j] % dSae];
                x[r][j] = columns[j] < dSae ? p.max()[s] : p.mean()[s];
            }
        }
        return x;
    }
}
