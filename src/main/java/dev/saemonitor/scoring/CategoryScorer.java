package dev.saemonitor.scoring;

import dev.saemonitor.modelpack.Catalog;
import dev.saemonitor.modelpack.ModelPack;
import dev.saemonitor.sae.SparseCodes;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.IntFunction;

/**
 * Applies the catalog's heads to one text's sparse codes, segment by segment ({@link Segments}): per
 * segment, each head feature is pooled over the segment's tokens and
 * {@code score = sigmoid(bias + sum(weight * pooled))}; a category's text score is its maximum over
 * segments, flagged at the threshold. Evidence names the features that pushed the driving segment up most,
 * with the span of the token inside that segment where each fired most. The service, {@code score},
 * {@code calibrate} and {@code eval} all score through this class.
 */
public final class CategoryScorer {
    static final int EVIDENCE_PER_CATEGORY = 3;

    private final Catalog catalog;
    private final IntFunction<String> labelOf;
    private final int[] slotOf;
    private final int[] featureOfSlot;
    /** Per category, per head term: the term's slot. */
    private final int[][] termSlot;

    public CategoryScorer(ModelPack pack) {
        this(pack.catalog(), pack.sae().config().dSae(), pack::labelOf);
    }

    public CategoryScorer(Catalog catalog, int dSae, IntFunction<String> labelOf) {
        this.catalog = catalog;
        this.labelOf = labelOf;
        this.slotOf = new int[dSae];
        java.util.Arrays.fill(slotOf, -1);
        List<Integer> feats = new ArrayList<>();
        List<Catalog.Category> cats = catalog.categories();
        this.termSlot = new int[cats.size()][];
        for (int c = 0; c < cats.size(); c++) {
            List<Catalog.Feature> fs = cats.get(c).features();
            termSlot[c] = new int[fs.size()];
            for (int i = 0; i < fs.size(); i++) {
                int id = fs.get(i).id();
                if (id < 0 || id >= dSae) {
                    throw new IllegalArgumentException("category '" + cats.get(c).name() + "' uses feature " + id
                            + ", expected an id in [0, " + dSae + ")");
                }
                if (slotOf[id] < 0) {
                    slotOf[id] = feats.size();
                    feats.add(id);
                }
                termSlot[c][i] = slotOf[id];
            }
        }
        this.featureOfSlot = feats.stream().mapToInt(Integer::intValue).toArray();
    }

    /** Catalog features, in slot order. */
    public int[] catalogFeatures() {
        return featureOfSlot.clone();
    }

    public Catalog catalog() {
        return catalog;
    }

    /**
     * What scoring a text yields before the envelope (ids, pack, latency) is added. {@code rawScores} are
     * the unrounded category scores in catalog order (calibration chooses thresholds on them).
     */
    public record Scored(List<Verdict.CategoryScore> categories, List<Verdict.Evidence> evidence, boolean flagged,
                         String severity, int[] firedFeatures, double[] rawScores) {
    }

    /**
     * @param blockStarts  token indices (relative to {@code fromRow}) where a paragraph or message starts; null: one block
     * @param spans        maps a token index of this text to its span, or null when the text is not known
     * @param allEvidence  evidence and segment for every category, not only flagged ones
     */
    public Scored score(SparseCodes codes, int fromRow, int toRow, int[] blockStarts, SpanLookup spans,
                        boolean allEvidence) {
        int tokens = toRow - fromRow;
        List<Catalog.Category> cats = catalog.categories();
        List<Segments.Segment> segments = Segments.of(tokens, blockStarts, catalog.segmentation());
        double[] bestZ = new double[cats.size()];
        int[] bestSeg = new int[cats.size()];
        java.util.Arrays.fill(bestZ, Double.NEGATIVE_INFINITY);
        java.util.Arrays.fill(bestSeg, -1);
        Pooling.Pooled p = new Pooling.Pooled(featureOfSlot.length);
        for (int s = 0; s < segments.size(); s++) {
            Segments.Segment seg = segments.get(s);
            Pooling.poolInto(codes, fromRow + seg.from(), fromRow + seg.to(), slotOf, p);
            for (int c = 0; c < cats.size(); c++) {
                double z = logit(cats.get(c), termSlot[c], p);
                if (z > bestZ[c]) {
                    bestZ[c] = z;
                    bestSeg[c] = s;
                }
            }
        }
        List<Verdict.CategoryScore> scores = new ArrayList<>();
        List<Verdict.Evidence> evidence = new ArrayList<>();
        double[] raw = new double[cats.size()];
        Catalog.Severity top = null;
        for (int c = 0; c < cats.size(); c++) {
            Catalog.Category cat = cats.get(c);
            double score = bestSeg[c] < 0 ? 0.0 : Pooling.sigmoid(bestZ[c]);
            raw[c] = score;
            boolean flagged = bestSeg[c] >= 0 && score >= cat.threshold();
            Verdict.Span segSpan = null;
            if (bestSeg[c] >= 0 && (flagged || allEvidence)) {
                Segments.Segment seg = segments.get(bestSeg[c]);
                Pooling.poolInto(codes, fromRow + seg.from(), fromRow + seg.to(), slotOf, p);
                segSpan = spans == null ? null : new Verdict.Span(spans.span(seg.from()).start(), spans.span(seg.to() - 1).end());
                evidence.addAll(evidence(cat, termSlot[c], p, seg, spans));
            }
            scores.add(new Verdict.CategoryScore(cat.name(), round(score), cat.threshold(), flagged, segSpan));
            if (flagged && (top == null || cat.severity().atLeast(top))) {
                top = cat.severity();
            }
        }
        return new Scored(scores, evidence, top != null, top == null ? Verdict.NO_SEVERITY : top.name(),
                fired(codes, fromRow, toRow), raw);
    }

    /** A segment's logit under category {@code c}'s head; {@code slots[i]} is term i's slot in {@code p}. */
    public static double logit(Catalog.Category c, int[] slots, Pooling.Pooled p) {
        double z = c.bias();
        List<Catalog.Feature> fs = c.features();
        for (int i = 0; i < slots.length; i++) {
            Catalog.Feature f = fs.get(i);
            z += f.weight() * (f.pool() == Catalog.Pool.max ? p.max()[slots[i]] : p.mean()[slots[i]]);
        }
        return z;
    }

    private int[] fired(SparseCodes codes, int fromRow, int toRow) {
        boolean[] seen = new boolean[featureOfSlot.length];
        int n = 0;
        for (int i = codes.rowStart()[fromRow]; i < codes.rowStart()[toRow]; i++) {
            int f = codes.features()[i];
            int s = f < slotOf.length ? slotOf[f] : -1;
            if (s >= 0 && codes.values()[i] > 0 && !seen[s]) {
                seen[s] = true;
                n++;
            }
        }
        int[] out = new int[n];
        for (int s = 0, i = 0; s < seen.length; s++) {
            if (seen[s]) {
                out[i++] = featureOfSlot[s];
            }
        }
        return out;
    }

    private List<Verdict.Evidence> evidence(Catalog.Category c, int[] slots, Pooling.Pooled p, Segments.Segment seg,
                                            SpanLookup spans) {
        record Term(Catalog.Feature f, int slot, double contribution) {
        }
        List<Term> terms = new ArrayList<>();
        for (int i = 0; i < slots.length; i++) {
            Catalog.Feature f = c.features().get(i);
            double contribution = f.weight() * (f.pool() == Catalog.Pool.max ? p.max()[slots[i]] : p.mean()[slots[i]]);
            if (contribution > 0) {
                terms.add(new Term(f, slots[i], contribution));
            }
        }
        terms.sort(Comparator.comparingDouble(Term::contribution).reversed());
        List<Verdict.Evidence> out = new ArrayList<>();
        Set<Integer> seen = new HashSet<>();
        for (Term t : terms) {
            if (out.size() == EVIDENCE_PER_CATEGORY) {
                break;
            }
            if (!seen.add(t.f().id())) {
                continue;
            }
            int token = p.argmax()[t.slot()];
            Verdict.Span span = spans == null || token < 0 ? null : spans.span(seg.from() + token);
            out.add(new Verdict.Evidence(c.name(), t.f().id(), labelOf.apply(t.f().id()), round(p.max()[t.slot()]), span));
        }
        return out;
    }

    private static double round(double v) {
        return Math.round(v * 1e4) / 1e4;
    }

    /** Maps a token index within a text to its character span. */
    @FunctionalInterface
    public interface SpanLookup {
        Verdict.Span span(int token);
    }
}
