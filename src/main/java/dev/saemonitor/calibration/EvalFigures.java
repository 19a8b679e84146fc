package dev.saemonitor.calibration;

import dev.saemonitor.scoring.Verdict;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Figures {@code eval} reads off verdicts, which the service's own scoring path produced. */
public final class EvalFigures {
    private EvalFigures() {
    }

    /** Share of texts labelled {@code category} whose verdict flags it. */
    public static double recall(List<EvalSets.EvalText> texts, List<Verdict> verdicts, String category) {
        return recall(texts, verdicts, category, false);
    }

    /** As {@link #recall(List, List, String)}; with {@code page}, flagged at the page point. */
    public static double recall(List<EvalSets.EvalText> texts, List<Verdict> verdicts, String category, boolean page) {
        return flaggedShare(texts, verdicts, category, t -> t.labels().contains(category), page);
    }

    /** Share of benign texts flagged in {@code category}. */
    public static double benignFpr(List<EvalSets.EvalText> texts, List<Verdict> verdicts, String category) {
        return benignFpr(texts, verdicts, category, false);
    }

    /** As {@link #benignFpr(List, List, String)}; with {@code page}, flagged at the page point. */
    public static double benignFpr(List<EvalSets.EvalText> texts, List<Verdict> verdicts, String category, boolean page) {
        return flaggedShare(texts, verdicts, category, EvalSets.EvalText::benign, page);
    }

    /** Share of the texts {@code counted} selects whose verdict flags {@code category}; NaN when it selects none. */
    private static double flaggedShare(List<EvalSets.EvalText> texts, List<Verdict> verdicts, String category,
                                       java.util.function.Predicate<EvalSets.EvalText> counted, boolean page) {
        int n = 0, hit = 0;
        for (int i = 0; i < texts.size(); i++) {
            if (counted.test(texts.get(i))) {
                n++;
                hit += flags(verdicts.get(i), category, page) ? 1 : 0;
            }
        }
        return n == 0 ? Double.NaN : (double) hit / n;
    }

    /** Share of benign texts (optionally only short or only longer ones) flagged in any category. */
    public static double unionFpr(List<EvalSets.EvalText> texts, List<Verdict> verdicts, Boolean shortOnly) {
        return unionFpr(texts, verdicts, shortOnly, false);
    }

    /** As {@link #unionFpr(List, List, Boolean)}; with {@code page}, flagged at the page point in any category. */
    public static double unionFpr(List<EvalSets.EvalText> texts, List<Verdict> verdicts, Boolean shortOnly, boolean page) {
        int n = 0, hit = 0;
        for (int i = 0; i < texts.size(); i++) {
            EvalSets.EvalText t = texts.get(i);
            if (t.benign() && (shortOnly == null || Calibrator.shortText(t.text()) == shortOnly)) {
                n++;
                boolean any = page ? verdicts.get(i).categories().stream().anyMatch(c -> "page".equals(c.point()))
                        : verdicts.get(i).flagged();
                hit += any ? 1 : 0;
            }
        }
        return n == 0 ? Double.NaN : (double) hit / n;
    }

    public static int benignCount(List<EvalSets.EvalText> texts, Boolean shortOnly) {
        return (int) texts.stream().filter(t -> t.benign() && (shortOnly == null || Calibrator.shortText(t.text()) == shortOnly)).count();
    }

    /**
     * Of embedded positives caught in {@code category}, the share whose strongest evidence for it lies inside
     * the inserted text.
     */
    public static double localisation(List<EvalSets.EvalText> texts, List<Verdict> verdicts, String category) {
        int caught = 0, inside = 0;
        for (int i = 0; i < texts.size(); i++) {
            EvalSets.EvalText t = texts.get(i);
            if (!t.labels().contains(category) || t.from() < 0 || !flags(verdicts.get(i), category)) {
                continue;
            }
            caught++;
            Verdict.Evidence top = verdicts.get(i).evidence().stream().filter(e -> e.category().equals(category))
                    .findFirst().orElse(null);
            if (top != null && top.span() != null && top.span().start() < t.to() && top.span().end() > t.from()) {
                inside++;
            }
        }
        return caught == 0 ? Double.NaN : (double) inside / caught;
    }

    /** The most frequent evidence labels over flagged categories of the verdicts, most frequent first. */
    public static List<Map<String, Object>> topEvidenceLabels(List<Verdict> verdicts, int n) {
        Map<String, Integer> counts = new HashMap<>();
        for (Verdict v : verdicts) {
            for (Verdict.Evidence e : v.evidence()) {
                if (flags(v, e.category())) {
                    counts.merge(e.label(), 1, Integer::sum);
                }
            }
        }
        List<Map.Entry<String, Integer>> es = new ArrayList<>(counts.entrySet());
        es.sort(Map.Entry.<String, Integer>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()));
        List<Map<String, Object>> out = new ArrayList<>();
        for (Map.Entry<String, Integer> e : es.subList(0, Math.min(n, es.size()))) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("label", e.getKey());
            m.put("count", e.getValue());
            out.add(m);
        }
        return out;
    }

    public static double[] scores(List<Verdict> verdicts, String category) {
        return verdicts.stream().mapToDouble(v -> v.categories().stream().filter(c -> c.name().equals(category))
                .mapToDouble(Verdict.CategoryScore::score).findFirst().orElse(0)).toArray();
    }

    static boolean flags(Verdict v, String category) {
        return flags(v, category, false);
    }

    /** Whether the verdict flags {@code category} (with {@code page}: at the page point). */
    static boolean flags(Verdict v, String category, boolean page) {
        return v.categories().stream().anyMatch(c -> c.name().equals(category)
                && (page ? "page".equals(c.point()) : c.flagged()));
    }
}
