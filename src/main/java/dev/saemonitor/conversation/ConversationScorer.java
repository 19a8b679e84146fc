package dev.saemonitor.conversation;

import dev.saemonitor.modelpack.Catalog;
import dev.saemonitor.sae.SparseCodes;
import dev.saemonitor.scoring.CategoryScorer;
import dev.saemonitor.scoring.Pooling;
import dev.saemonitor.scoring.Segments;
import dev.saemonitor.scoring.Verdict;
import java.util.ArrayList;
import java.util.List;

/**
 * Scores a conversation from the {@link TurnFeatures} of its recent turns. The one implementation the
 * service (conversation state), {@code calibrate} and {@code eval} use.
 *
 * <p>Today: a category's conversation score is the maximum of its turns' event scores, flagged at the
 * event threshold (a conversation flags when one of its turns does). The conversation head (features
 * pooled across turns, so harm split over turns adds up) plugs in here.
 */
public final class ConversationScorer {
    private final Catalog catalog;
    /** Conversation-head features, ascending; their slot is their index. */
    private final int[] headFeatures;
    private final int[] slotOf;

    public ConversationScorer(Catalog catalog, int dSae) {
        this.catalog = catalog;
        this.headFeatures = new int[0];
        this.slotOf = new int[dSae];
        java.util.Arrays.fill(slotOf, -1);
        for (int i = 0; i < headFeatures.length; i++) {
            slotOf[headFeatures[i]] = i;
        }
    }

    /**
     * One turn's features from its codes, rows {@code [fromRow, toRow)}, segmented as the event heads are;
     * {@code scored} is the event scoring of the same rows.
     */
    public TurnFeatures turn(String eventId, String role, long timeMs, SparseCodes codes, int fromRow, int toRow,
                             int[] blockStarts, CategoryScorer.Scored scored) {
        float[] best = new float[headFeatures.length];
        if (headFeatures.length > 0) {
            Pooling.Pooled p = new Pooling.Pooled(headFeatures.length);
            for (Segments.Segment seg : Segments.of(toRow - fromRow, blockStarts, catalog.segmentation())) {
                Pooling.poolInto(codes, fromRow + seg.from(), fromRow + seg.to(), slotOf, p);
                for (int s = 0; s < best.length; s++) {
                    best[s] = Math.max(best[s], p.mean()[s]);
                }
            }
        }
        int n = 0;
        for (float v : best) {
            n += v > 0 ? 1 : 0;
        }
        int[] ids = new int[n];
        float[] vals = new float[n];
        for (int s = 0, i = 0; s < best.length; s++) {
            if (best[s] > 0) {
                ids[i] = headFeatures[s];
                vals[i++] = best[s];
            }
        }
        return new TurnFeatures(eventId, role, timeMs, toRow - fromRow, scored.rawScores().clone(), ids, vals,
                scored.evidence());
    }

    /** The conversation verdict over {@code turns} (oldest first); {@code turnCount} counts every turn seen. */
    public ConversationVerdict score(String conversationId, int turnCount, List<TurnFeatures> turns,
                                     Verdict.PackRef pack) {
        List<Catalog.Category> cats = catalog.categories();
        List<ConversationVerdict.Category> out = new ArrayList<>(cats.size());
        List<ConversationVerdict.Evidence> evidence = new ArrayList<>();
        Catalog.Severity top = null;
        for (int c = 0; c < cats.size(); c++) {
            Catalog.Category cat = cats.get(c);
            double best = 0;
            TurnFeatures driver = null;
            for (TurnFeatures t : turns) {
                if (c < t.eventScores().length && t.eventScores()[c] >= best) {
                    best = t.eventScores()[c];
                    driver = t;
                }
            }
            boolean flagged = driver != null && best >= cat.threshold();
            out.add(new ConversationVerdict.Category(cat.name(), Math.round(best * 1e4) / 1e4, cat.threshold(), flagged));
            if (flagged) {
                for (Verdict.Evidence e : driver.evidence() == null ? List.<Verdict.Evidence>of() : driver.evidence()) {
                    if (e.category().equals(cat.name())) {
                        evidence.add(new ConversationVerdict.Evidence(driver.eventId(), e.category(), e.feature(),
                                e.label(), e.activation(), e.span()));
                    }
                }
                if (top == null || cat.severity().atLeast(top)) {
                    top = cat.severity();
                }
            }
        }
        String last = turns.isEmpty() ? null : turns.get(turns.size() - 1).eventId();
        return new ConversationVerdict(conversationId, turnCount, last, top != null,
                top == null ? Verdict.NO_SEVERITY : top.name(), out, evidence, pack);
    }
}
