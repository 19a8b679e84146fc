package dev.saemonitor.feedback;

import dev.saemonitor.console.Feedback;
import dev.saemonitor.calibration.EncodedCorpus;
import dev.saemonitor.calibration.LabelledText;
import dev.saemonitor.calibration.ReviewThresholds;
import dev.saemonitor.modelpack.Catalog;
import dev.saemonitor.modelpack.ModelPack;
import dev.saemonitor.scoring.CategoryScorer;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code recalibrate}'s before/after figures: on the reviews (true positives still flagged, false positives still
 * flagged, precision among reviewed flags) and on a labelled dev split (recall, benign FPR, the share of benign texts
 * flagged in any category), each verdict's flags from {@link CategoryScorer}, the service's scoring, under the old and
 * the new catalog on the same encoded texts.
 */
public record ReviewReport(Map<String, Object> figures) {

    public static ReviewReport of(ModelPack pack, Catalog after, ReviewedSet set, EncodedCorpus reviewed,
                                  List<LabelledText> dev, EncodedCorpus devEnc, Map<String, ReviewThresholds.Choice> choices) {
        boolean[][][] rev = {flags(reviewed, pack.catalog(), pack), flags(reviewed, after, pack)};
        boolean[][][] dv = {flags(devEnc, pack.catalog(), pack), flags(devEnc, after, pack)};
        Map<String, Object> cats = new LinkedHashMap<>();
        List<Catalog.Category> oldCats = pack.catalog().categories();
        for (int c = 0; c < oldCats.size(); c++) {
            String name = oldCats.get(c).name();
            int[] tp = set.indices(name, Feedback.Label.true_positive);
            int[] fp = set.indices(name, Feedback.Label.false_positive);
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("thresholdBefore", oldCats.get(c).threshold());
            m.put("thresholdAfter", after.categories().get(c).threshold());
            m.put("truePositiveReviews", tp.length);
            m.put("falsePositiveReviews", fp.length);
            for (int k = 0; k < 2; k++) {
                String when = k == 0 ? "Before" : "After";
                int caught = count(rev[k][c], tp), falseFlags = count(rev[k][c], fp);
                m.put("reviewedTruePositivesFlagged" + when, caught);
                m.put("reviewedFalsePositivesFlagged" + when, falseFlags);
                m.put("reviewPrecision" + when, caught + falseFlags == 0 ? Double.NaN : (double) caught / (caught + falseFlags));
                m.put("devRecall" + when, share(dv[k][c], dev, t -> t.labels().contains(name)));
                m.put("devBenignFpr" + when, share(dv[k][c], dev, LabelledText::benign));
            }
            if (choices.containsKey(name)) {
                m.put("rule", "least falsePositivesFlagged + missCost * truePositivesMissed over the reviews");
            }
            cats.put(name, m);
        }
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("reviewedEvents", set.texts().size());
        f.put("reviewsWithoutText", set.noText());
        f.put("reviewsOfUnknownCategories", set.unknownCat());
        f.put("reviewsOfConversations", set.ofConversations());
        f.put("devTexts", dev.size());
        f.put("devUnionBenignFprBefore", union(dv[0], dev));
        f.put("devUnionBenignFprAfter", union(dv[1], dev));
        f.put("categories", cats);
        return new ReviewReport(f);
    }

    public void print(PrintWriter o, String oldVersion, String newVersion) {
        o.printf("%-18s %9s %9s %5s %5s %13s %13s %11s %11s%n", "category", "thr " + oldVersion, "thr " + newVersion,
                "TP", "FP", "TP flagged", "FP flagged", "dev recall", "dev FPR");
        @SuppressWarnings("unchecked")
        Map<String, Map<String, Object>> cats = (Map<String, Map<String, Object>>) figures.get("categories");
        cats.forEach((name, m) -> o.printf("%-18s %9.4f %9.4f %5d %5d %6d → %-4d %6d → %-4d %s %s%n", name,
                m.get("thresholdBefore"), m.get("thresholdAfter"), m.get("truePositiveReviews"), m.get("falsePositiveReviews"),
                m.get("reviewedTruePositivesFlaggedBefore"), m.get("reviewedTruePositivesFlaggedAfter"),
                m.get("reviewedFalsePositivesFlaggedBefore"), m.get("reviewedFalsePositivesFlaggedAfter"),
                arrow(m.get("devRecallBefore"), m.get("devRecallAfter")), arrow(m.get("devBenignFprBefore"), m.get("devBenignFprAfter"))));
        o.printf("dev benign texts flagged in any category: %s (%d dev texts); %d reviewed events, %d reviews without a text, "
                + "%d of unknown categories%n", arrow(figures.get("devUnionBenignFprBefore"), figures.get("devUnionBenignFprAfter")),
                figures.get("devTexts"), figures.get("reviewedEvents"), figures.get("reviewsWithoutText"),
                figures.get("reviewsOfUnknownCategories"));
    }

    private static String arrow(Object before, Object after) {
        return String.format("%.3f → %.3f", (Double) before, (Double) after);
    }

    /** {@code [category][text]}: whether the catalog flags the text in the category. */
    static boolean[][] flags(EncodedCorpus enc, Catalog catalog, ModelPack pack) {
        CategoryScorer s = CategoryScorer.of(catalog, pack);
        boolean[][] out = new boolean[catalog.categories().size()][enc.count()];
        for (int i = 0; i < enc.count(); i++) {
            var cs = enc.score(s, i).categories();
            for (int c = 0; c < cs.size(); c++) {
                out[c][i] = cs.get(c).flagged();
            }
        }
        return out;
    }

    private static int count(boolean[] flagged, int[] idx) {
        int n = 0;
        for (int i : idx) {
            n += flagged[i] ? 1 : 0;
        }
        return n;
    }

    private static double share(boolean[] flagged, List<LabelledText> dev, java.util.function.Predicate<LabelledText> counted) {
        int n = 0, hit = 0;
        for (int i = 0; i < dev.size(); i++) {
            if (counted.test(dev.get(i))) {
                n++;
                hit += flagged[i] ? 1 : 0;
            }
        }
        return n == 0 ? Double.NaN : (double) hit / n;
    }

    private static double union(boolean[][] flags, List<LabelledText> dev) {
        int n = 0, hit = 0;
        for (int i = 0; i < dev.size(); i++) {
            if (dev.get(i).benign()) {
                n++;
                boolean any = false;
                for (boolean[] f : flags) {
                    any |= f[i];
                }
                hit += any ? 1 : 0;
            }
        }
        return n == 0 ? Double.NaN : (double) hit / n;
    }
}
