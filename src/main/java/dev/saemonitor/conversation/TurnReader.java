package dev.saemonitor.conversation;

import dev.saemonitor.modelpack.Catalog;
import dev.saemonitor.sae.SparseCodes;
import dev.saemonitor.scoring.CategoryScorer;
import dev.saemonitor.scoring.Pooling;
import dev.saemonitor.scoring.Segments;
import dev.saemonitor.scoring.Verdict;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * What conversation state keeps of one turn ({@link TurnFeatures}), read from the turn's sparse codes beside its
 * event verdict: the conversation features' turn values and, with a conversation section, the event heads' best
 * segment terms for {@link Reassembly}. Part of {@link ConversationScorer}, which owns the feature slots.
 */
final class TurnReader {
    private final Catalog catalog;
    private final int[] turnFeatures;
    private final int[] slotOf;
    private final Reassembly reassembly;

    TurnReader(Catalog catalog, int[] turnFeatures, int[] slotOf, Reassembly reassembly) {
        this.catalog = catalog;
        this.turnFeatures = turnFeatures;
        this.slotOf = slotOf;
        this.reassembly = reassembly;
    }

    /**
     * One turn's features from its codes, rows {@code [fromRow, toRow)}, segmented as the event heads are: a
     * feature's turn value is its largest segment mean, a segment shorter than the segment width being averaged
     * over the width (a rolling mean over a fixed window);
     * {@code scored} is the event scoring of the same rows, {@code spans} maps a token of the turn to its span
     * (null: no spans).
     */
    TurnFeatures read(String eventId, String role, long timeMs, SparseCodes codes, int fromRow, int toRow,
                             int[] blockStarts, CategoryScorer.Scored scored, CategoryScorer.SpanLookup spans) {
        float[] best = new float[turnFeatures.length];
        int[] bestToken = new int[turnFeatures.length];
        if (turnFeatures.length > 0) {
            Pooling.Pooled p = new Pooling.Pooled(turnFeatures.length);
            int width = catalog.segmentation() == null ? 1 : catalog.segmentation().width();
            for (Segments.Segment seg : Segments.of(toRow - fromRow, blockStarts, catalog.segmentation())) {
                Pooling.poolInto(codes, fromRow + seg.from(), fromRow + seg.to(), slotOf, p);
                // a segment shorter than the width counts as if padded with silent tokens: the mean of a
                // one-word message would otherwise be its one token's activation, and max-pooled across turns
                // every "thanks" would look like a whole sentence about thanking
                float scale = (float) seg.length() / Math.max(width, seg.length());
                for (int s = 0; s < best.length; s++) {
                    float v = p.mean()[s] * scale;
                    if (v > best[s]) {
                        best[s] = v;
                        bestToken[s] = seg.from() + p.argmax()[s];
                    }
                }
            }
        }
        int n = 0;
        for (float v : best) {
            n += v > 0 ? 1 : 0;
        }
        int[] ids = new int[n];
        float[] vals = new float[n];
        List<Verdict.Span> where = spans == null ? null : new ArrayList<>(n);
        for (int s = 0, i = 0; s < best.length; s++) {
            if (best[s] > 0) {
                ids[i] = turnFeatures[s];
                vals[i++] = best[s];
                if (where != null) {
                    where.add(spans.span(bestToken[s]));
                }
            }
        }
        if (catalog.conversation() == null) {
            // the baseline reads event scores only: no segment terms to keep (nor to pay for on every event)
            return new TurnFeatures(eventId, role, timeMs, toRow - fromRow, scored.rawScores().clone(), ids, vals,
                    scored.evidence(), where, null, null, null);
        }
        Reassembly.Best seg = reassembly.best(codes, fromRow, toRow, blockStarts, spans, scored);
        return new TurnFeatures(eventId, role, timeMs, toRow - fromRow, scored.rawScores().clone(), ids, vals,
                scored.evidence(), where, seg.terms(), seg.tokens(), spans == null ? null : Arrays.asList(seg.spans()));
    }

}
