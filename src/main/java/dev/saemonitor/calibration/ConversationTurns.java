package dev.saemonitor.calibration;

import dev.saemonitor.conversation.ConversationScorer;
import dev.saemonitor.conversation.TurnFeatures;
import dev.saemonitor.modelpack.Catalog;
import dev.saemonitor.scoring.CategoryScorer;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * The {@link TurnFeatures} of every turn of labelled conversations, computed from encoded turn texts exactly as
 * the service computes them beside each event verdict: {@link CategoryScorer} for the event scores, then
 * {@link ConversationScorer#turn}. {@code enc} holds the turns' texts in {@link LabelledConversation#turnTexts}
 * order.
 */
public final class ConversationTurns {
    private ConversationTurns() {
    }

    public static List<List<TurnFeatures>> of(List<LabelledConversation> conversations, EncodedCorpus enc,
                                              CategoryScorer events, ConversationScorer conversation) {
        List<List<TurnFeatures>> out = new ArrayList<>(conversations.size());
        int i = 0;
        for (LabelledConversation c : conversations) {
            List<TurnFeatures> turns = new ArrayList<>(c.turns().size());
            for (int t = 0; t < c.turns().size(); t++, i++) {
                CategoryScorer.Scored scored = enc.score(events, i);
                turns.add(conversation.turn(LabelledConversation.eventId(c, t), c.turns().get(t).role(), 0L,
                        enc.codes(), enc.firstRow()[i], enc.firstRow()[i + 1], enc.blockStarts()[i], scored,
                        enc.spanLookup(i)));
            }
            out.add(turns);
        }
        if (i != enc.count()) {
            throw new IllegalArgumentException("encoded " + enc.count() + " texts for " + i + " turns");
        }
        return out;
    }

    /**
     * A conversation's paging score per category: the maximum over its prefixes (one verdict per turn, as the
     * service publishes them) of the conversation score, so a conversation counts as flagged when any of its
     * verdicts flagged.
     */
    public static double[] pagingScores(ConversationScorer scorer, List<TurnFeatures> turns) {
        return maxOverPrefixes(scorer, turns, scorer::rawScores);
    }

    /** As {@link #pagingScores}, of the heads' own scores ({@link ConversationScorer#headScores}). */
    public static double[] pagingHeadScores(ConversationScorer scorer, List<TurnFeatures> turns) {
        return maxOverPrefixes(scorer, turns, scorer::headScores);
    }

    /**
     * Per category, whether a turn of the conversation reaches the category's event threshold: such a conversation
     * flags whatever its head says (every turn is in the window of the verdict published after it).
     */
    public static boolean[] eventFlags(Catalog catalog, List<TurnFeatures> turns) {
        List<Catalog.Category> cats = catalog.categories();
        boolean[] out = new boolean[cats.size()];
        for (int c = 0; c < cats.size(); c++) {
            out[c] = !ConversationFigures.quiet(turns, c, cats.get(c).threshold());
        }
        return out;
    }

    private static double[] maxOverPrefixes(ConversationScorer scorer, List<TurnFeatures> turns,
                                            Function<List<TurnFeatures>, double[]> score) {
        double[] best = null;
        for (int t = 1; t <= turns.size(); t++) {
            double[] s = score.apply(turns.subList(0, t));
            if (best == null) {
                best = s;
            } else {
                for (int c = 0; c < s.length; c++) {
                    best[c] = Math.max(best[c], s[c]);
                }
            }
        }
        return best == null ? new double[scorer.catalog().categories().size()] : best;
    }
}
