package dev.saemonitor.conversation;

import dev.saemonitor.modelpack.Catalog;
import dev.saemonitor.scoring.Verdict;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.function.IntFunction;

/**
 * Why a conversation verdict flagged a category, named by event id and span (never text): the conversation
 * head's features, the event-head terms of the turns joined across, then the driving turn's own event evidence.
 */
final class ConversationEvidence {
    static final int EVIDENCE_PER_CATEGORY = 3;

    private final Catalog catalog;
    private final Catalog.ConversationHead[] heads;
    private final int[][] termSlot;
    private final IntFunction<String> labelOf;

    ConversationEvidence(Catalog catalog, Catalog.ConversationHead[] heads, int[][] termSlot, IntFunction<String> labelOf) {
        this.catalog = catalog;
        this.heads = heads;
        this.termSlot = termSlot;
        this.labelOf = labelOf;
    }

    /**
     * Why category {@code c} flagged: the head features that pushed the score up most, each in the turn where
     * it was strongest; then the event evidence of the turn with the largest event score (all of it for the
     * baseline).
     */
    List<ConversationVerdict.Evidence> of(int c, List<TurnFeatures> turns, ConversationScorer.Pooled p) {
        String name = catalog.categories().get(c).name();
        List<ConversationVerdict.Evidence> out = new ArrayList<>();
        if (heads[c] != null) {
            record Term(Catalog.ConversationFeature f, int slot, double contribution) {
            }
            List<Term> terms = new ArrayList<>();
            List<Catalog.ConversationFeature> fs = heads[c].features();
            for (int i = 0; i < fs.size(); i++) {
                double contribution = fs.get(i).weight() * p.value()[termSlot[c][i]];
                if (contribution > 0 && p.turnOf()[termSlot[c][i]] >= 0) {
                    terms.add(new Term(fs.get(i), termSlot[c][i], contribution));
                }
            }
            terms.sort(Comparator.comparingDouble(Term::contribution).reversed());
            for (Term t : terms.subList(0, Math.min(EVIDENCE_PER_CATEGORY, terms.size()))) {
                TurnFeatures turn = turns.get(p.turnOf()[t.slot()]);
                int i = Arrays.binarySearch(turn.features(), t.f().id());
                out.add(new ConversationVerdict.Evidence(turn.eventId(), name, t.f().id(), labelOf.apply(t.f().id()),
                        Math.round(p.value()[t.slot()] * 1e4) / 1e4, i >= 0 ? turn.span(i) : null));
            }
        }
        // joined-turn evidence reads the event head's sparse terms; a readout category's terms are its projection, so
        // its evidence is the driving turn's own (exact) evidence below
        if (heads[c] != null && out.size() < EVIDENCE_PER_CATEGORY && p.joinedTurns()[c] != null
                && catalog.categories().get(c).readout() == null) {
            out.addAll(joinedEvidence(c, turns, p.joinedTurns()[c], EVIDENCE_PER_CATEGORY - out.size()));
        }
        // the baseline names all of the driving turn's evidence; a head only fills up to its evidence count
        int limit = heads[c] == null ? Integer.MAX_VALUE : EVIDENCE_PER_CATEGORY;
        TurnFeatures driver = turns.get(p.eventTurn()[c]);
        if (driver.evidence() != null) {
            for (Verdict.Evidence e : driver.evidence()) {
                if (e.category().equals(name) && out.size() < limit) {
                    out.add(new ConversationVerdict.Evidence(driver.eventId(), e.category(), e.feature(), e.label(),
                            e.activation(), e.span()));
                }
            }
        }
        return out;
    }

    /**
     * The event-head terms that pushed the joined segment up most, each in the joined turn where its value was
     * largest, with the span of that turn's best segment.
     */
    private List<ConversationVerdict.Evidence> joinedEvidence(int c, List<TurnFeatures> turns, int[] joined, int n) {
        Catalog.Category cat = catalog.categories().get(c);
        record Term(int feature, int turn, float value, double contribution) {
        }
        List<Term> terms = new ArrayList<>();
        for (int i = 0; i < cat.features().size(); i++) {
            Catalog.Feature f = cat.features().get(i);
            int bestTurn = -1;
            float best = 0;
            for (int t : joined) {
                if (Reassembly.hasSegment(turns.get(t), c) && turns.get(t).segmentTerms()[c][i] > best) {
                    best = turns.get(t).segmentTerms()[c][i];
                    bestTurn = t;
                }
            }
            if (bestTurn >= 0 && f.weight() * best > 0) {
                terms.add(new Term(f.id(), bestTurn, best, f.weight() * best));
            }
        }
        terms.sort(Comparator.comparingDouble(Term::contribution).reversed());
        List<ConversationVerdict.Evidence> out = new ArrayList<>();
        java.util.Set<Integer> seen = new java.util.HashSet<>();
        for (Term t : terms) {
            if (out.size() == n) {
                break;
            }
            if (seen.add(t.feature())) {
                TurnFeatures turn = turns.get(t.turn());
                out.add(new ConversationVerdict.Evidence(turn.eventId(), cat.name(), t.feature(), labelOf.apply(t.feature()),
                        Math.round(t.value() * 1e4) / 1e4, turn.segmentSpan(c)));
            }
        }
        return out;
    }

}
