package dev.saemonitor.calibration;

import dev.saemonitor.scoring.CategoryScorer;
import dev.saemonitor.scoring.Verdict;
import java.util.ArrayList;
import java.util.List;

/**
 * Verdicts for texts already run through the reader and SAE ({@link EncodedCorpus}), scored by the service's
 * {@link CategoryScorer}: the same segments, heads and thresholds as {@code SafetyScorer.score}, without paying
 * for the reader again. {@code eval --text-cache} uses it so that re-calibrated catalogs on the same reader and
 * SAE are evaluated in seconds; the reader is the only stage it skips.
 */
public final class CachedVerdicts {
    private CachedVerdicts() {
    }

    /** Verdicts of texts {@code [from, to)} of {@code enc}, in order. */
    public static List<Verdict> of(EncodedCorpus enc, int from, int to, CategoryScorer scorer, Verdict.PackRef pack) {
        List<Verdict> out = new ArrayList<>(to - from);
        for (int i = from; i < to; i++) {
            CategoryScorer.Scored s = enc.score(scorer, i);
            out.add(new Verdict("eval-" + (i - from), null, null, null, s.flagged(), s.severity(), s.categories(),
                    s.evidence(), pack, 0, enc.tokens(i), 0, s.firedFeatures(), null));
        }
        return out;
    }
}
