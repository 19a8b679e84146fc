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
import java.util.function.IntPredicate;

/**
 * Applies the catalog's heads to one text, segment by segment ({@link Segments}); a category's text score is its
 * maximum over segments. A readout category (packs 0.6 on) scores {@code sigmoid(bias + w . mean activation)} per
 * segment ({@link Readouts}) and explains the driving segment exactly with the SAE's codes: the features with the
 * largest contributions as evidence, the rest, the bias and the reconstruction error, adding up to the logit; it
 * flags at the review point and says when it also crossed the page point. A sparse-head category pools each head
 * feature over the segment, {@code sigmoid(bias + sum(weight * pooled))}, and names the features that pushed the
 * driving segment up most. Evidence spans are the token inside the segment where each feature fired most. The
 * service, {@code score}, {@code calibrate} and {@code eval} all score through this class.
 */
public final class CategoryScorer {
    static final int EVIDENCE_PER_CATEGORY = 3;
    /** Features listed per readout category; the rest are summed as {@code other}. */
    static final int READOUT_EVIDENCE = 5;

    private final Catalog catalog;
    /** The catalog's readouts with the SAE decoder folded in; null for a sparse-head catalog. */
    private final Readouts readouts;
    private final IntPredicate generic;
    /** Whether some category is a sparse head (a readout never reads the pooled features of its catalog entry). */
    private final boolean anySparse;
    private final IntFunction<String> labelOf;
    private final int[] slotOf;
    private final int[] featureOfSlot;
    /** Per category, per head term: the term's slot. */
    private final int[][] termSlot;

    public CategoryScorer(ModelPack pack) {
        this(pack.catalog(), pack.sae().config().dSae(), pack::labelOf, readouts(pack.catalog(), pack), generic(pack));
    }

    /** Features whose card calls them generic (no distinctive contexts): never listed as evidence of a readout. */
    static IntPredicate generic(ModelPack pack) {
        return id -> pack.card(id).map(c -> c.generic() && !c.manual()).orElse(false);
    }

    /** A sparse-head scorer (a catalog with readouts needs {@link #CategoryScorer(Catalog, int, IntFunction, Readouts)}). */
    public CategoryScorer(Catalog catalog, int dSae, IntFunction<String> labelOf) {
        this(catalog, dSae, labelOf, null);
    }

    /** A scorer of {@code catalog} (another catalog than the pack's, e.g. while calibrating) over the pack's SAE. */
    public static CategoryScorer of(Catalog catalog, ModelPack pack) {
        return new CategoryScorer(catalog, pack.sae().config().dSae(), pack::labelOf, readouts(catalog, pack), generic(pack));
    }

    /** The catalog's readouts with the pack's SAE decoder folded in, or null when it has none. */
    public static Readouts readouts(Catalog catalog, ModelPack pack) {
        Readouts r = Readouts.of(catalog);
        if (r == null) {
            return null;
        }
        return r.withSae(loadedSae(pack));
    }

    /** The pack's SAE weights, loaded from its files when the pack was loaded header-only. */
    public static dev.saemonitor.modelpack.SaeWeights loadedSae(ModelPack pack) {
        return pack.sae().isLoaded() ? pack.sae()
                : dev.saemonitor.modelpack.SaeWeights.load(pack.dir().resolve(pack.manifest().sae().path()));
    }

    /**
     * @param readouts the catalog's readouts with the SAE folded in ({@link Readouts#withSae}); null when no
     *                 category has one
     */
    public CategoryScorer(Catalog catalog, int dSae, IntFunction<String> labelOf, Readouts readouts) {
        this(catalog, dSae, labelOf, readouts, id -> false);
    }

    /**
     * @param generic features never listed as a readout's evidence (their contributions count in {@code other}):
     *                those whose feature card finds nothing distinctive, which tell a reviewer nothing
     */
    public CategoryScorer(Catalog catalog, int dSae, IntFunction<String> labelOf, Readouts readouts, IntPredicate generic) {
        this.generic = generic;
        if (readouts == null && Readouts.of(catalog) != null) {
            throw new IllegalArgumentException("the catalog has readouts: give them with the SAE folded in");
        }
        this.readouts = readouts;
        this.catalog = catalog;
        this.anySparse = catalog.categories().stream().anyMatch(c -> c.readout() == null);
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
                         String severity, int[] firedFeatures, double[] rawScores, double[] logits,
                         Segments.Segment[] bestSegments) {
        /** The segment that gave category {@code c} its score (null: the text has no tokens). */
        public Segments.Segment bestSegment(int c) {
            return bestSegments[c];
        }
    }

    /** The readouts this scorer applies (null: sparse heads only). */
    public Readouts readouts() {
        return readouts;
    }

    /** As {@link #score(SparseCodes, int, int, int[], SpanLookup, boolean, Readouts.TextLogits)} for a sparse-head catalog. */
    public Scored score(SparseCodes codes, int fromRow, int toRow, int[] blockStarts, SpanLookup spans,
                        boolean allEvidence) {
        return score(codes, fromRow, toRow, blockStarts, spans, allEvidence, null);
    }

    /**
     * @param blockStarts  token indices (relative to {@code fromRow}) where a paragraph or message starts; null: one block
     * @param spans        maps a token index of this text to its span, or null when the text is not known
     * @param allEvidence  evidence and segment for every category, not only flagged ones
     * @param logits       the text's readout logits per segment ({@link Readouts#fromTokens}); null without readouts
     */
    public Scored score(SparseCodes codes, int fromRow, int toRow, int[] blockStarts, SpanLookup spans,
                        boolean allEvidence, Readouts.TextLogits logits) {
        int tokens = toRow - fromRow;
        List<Catalog.Category> cats = catalog.categories();
        List<Segments.Segment> segments = Segments.of(tokens, blockStarts, catalog.segmentation());
        if (readouts != null && logits == null) {
            throw new IllegalArgumentException("a readout catalog needs the text's readout logits");
        }
        double[] bestZ = new double[cats.size()];
        int[] bestSeg = new int[cats.size()];
        java.util.Arrays.fill(bestZ, Double.NEGATIVE_INFINITY);
        java.util.Arrays.fill(bestSeg, -1);
        Pooling.Pooled p = new Pooling.Pooled(featureOfSlot.length);
        for (int s = 0; s < segments.size(); s++) {
            Segments.Segment seg = segments.get(s);
            if (anySparse && featureOfSlot.length > 0) {
                Pooling.poolInto(codes, fromRow + seg.from(), fromRow + seg.to(), slotOf, p);
            }
            for (int c = 0; c < cats.size(); c++) {
                double z = readouts != null && readouts.has(c) ? logits.logit(c, s, seg)
                        : logit(cats.get(c), termSlot[c], p);
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
            boolean paged = flagged && cat.pageThreshold() != null && score >= cat.pageThreshold();
            Verdict.Span segSpan = null;
            Verdict.Explanation explanation = null;
            if (bestSeg[c] >= 0 && (flagged || allEvidence)) {
                Segments.Segment seg = segments.get(bestSeg[c]);
                segSpan = spans == null ? null : new Verdict.Span(spans.span(seg.from()).start(), spans.span(seg.to() - 1).end());
                if (readouts != null && readouts.has(c)) {
                    Readouts.Contributions k = readouts.contributions(c, codes, fromRow + seg.from(), fromRow + seg.to(),
                            bestZ[c] - readouts.bias(c));
                    explanation = explain(cat, k, seg, spans, evidence);
                } else {
                    Pooling.poolInto(codes, fromRow + seg.from(), fromRow + seg.to(), slotOf, p);
                    evidence.addAll(evidence(cat, termSlot[c], p, seg, spans));
                }
            }
            Catalog.Severity severity = severityOf(cat, flagged, paged);
            String point = !flagged || cat.pageThreshold() == null ? null : paged ? "page" : "review";
            scores.add(cat.readout() == null && cat.pageThreshold() == null
                    ? new Verdict.CategoryScore(cat.name(), round(score), cat.threshold(), flagged, segSpan)
                    : new Verdict.CategoryScore(cat.name(), round(score), cat.threshold(), flagged, segSpan,
                            bestSeg[c] < 0 ? null : bestZ[c], point,
                            new Verdict.Thresholds(cat.threshold(), cat.pageThreshold()), explanation));
            if (severity != null && (top == null || severity.atLeast(top))) {
                top = severity;
            }
        }
        Segments.Segment[] best = new Segments.Segment[cats.size()];
        for (int c = 0; c < cats.size(); c++) {
            best[c] = bestSeg[c] < 0 ? null : segments.get(bestSeg[c]);
        }
        return new Scored(scores, evidence, top != null, top == null ? Verdict.NO_SEVERITY : top.name(),
                fired(codes, fromRow, toRow), raw, bestZ, best);
    }

    /**
     * A flagged category's severity: with two operating points, critical at the page point (Alertmanager) and
     * warning at the review point (review queue, not paged); with one, the catalog's severity. Null when not flagged.
     */
    static Catalog.Severity severityOf(Catalog.Category cat, boolean flagged, boolean paged) {
        if (!flagged) {
            return null;
        }
        if (cat.pageThreshold() == null) {
            return cat.severity();
        }
        return paged ? Catalog.Severity.critical : Catalog.Severity.warning;
    }

    /** The severity of a flagged category score: by its operating point when it has one, else the catalog's. */
    public static String severityOf(Verdict.CategoryScore c, String catalogSeverity) {
        if (c.point() == null) {
            return catalogSeverity;
        }
        return "page".equals(c.point()) ? Catalog.Severity.critical.name() : Catalog.Severity.warning.name();
    }

    /** Evidence of a readout category: the strongest positive contributions, the rest summed as {@code other}. */
    private Verdict.Explanation explain(Catalog.Category cat, Readouts.Contributions k, Segments.Segment seg,
                                        SpanLookup spans, List<Verdict.Evidence> out) {
        Integer[] order = new Integer[k.features().length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        java.util.Arrays.sort(order, (a, b) -> Double.compare(k.contribution()[b], k.contribution()[a]));
        double listed = 0;
        int n = 0;
        for (int j = 0; j < order.length && n < READOUT_EVIDENCE; j++) {
            int i = order[j];
            if (k.contribution()[i] <= 0) {
                break;
            }
            int f = k.features()[i];
            if (generic.test(f)) {
                continue;
            }
            n++;
            Verdict.Span span = spans == null ? null : spans.span(seg.from() + k.argmax()[i]);
            out.add(new Verdict.Evidence(cat.name(), f, labelOf.apply(f), round(k.maxActivation()[i]), span,
                    k.contribution()[i]));
            listed += k.contribution()[i];
        }
        return new Verdict.Explanation(k.bias(), k.featureSum() - listed, k.error());
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
