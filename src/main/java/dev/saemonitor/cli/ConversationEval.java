package dev.saemonitor.cli;

import dev.saemonitor.calibration.ConversationFigures;
import dev.saemonitor.calibration.LabelledConversation;
import dev.saemonitor.conversation.ConversationScorer;
import dev.saemonitor.conversation.ConversationVerdict;
import dev.saemonitor.conversation.TurnFeatures;
import dev.saemonitor.modelpack.Catalog;
import dev.saemonitor.scoring.SafetyScorer;
import dev.saemonitor.scoring.ScoreRequest;
import dev.saemonitor.scoring.StageListener;
import dev.saemonitor.scoring.Verdict;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code eval} on conversation JSONL: every turn scored by {@link SafetyScorer#score} (the service's path, which
 * computes the turn's {@link TurnFeatures}), then every prefix by the pack's {@link ConversationScorer} and, beside
 * it, by the baseline (the same scorer over the catalog without its conversation section: the max of the turns'
 * event scores at the event thresholds).
 */
final class ConversationEval {
    private static final com.fasterxml.jackson.databind.ObjectMapper LINES = new com.fasterxml.jackson.databind.ObjectMapper();

    private ConversationEval() {
    }

    static Map<String, Object> run(SafetyScorer scorer, List<Path> files, int batch, Path scoresOut, PrintStream o)
            throws Exception {
        List<LabelledConversation> convs = ConversationFit.read(files);
        List<List<TurnFeatures>> turns = turns(scorer, convs, batch);
        Catalog catalog = scorer.pack().catalog();
        ConversationScorer head = scorer.conversationScorer();
        ConversationScorer baseline = new ConversationScorer(catalog.withConversation(null),
                scorer.pack().sae().config().dSae(), scorer.pack()::labelOf);
        List<ConversationFigures.Outcome> headOut = new ArrayList<>(), baseOut = new ArrayList<>();
        for (int k = 0; k < convs.size(); k++) {
            headOut.add(ConversationFigures.outcome(head, convs.get(k).conversationId(), turns.get(k), scorer.packRef()));
            baseOut.add(ConversationFigures.outcome(baseline, convs.get(k).conversationId(), turns.get(k), scorer.packRef()));
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("conversations", convs.size());
        out.put("turns", turns.stream().mapToInt(List::size).sum());
        out.put("window", catalog.conversation() == null ? null : catalog.conversation().window());
        out.put("conversationHead", catalog.conversation() != null);
        Map<String, Object> h = ConversationFigures.figures(head, convs, turns, headOut);
        Map<String, Object> b = ConversationFigures.figures(baseline, convs, turns, baseOut);
        out.put("head", h);
        out.put("baseline", b);
        table(o, catalog, h, b);
        if (scoresOut != null) {
            writeScores(scoresOut, headOut);
        }
        return out;
    }

    /** Every turn's features, from verdicts of the service's scoring path. */
    static List<List<TurnFeatures>> turns(SafetyScorer scorer, List<LabelledConversation> convs, int batch)
            throws Exception {
        List<ScoreRequest> reqs = new ArrayList<>();
        for (LabelledConversation c : convs) {
            for (int t = 0; t < c.turns().size(); t++) {
                reqs.add(new ScoreRequest(LabelledConversation.eventId(c, t), c.conversationId(), null,
                        c.turns().get(t).role(), c.turns().get(t).text(), null));
            }
        }
        Progress progress = new Progress(System.err, "turns", reqs.size());
        List<Verdict> verdicts = new ArrayList<>();
        for (int from = 0; from < reqs.size(); from += batch) {
            List<ScoreRequest> part = reqs.subList(from, Math.min(reqs.size(), from + batch));
            verdicts.addAll(scorer.score(part, false, StageListener.NONE));
            progress.add(part.size(), null);
        }
        progress.finish(null);
        List<List<TurnFeatures>> out = new ArrayList<>();
        int i = 0;
        for (LabelledConversation c : convs) {
            List<TurnFeatures> ts = new ArrayList<>();
            for (int t = 0; t < c.turns().size(); t++) {
                ts.add(verdicts.get(i++).turn());
            }
            out.add(ts);
        }
        return out;
    }

    @SuppressWarnings("unchecked")
    private static void table(PrintStream o, Catalog catalog, Map<String, Object> head, Map<String, Object> base) {
        o.printf("%-18s %-9s %5s %7s %9s %7s %7s %9s %7s%n", "conversations", "model", "pos", "AUROC", "recall@thr",
                "TPR@5%", "FPR@thr", "threshold", "quiet");
        for (Catalog.Category c : catalog.categories()) {
            for (var e : List.of(Map.entry("head", head), Map.entry("baseline", base))) {
                Map<String, Object> m = (Map<String, Object>) ((Map<String, Object>) e.getValue().get("categories")).get(c.name());
                o.printf("%-18s %-9s %5d %7.3f %9.3f %7.3f %7.3f %9.4f %7.3f%n", c.name(), e.getKey(), m.get("positives"),
                        m.get("auroc"), m.get("recall"), m.get("tprAt5pctFpr"), m.get("benignFpr"), m.get("threshold"),
                        m.get("quietRecall"));
            }
        }
        o.printf("benign conversations flagged in any category: head %.3f, baseline %.3f (of %d); by turns: head %s, baseline %s%n",
                head.get("unionBenignFpr"), base.get("unionBenignFpr"), head.get("benignConversations"),
                head.get("unionBenignFprByTurns"), base.get("unionBenignFprByTurns"));
        o.printf("positive conversations flagged in a label of theirs: head %.3f, baseline %.3f%n",
                head.get("recallAnyLabel"), base.get("recallAnyLabel"));
        o.printf("recall with thresholds chosen on these benign conversations for %.0f%% union FPR: head %s, baseline %s%n",
                100 * ConversationFigures.UNION_TARGET, head.get("atUnionTarget"), base.get("atUnionTarget"));
    }

    /** One line per conversation verdict (after each turn): the conversation's id, turn count and scores. */
    private static void writeScores(Path file, List<ConversationFigures.Outcome> outcomes) throws java.io.IOException {
        try (var w = Files.newBufferedWriter(file)) {
            for (ConversationFigures.Outcome o : outcomes) {
                for (ConversationVerdict v : o.verdicts()) {
                    Map<String, Object> line = new LinkedHashMap<>();
                    line.put("conversationId", v.conversationId());
                    line.put("turns", v.turns());
                    Map<String, Double> s = new LinkedHashMap<>();
                    v.categories().forEach(c -> s.put(c.name(), c.score()));
                    line.put("scores", s);
                    line.put("flagged", v.flagged());
                    w.write(LINES.writeValueAsString(line));
                    w.newLine();
                }
            }
        }
    }
}
