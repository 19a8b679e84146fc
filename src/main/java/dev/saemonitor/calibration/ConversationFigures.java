package dev.saemonitor.calibration;

import dev.saemonitor.conversation.ConversationScorer;
import dev.saemonitor.conversation.ConversationVerdict;
import dev.saemonitor.conversation.TurnFeatures;
import dev.saemonitor.modelpack.Catalog;
import dev.saemonitor.scoring.Verdict;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.IntStream;

/**
 * Conversation-level figures {@code eval} reads off the conversation verdicts {@link ConversationScorer}
 * publishes after every turn. A conversation counts as flagged in a category when any of its verdicts flagged
 * it (what pages); its score is the largest of its verdicts' scores.
 */
public final class ConversationFigures {
    private ConversationFigures() {
    }

    /** One scorer's outcome on one conversation, per category in catalog order. */
    public record Outcome(double[] score, boolean[] flagged, boolean anyFlagged, List<ConversationVerdict> verdicts) {
    }

    /** Scores {@code turns} one prefix at a time, as conversation state does after each event. */
    public static Outcome outcome(ConversationScorer scorer, String conversationId, List<TurnFeatures> turns,
                                  Verdict.PackRef pack) {
        int nCats = scorer.catalog().categories().size();
        boolean[] flagged = new boolean[nCats];
        boolean any = false;
        List<ConversationVerdict> verdicts = new ArrayList<>();
        for (int t = 1; t <= turns.size(); t++) {
            ConversationVerdict v = scorer.score(conversationId, t, turns.subList(0, t), pack);
            verdicts.add(v);
            any |= v.flagged();
            for (int c = 0; c < nCats; c++) {
                flagged[c] |= v.categories().get(c).flagged();
            }
        }
        return new Outcome(ConversationTurns.pagingScores(scorer, turns), flagged, any, verdicts);
    }

    /**
     * Per category: AUROC of the conversation score (negatives: conversations without the label), recall at the
     * threshold, TPR at 1%/5% FPR, benign-conversation FPR, and recall on "quiet" positives (no turn of which
     * crosses its event threshold for the category); then the union benign FPR overall and by turn count.
     */
    public static Map<String, Object> figures(ConversationScorer scorer, List<LabelledConversation> convs,
                                              List<List<TurnFeatures>> turns, List<Outcome> outcomes) {
        List<Catalog.Category> cats = scorer.catalog().categories();
        List<LabelledText> labels = convs.stream().map(c -> new LabelledText("", c.labels())).toList();
        Map<String, Object> perCat = new LinkedHashMap<>();
        for (int c = 0; c < cats.size(); c++) {
            String name = cats.get(c).name();
            int cc = c;
            double[] s = outcomes.stream().mapToDouble(o -> o.score()[cc]).toArray();
            DetectorMetrics m = DetectorMetrics.of(s, labels, name, scorer.threshold(c));
            int pos = 0, hit = 0, quiet = 0, quietHit = 0, benign = 0, benignHit = 0;
            for (int k = 0; k < convs.size(); k++) {
                boolean f = outcomes.get(k).flagged()[c];
                if (convs.get(k).labels().contains(name)) {
                    pos++;
                    hit += f ? 1 : 0;
                    if (quiet(turns.get(k), c, cats.get(c).threshold())) {
                        quiet++;
                        quietHit += f ? 1 : 0;
                    }
                } else if (convs.get(k).benign()) {
                    benign++;
                    benignHit += f ? 1 : 0;
                }
            }
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("positives", pos);
            out.put("auroc", m.auroc());
            out.put("threshold", scorer.threshold(c));
            out.put("recall", rate(hit, pos));
            out.put("benignFpr", rate(benignHit, benign));
            out.put("tprAt1pctFpr", m.tprAt1pctFpr());
            out.put("tprAt5pctFpr", m.tprAt5pctFpr());
            out.put("quietPositives", quiet);
            out.put("quietRecall", rate(quietHit, quiet));
            perCat.put(name, out);
        }
        Map<String, Object> fig = new LinkedHashMap<>();
        fig.put("categories", perCat);
        int benign = 0, flagged = 0, pos = 0, caught = 0;
        Map<Integer, int[]> byTurns = new TreeMap<>();
        for (int k = 0; k < convs.size(); k++) {
            boolean any = outcomes.get(k).anyFlagged();
            if (convs.get(k).benign()) {
                benign++;
                flagged += any ? 1 : 0;
                int[] b = byTurns.computeIfAbsent(convs.get(k).turns().size(), n -> new int[2]);
                b[0]++;
                b[1] += any ? 1 : 0;
            } else {
                pos++;
                caught += labelledFlag(convs.get(k), outcomes.get(k), cats) ? 1 : 0;
            }
        }
        fig.put("benignConversations", benign);
        fig.put("unionBenignFpr", rate(flagged, benign));
        Map<String, Object> bt = new LinkedHashMap<>();
        byTurns.forEach((n, b) -> bt.put(n + "turns", Map.of("conversations", b[0], "unionFpr", rate(b[1], b[0]))));
        fig.put("unionBenignFprByTurns", bt);
        fig.put("positiveConversations", pos);
        fig.put("recallAnyLabel", rate(caught, pos));
        fig.put("atUnionTarget", atUnionTarget(cats, convs, outcomes, UNION_TARGET));
        return fig;
    }

    /** The union benign FPR at which detectors are also compared on the evaluated data itself. */
    public static final double UNION_TARGET = 0.05;

    /**
     * The detector's operating point had its thresholds been chosen on these benign conversations (jointly, for
     * a union FPR of {@code target}): per category the recall there. Compares detectors apart from how well their
     * calibrated thresholds carried over; it is not a held-out figure.
     */
    static Map<String, Object> atUnionTarget(List<Catalog.Category> cats, List<LabelledConversation> convs,
                                             List<Outcome> outcomes, double target) {
        int[] benign = IntStream.range(0, convs.size()).filter(k -> convs.get(k).benign()).toArray();
        double[][] b = new double[cats.size()][benign.length];
        for (int c = 0; c < cats.size(); c++) {
            for (int e = 0; e < benign.length; e++) {
                b[c][e] = outcomes.get(benign[e]).score()[c];
            }
        }
        JointThresholds.Result thr = JointThresholds.choose(b, target);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("unionFpr", thr.unionFpr());
        for (int c = 0; c < cats.size(); c++) {
            String name = cats.get(c).name();
            int cc = c;
            double[] pos = IntStream.range(0, convs.size()).filter(k -> convs.get(k).labels().contains(name))
                    .mapToDouble(k -> outcomes.get(k).score()[cc]).toArray();
            out.put(name, RocMath.rateAtOrAbove(pos, thr.thresholds()[c]));
        }
        return out;
    }

    /** Whether no turn's event score reaches the event threshold of category {@code c}. */
    static boolean quiet(List<TurnFeatures> turns, int c, double eventThreshold) {
        return turns.stream().allMatch(t -> c >= t.eventScores().length || t.eventScores()[c] < eventThreshold);
    }

    /** Flagged in at least one of the conversation's own labels. */
    static boolean labelledFlag(LabelledConversation conv, Outcome o, List<Catalog.Category> cats) {
        for (int c = 0; c < cats.size(); c++) {
            if (conv.labels().contains(cats.get(c).name()) && o.flagged()[c]) {
                return true;
            }
        }
        return false;
    }

    private static double rate(int hit, int n) {
        return n == 0 ? Double.NaN : (double) hit / n;
    }
}
