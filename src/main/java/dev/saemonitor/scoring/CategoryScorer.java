package dev.saemonitor.scoring;

import dev.saemonitor.modelpack.Catalog;
import dev.saemonitor.modelpack.ModelPack;
import dev.saemonitor.sae.SparseCodes;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Applies the catalog's heads to one text's sparse codes: pool each catalog feature over tokens,
 * {@code score = sigmoid(bias + sum(weight * pooled))}, flag at the threshold, and name as evidence the
 * features that pushed a flagged category up most, with the span of the token where each fired most.
 */
public final class CategoryScorer {
    static final int EVIDENCE_PER_CATEGORY = 3;

    private final Catalog catalog;
    private final int[] slotOf;
    private final int[] featureOfSlot;
    private final ModelPack pack;

    public CategoryScorer(ModelPack pack) {
        this.pack = pack;
        this.catalog = pack.catalog();
        int dSae = pack.sae().config().dSae();
        this.slotOf = new int[dSae];
        java.util.Arrays.fill(slotOf, -1);
        List<Integer> feats = new ArrayList<>();
        for (Catalog.Category c : catalog.categories()) {
            for (Catalog.Feature f : c.features()) {
                if (slotOf[f.id()] < 0) {
                    slotOf[f.id()] = feats.size();
                    feats.add(f.id());
                }
            }
        }
        this.featureOfSlot = feats.stream().mapToInt(Integer::intValue).toArray();
    }

    /** Catalog features, in slot order. */
    public int[] catalogFeatures() {
        return featureOfSlot.clone();
    }

    /** What scoring a text yields before the envelope (ids, pack, latency) is added. */
    public record Scored(List<Verdict.CategoryScore> categories, List<Verdict.Evidence> evidence, boolean flagged,
                         String severity, int[] firedFeatures) {
    }

    /**
     * @param spans        maps a token index of this text to its span, or null when the text is not known
     * @param allEvidence  evidence for every category, not only flagged ones
     */
    public Scored score(SparseCodes codes, int fromRow, int toRow, SpanLookup spans, boolean allEvidence) {
        int tokens = toRow - fromRow;
        Pooling.Pooled p = Pooling.pool(codes, fromRow, toRow, slotOf, featureOfSlot.length);
        List<Verdict.CategoryScore> scores = new ArrayList<>();
        List<Verdict.Evidence> evidence = new ArrayList<>();
        Catalog.Severity top = null;
        for (Catalog.Category c : catalog.categories()) {
            double z = c.bias();
            for (Catalog.Feature f : c.features()) {
                z += f.weight() * pooled(p, f);
            }
            double score = tokens == 0 ? 0.0 : Pooling.sigmoid(z);
            boolean flagged = tokens > 0 && score >= c.threshold();
            scores.add(new Verdict.CategoryScore(c.name(), round(score), c.threshold(), flagged));
            if (flagged && (top == null || c.severity().atLeast(top))) {
                top = c.severity();
            }
            if (tokens > 0 && (flagged || allEvidence)) {
                evidence.addAll(evidence(c, p, spans));
            }
        }
        int fired = 0;
        for (float m : p.max()) {
            if (m > 0) {
                fired++;
            }
        }
        int[] firedFeatures = new int[fired];
        for (int s = 0, i = 0; s < featureOfSlot.length; s++) {
            if (p.max()[s] > 0) {
                firedFeatures[i++] = featureOfSlot[s];
            }
        }
        return new Scored(scores, evidence, top != null, top == null ? Verdict.NO_SEVERITY : top.name(), firedFeatures);
    }

    private List<Verdict.Evidence> evidence(Catalog.Category c, Pooling.Pooled p, SpanLookup spans) {
        record Term(Catalog.Feature f, double contribution) {
        }
        List<Term> terms = new ArrayList<>();
        for (Catalog.Feature f : c.features()) {
            double contribution = f.weight() * pooled(p, f);
            if (contribution > 0) {
                terms.add(new Term(f, contribution));
            }
        }
        terms.sort(Comparator.comparingDouble(Term::contribution).reversed());
        List<Verdict.Evidence> out = new ArrayList<>();
        java.util.Set<Integer> seen = new java.util.HashSet<>();
        for (Term t : terms) {
            if (out.size() == EVIDENCE_PER_CATEGORY) {
                break;
            }
            if (!seen.add(t.f().id())) {
                continue;
            }
            int s = slotOf[t.f().id()];
            int token = p.argmax()[s];
            Verdict.Span span = spans == null || token < 0 ? null : spans.span(token);
            out.add(new Verdict.Evidence(c.name(), t.f().id(), pack.labelOf(t.f().id()), round(p.max()[s]), span));
        }
        return out;
    }

    private double pooled(Pooling.Pooled p, Catalog.Feature f) {
        int s = slotOf[f.id()];
        return f.pool() == Catalog.Pool.max ? p.max()[s] : p.mean()[s];
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
