package dev.saemonitor.publish;

import dev.saemonitor.scoring.Verdict;
import java.util.List;

/**
 * The review queue's rule: a category whose score falls in {@code [threshold - band, threshold)} is uncertain
 * enough for a second look (a person in the console, an LLM guard). A flagged category is not in the band.
 */
public final class ReviewBand {
    private ReviewBand() {
    }

    /** The categories of {@code v} in the band below their thresholds, in verdict order; none when {@code band <= 0}. */
    public static List<String> categoriesIn(Verdict v, double band) {
        if (band <= 0 || v.categories() == null) {
            return List.of();
        }
        return v.categories().stream()
                .filter(c -> !c.flagged() && c.score() < c.threshold() && c.score() >= c.threshold() - band)
                .map(Verdict.CategoryScore::name).toList();
    }
}
