package dev.saemonitor.conversation;

import dev.saemonitor.modelpack.Catalog;
import dev.saemonitor.sae.SparseCodes;
import dev.saemonitor.scoring.CategoryScorer;
import dev.saemonitor.scoring.Pooling;
import dev.saemonitor.scoring.Segments;
import dev.saemonitor.scoring.Verdict;
import java.util.Arrays;
import java.util.List;

/**
 * The event heads applied across turns, so a request cut into parts is scored as if it were whole. Per turn and
 * category the turn keeps its best segment (the one that gave its event score) as the head sees it: each term's
 * pooled value and the segment's token count. A set of turns is then scored as one virtual segment made of their
 * best segments: a max-pooled term takes the largest of the turns' values, a mean-pooled term their token-weighted
 * mean, and the head's own formula ({@link CategoryScorer#logit}) gives the logit. A set of one turn gives exactly
 * the turn's event logit, so the largest logit over sets of up to {@code maxParts} turns is never below the
 * largest event logit.
 */
final class Reassembly {
    private final List<Catalog.Category> categories;
    private final Catalog.Segmentation segmentation;
    private final int[] slotOf;
    private final int[][] termSlot;
    private final int slots;

    Reassembly(Catalog catalog, int dSae) {
        this.categories = catalog.categories();
        this.segmentation = catalog.segmentation();
        this.slotOf = new int[dSae];
        Arrays.fill(slotOf, -1);
        int n = 0;
        this.termSlot = new int[categories.size()][];
        for (int c = 0; c < categories.size(); c++) {
            List<Catalog.Feature> fs = categories.get(c).features();
            termSlot[c] = new int[fs.size()];
            for (int i = 0; i < fs.size(); i++) {
                int id = fs.get(i).id();
                if (slotOf[id] < 0) {
                    slotOf[id] = n++;
                }
                termSlot[c][i] = slotOf[id];
            }
        }
        this.slots = n;
    }

    /** Per category: the best segment's term values (term order), its tokens, its span (null without spans). */
    record Best(float[][] terms, int[] tokens, Verdict.Span[] spans) {
    }

    /**
     * As {@link #best(SparseCodes, int, int, int[], CategoryScorer.SpanLookup)}; a readout category's best segment is
     * the one scoring chose ({@code scored}) and its one term the segment's mean projection (logit minus bias), so a
     * set of turns joins by the token-weighted mean of their projections.
     */
    Best best(SparseCodes codes, int fromRow, int toRow, int[] blockStarts, CategoryScorer.SpanLookup spans,
              CategoryScorer.Scored scored) {
        Best b = best(codes, fromRow, toRow, blockStarts, spans);
        for (int c = 0; c < categories.size(); c++) {
            Catalog.Readout r = categories.get(c).readout();
            Segments.Segment seg = scored.bestSegment(c);
            if (r == null) {
                continue;
            }
            b.terms()[c] = new float[] {seg == null ? 0f : (float) (scored.logits()[c] - r.bias())};
            b.tokens()[c] = seg == null ? 0 : seg.length();
            b.spans()[c] = seg == null || spans == null ? null
                    : new Verdict.Span(spans.span(seg.from()).start(), spans.span(seg.to() - 1).end());
        }
        return b;
    }

    Best best(SparseCodes codes, int fromRow, int toRow, int[] blockStarts, CategoryScorer.SpanLookup spans) {
        int nCats = categories.size();
        float[][] terms = new float[nCats][];
        int[] tokens = new int[nCats];
        Verdict.Span[] where = new Verdict.Span[nCats];
        double[] bestZ = new double[nCats];
        Arrays.fill(bestZ, Double.NEGATIVE_INFINITY);
        Pooling.Pooled p = new Pooling.Pooled(slots);
        for (Segments.Segment seg : Segments.of(toRow - fromRow, blockStarts, segmentation)) {
            Pooling.poolInto(codes, fromRow + seg.from(), fromRow + seg.to(), slotOf, p);
            for (int c = 0; c < nCats; c++) {
                double z = CategoryScorer.logit(categories.get(c), termSlot[c], p);
                if (z > bestZ[c]) {
                    bestZ[c] = z;
                    terms[c] = termValues(c, p);
                    tokens[c] = seg.length();
                    where[c] = spans == null ? null : new Verdict.Span(spans.span(seg.from()).start(), spans.span(seg.to() - 1).end());
                }
            }
        }
        for (int c = 0; c < nCats; c++) {
            if (terms[c] == null) {
                terms[c] = new float[termSlot[c].length];
            }
        }
        return new Best(terms, tokens, where);
    }

    private float[] termValues(int c, Pooling.Pooled p) {
        List<Catalog.Feature> fs = categories.get(c).features();
        float[] v = new float[fs.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = fs.get(i).pool() == Catalog.Pool.max ? p.max()[termSlot[c][i]] : p.mean()[termSlot[c][i]];
        }
        return v;
    }

    /** The best set of turns for a category: its logit and the turns (indices into the list given). */
    record Joined(double logit, int[] turns) {
    }

    /**
     * The largest logit of category {@code c} over sets of 1..{@code maxParts} turns among {@code turns[from..]}
     * (turns without a best segment for it, e.g. empty ones, are skipped); null when there is none.
     */
    Joined join(int c, List<TurnFeatures> turns, int from, int maxParts) {
        int[] usable = java.util.stream.IntStream.range(from, turns.size())
                .filter(t -> hasSegment(turns.get(t), c)).toArray();
        if (usable.length == 0) {
            return null;
        }
        Pooling.Pooled p = new Pooling.Pooled(slots);
        Joined[] best = {null};
        int[] chosen = new int[Math.min(maxParts, usable.length)];
        search(c, turns, usable, 0, chosen, 0, p, best);
        return best[0];
    }

    private void search(int c, List<TurnFeatures> turns, int[] usable, int start, int[] chosen, int size,
                        Pooling.Pooled p, Joined[] best) {
        for (int u = start; u < usable.length; u++) {
            chosen[size] = usable[u];
            double z = logit(c, turns, chosen, size + 1, p);
            if (best[0] == null || z > best[0].logit()) {
                best[0] = new Joined(z, Arrays.copyOf(chosen, size + 1));
            }
            if (size + 1 < chosen.length) {
                search(c, turns, usable, u + 1, chosen, size + 1, p, best);
            }
        }
    }

    private double logit(int c, List<TurnFeatures> turns, int[] chosen, int n, Pooling.Pooled p) {
        Catalog.Readout r = categories.get(c).readout();
        if (r != null) {
            double weighted = 0, tokens = 0;
            for (int k = 0; k < n; k++) {
                TurnFeatures t = turns.get(chosen[k]);
                weighted += (double) t.segmentTokens()[c] * t.segmentTerms()[c][0];
                tokens += t.segmentTokens()[c];
            }
            return r.bias() + (tokens > 0 ? weighted / tokens : 0);
        }
        List<Catalog.Feature> fs = categories.get(c).features();
        for (int i = 0; i < fs.size(); i++) {
            double max = 0, weighted = 0, tokens = 0;
            for (int k = 0; k < n; k++) {
                TurnFeatures t = turns.get(chosen[k]);
                float v = t.segmentTerms()[c][i];
                max = Math.max(max, v);
                weighted += (double) t.segmentTokens()[c] * v;
                tokens += t.segmentTokens()[c];
            }
            int s = termSlot[c][i];
            if (fs.get(i).pool() == Catalog.Pool.max) {
                p.max()[s] = (float) max;
            } else {
                p.mean()[s] = (float) (tokens > 0 ? weighted / tokens : 0);
            }
        }
        return CategoryScorer.logit(categories.get(c), termSlot[c], p);
    }

    static boolean hasSegment(TurnFeatures t, int c) {
        return t.segmentTerms() != null && c < t.segmentTerms().length && t.segmentTokens()[c] > 0;
    }
}
