package dev.saemonitor.calibration;

import dev.saemonitor.modelpack.Catalog;
import dev.saemonitor.modelpack.ModelPack;
import dev.saemonitor.scoring.CategoryScorer;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Turns encoded calibration texts into catalog heads trained for the aggregation they are scored with:
 * per category, a sparse head on segment rows ({@link SegmentExamples}, {@link ColumnScreen},
 * {@link HeadFitter}); then every text is scored out-of-fold <em>as the service scores it</em> (the same
 * {@link CategoryScorer}: segments, max over segments) by heads fitted without its fold, and the thresholds
 * are chosen together on the benign texts so that the share flagged in any category meets the target
 * ({@link JointThresholds}).
 */
public final class Calibrator {
    private final Options options;

    /**
     * @param maxFeatures    most features per head
     * @param topN           candidate columns per head after screening
     * @param maxBenignShare a feature firing in more benign segments than this may not enter a head
     * @param targetFpr      share of benign events flagged in any category
     * @param perGroupFpr    the target holds separately for short messages, single texts and joined texts
     * @param hardNegatives  after a first fit, each negative text's this many top-scoring segments join the rows
     *                       ({@link HardNegatives}) and the head is fitted again; 0: no mining
     * @param recallSplit    split the union budget between categories for the most mean recall
     *                       ({@link JointThresholds#chooseForRecall}) instead of the same per-category FPR
     */
    public record Options(Catalog.Segmentation segmentation, int maxFeatures, int topN, double maxBenignShare,
                          double targetFpr, boolean benignOnly, boolean perGroupFpr, int hardNegatives,
                          boolean recallSplit) {
        /** Whole-pool union target (the 0.3.0 behaviour). */
        public Options(Catalog.Segmentation segmentation, int maxFeatures, int topN, double maxBenignShare,
                       double targetFpr, boolean benignOnly) {
            this(segmentation, maxFeatures, topN, maxBenignShare, targetFpr, benignOnly, false, 0, false);
        }
    }

    public Calibrator(Options options) {
        this.options = options;
    }

    /** The catalog and what calibration measured (for eval.json). */
    public record Result(Catalog catalog, Map<String, Object> metrics) {
    }

    private record Fitted(String name, HeadFitter.Head head, int[] candidates, ColumnScreen screen,
                          List<HeadFitter.Head> foldHeads, SegmentExamples examples) {
    }

    public Result calibrate(ModelPack pack, EncodedCorpus enc, List<CalibrationText> texts, List<String> categories,
                            String dataName, Consumer<String> log) {
        HeadFitter fitter = new HeadFitter(options.maxFeatures());
        List<Fitted> fitted = new ArrayList<>();
        boolean[] generic = new boolean[enc.dSae()];
        for (int f = 0; f < generic.length; f++) {
            generic[f] = pack.card(f).map(c -> c.generic() && !c.manual()).orElse(false);
        }
        for (String cat : categories) {
            SegmentExamples ex = SegmentExamples.of(enc, texts, cat, options.segmentation(), options.benignOnly());
            int nPos = ex.positives();
            if (nPos < 3 || nPos == ex.size()) {
                throw new IllegalArgumentException("category '" + cat + "' has " + nPos + " positive segments among "
                        + ex.size() + "; need at least 3 and some negatives");
            }
            ColumnScreen screen = ColumnScreen.of(enc, ex, options.maxBenignShare(), options.topN(),
                    options.maxBenignShare() >= 1 ? null : generic);
            double[][] x0 = ex.design(enc, screen.columns());
            HeadFitter.Head head = fitter.fit(x0, ex.positive(), ex.group());
            if (options.hardNegatives() > 0) {
                ex = HardNegatives.mine(ex, enc, texts, cat, options.segmentation(), options.benignOnly(),
                        screen.columns(), head, options.hardNegatives());
                x0 = ex.design(enc, screen.columns());
                head = fitter.fit(x0, ex.positive(), ex.group());
            }
            double[][] x = x0;
            SegmentExamples exf = ex;
            List<HeadFitter.Head> folds = new ArrayList<>();
            for (int f = 0; f < HeadFitter.FOLDS; f++) {
                int ff = f;
                int[] train = java.util.stream.IntStream.range(0, exf.size()).filter(i -> HeadFitter.fold(exf.group()[i]) != ff).toArray();
                double[][] xt = java.util.Arrays.stream(train).mapToObj(i -> x[i]).toArray(double[][]::new);
                boolean[] yt = new boolean[train.length];
                for (int i = 0; i < train.length; i++) {
                    yt[i] = exf.positive()[train[i]];
                }
                folds.add(HeadFitter.refit(xt, yt, head.c(), head.columns()));
            }
            fitted.add(new Fitted(cat, head, screen.columns(), screen, folds, exf));
            log.accept(cat + ": " + ex.size() + " segments (" + nPos + " positive), " + screen.columns().length
                    + " candidates, " + head.columns().length + " features, C " + head.c() + ", segment CV AUROC "
                    + String.format("%.3f", head.cvAuroc()));
        }
        // every text scored out-of-fold, through the service's scorer
        double[][] oof = new double[fitted.size()][texts.size()];
        for (int f = 0; f < HeadFitter.FOLDS; f++) {
            List<Catalog.Category> cats = new ArrayList<>();
            for (Fitted fi : fitted) {
                cats.add(category(pack, fi, fi.foldHeads().get(f), 1.0, enc, texts, dataName, 0));
            }
            CategoryScorer scorer = new CategoryScorer(new Catalog(options.segmentation(), cats), enc.dSae(), pack::labelOf);
            for (int i = 0; i < texts.size(); i++) {
                if (HeadFitter.fold(texts.get(i).group()) == f) {
                    double[] raw = enc.score(scorer, i).rawScores();
                    for (int c = 0; c < raw.length; c++) {
                        oof[c][i] = raw[c];
                    }
                }
            }
        }
        int[] benignIdx = java.util.stream.IntStream.range(0, texts.size()).filter(i -> texts.get(i).benign()).toArray();
        int[] eventGroup = java.util.Arrays.stream(benignIdx).map(i -> eventGroup(texts.get(i))).toArray();
        double[][] benign = new double[fitted.size()][benignIdx.length];
        for (int c = 0; c < fitted.size(); c++) {
            for (int e = 0; e < benignIdx.length; e++) {
                benign[c][e] = oof[c][benignIdx[e]];
            }
        }
        int[] groups = options.perGroupFpr() ? eventGroup : new int[eventGroup.length];
        JointThresholds.Result thr = options.recallSplit()
                ? JointThresholds.chooseForRecall(benign, groups, options.targetFpr(), positiveScores(oof, texts, categories))
                : JointThresholds.choose(benign, groups, options.targetFpr());
        Catalog.Segmentation seg = options.segmentation();
        List<Catalog.Category> out = new ArrayList<>();
        Map<String, Object> perCat = new LinkedHashMap<>();
        for (int c = 0; c < fitted.size(); c++) {
            Fitted fi = fitted.get(c);
            out.add(category(pack, fi, fi.head(), thr.thresholds()[c], enc, texts, dataName, benignIdx.length));
            perCat.put(fi.name(), measured(fi, oof[c], texts, thr.thresholds()[c], thr.fpr()[c]));
        }
        Map<String, Object> metrics = new LinkedHashMap<>();
        metrics.put("segmentation", seg);
        metrics.put("benignEvents", benignIdx.length);
        metrics.put("cvUnionBenignFpr", thr.unionFpr());
        metrics.put("cvUnionFprShortTexts", unionOn(benign, thr.thresholds(), benignIdx, texts, true));
        metrics.put("cvUnionFprLongTexts", unionOn(benign, thr.thresholds(), benignIdx, texts, false));
        metrics.put("cvUnionFprConcatenations", unionOnGroup(benign, thr.thresholds(), eventGroup, 2));
        metrics.put("perCategoryFprBudget", thr.perCategoryFpr());
        metrics.put("categories", perCat);
        return new Result(new Catalog(seg, out), metrics);
    }

    private static double[][] positiveScores(double[][] oof, List<CalibrationText> texts, List<String> categories) {
        double[][] out = new double[categories.size()][];
        for (int c = 0; c < out.length; c++) {
            String cat = categories.get(c);
            double[] s = oof[c];
            out[c] = java.util.stream.IntStream.range(0, texts.size()).filter(i -> texts.get(i).labels().contains(cat))
                    .mapToDouble(i -> s[i]).toArray();
        }
        return out;
    }

    /** Benign event group for the thresholds: 0 a short chat message, 1 one answer or document, 2 several joined. */
    static int eventGroup(CalibrationText t) {
        return t.kind() == CalibrationText.Kind.BENIGN_CONCAT ? 2 : shortText(t.text()) ? 0 : 1;
    }

    private static double unionOnGroup(double[][] benign, double[] thr, int[] groupOf, int g) {
        double[][][] groups = JointThresholds.split(benign, groupOf);
        return g < groups.length && groups[g][0].length > 0 ? JointThresholds.unionFpr(groups[g], thr) : Double.NaN;
    }

    /** A text of at most five words: a chat message such as a greeting or an acknowledgement. */
    public static boolean shortText(String text) {
        return text.strip().split("\\s+").length <= 5;
    }

    private static double unionOn(double[][] benign, double[] thr, int[] idx, List<CalibrationText> texts, boolean shortOnes) {
        List<Integer> keep = new ArrayList<>();
        for (int e = 0; e < idx.length; e++) {
            if (shortText(texts.get(idx[e]).text()) == shortOnes) {
                keep.add(e);
            }
        }
        double[][] sub = new double[benign.length][keep.size()];
        for (int c = 0; c < benign.length; c++) {
            for (int j = 0; j < keep.size(); j++) {
                sub[c][j] = benign[c][keep.get(j)];
            }
        }
        return keep.isEmpty() ? Double.NaN : JointThresholds.unionFpr(sub, thr);
    }

    /** A category's out-of-fold scores split into bare positives, embedded positives and benign texts. */
    record Split(double[] bare, double[] embedded, double[] benign) {
        static Split of(String category, double[] oof, List<CalibrationText> texts) {
            List<Double> bare = new ArrayList<>(), emb = new ArrayList<>(), neg = new ArrayList<>();
            for (int i = 0; i < texts.size(); i++) {
                CalibrationText t = texts.get(i);
                if (t.labels().contains(category)) {
                    (t.embedded() ? emb : bare).add(oof[i]);
                } else if (t.benign()) {
                    neg.add(oof[i]);
                }
            }
            return new Split(bare.stream().mapToDouble(Double::doubleValue).toArray(),
                    emb.stream().mapToDouble(Double::doubleValue).toArray(),
                    neg.stream().mapToDouble(Double::doubleValue).toArray());
        }

        /** AUROC of bare positives against benign texts. */
        double aurocBareVsBenign() {
            double[] all = new double[bare.length + benign.length];
            boolean[] pos = new boolean[all.length];
            System.arraycopy(bare, 0, all, 0, bare.length);
            System.arraycopy(benign, 0, all, bare.length, benign.length);
            java.util.Arrays.fill(pos, 0, bare.length, true);
            return RocMath.auroc(all, pos);
        }
    }

    private Map<String, Object> measured(Fitted fi, double[] oof, List<CalibrationText> texts, double threshold, double fpr) {
        Split sp = Split.of(fi.name(), oof, texts);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("segments", fi.examples().size());
        m.put("positiveSegments", fi.examples().positives());
        m.put("candidates", fi.candidates().length);
        m.put("features", fi.head().columns().length);
        m.put("c", fi.head().c());
        m.put("cvSegmentAuroc", fi.head().cvAuroc());
        m.put("cvAurocBareVsBenign", sp.aurocBareVsBenign());
        m.put("threshold", threshold);
        m.put("cvRecallBare", RocMath.rateAtOrAbove(sp.bare(), threshold));
        m.put("cvRecallEmbedded", RocMath.rateAtOrAbove(sp.embedded(), threshold));
        m.put("cvBenignFpr", fpr);
        return m;
    }

    private Catalog.Category category(ModelPack pack, Fitted fi, HeadFitter.Head head, double threshold,
                                      EncodedCorpus enc, List<CalibrationText> texts, String dataName, int benignEvents) {
        int d = enc.dSae();
        List<Catalog.Feature> feats = new ArrayList<>();
        for (int j = 0; j < head.columns().length; j++) {
            int col = fi.candidates()[head.columns()[j]];
            int id = col % d;
            feats.add(new Catalog.Feature(id, col < d ? Catalog.Pool.max : Catalog.Pool.mean, round(head.weights()[j]),
                    cardLabel(pack, id), round(benignTextRate(enc, texts, id)),
                    new Catalog.Association(round(fi.screen().positiveShare()[id]), round(fi.screen().benignShare()[id]))));
        }
        return new Catalog.Category(fi.name(), severity(pack, fi.name()), round(head.bias()), threshold, feats,
                new Catalog.ThresholdChoice("share of benign events flagged in any category, out-of-fold max-over-segment "
                        + "scores", options.targetFpr(), dataName, LocalDate.now().toString(), benignEvents,
                        (int) texts.stream().filter(t -> t.labels().contains(fi.name())).count()));
    }

    /** A category's severity in the pack being recalibrated; a new category: critical for dangerous_content, else warning. */
    static Catalog.Severity severity(ModelPack pack, String name) {
        return pack.catalog().categories().stream().filter(c -> c.name().equals(name))
                .map(Catalog.Category::severity).findFirst()
                .orElse(name.equals("dangerous_content") ? Catalog.Severity.critical : Catalog.Severity.warning);
    }

    /**
     * A new head's label comes from the feature card (the catalog being replaced may carry stale labels of
     * an older labelling); a hand label in the card wins as always.
     */
    static String cardLabel(ModelPack pack, int id) {
        return pack.card(id).map(c -> c.label()).filter(l -> l != null && !l.isBlank()).orElseGet(() -> pack.labelOf(id));
    }

    private final Map<Integer, Double> textRates = new java.util.HashMap<>();

    /** Share of benign calibration texts in which the feature fires (the drift metrics' expected rate). */
    private double benignTextRate(EncodedCorpus enc, List<CalibrationText> texts, int feature) {
        return textRates.computeIfAbsent(feature, f -> {
            int n = 0, fired = 0;
            for (int i = 0; i < texts.size(); i++) {
                if (!texts.get(i).benign()) {
                    continue;
                }
                n++;
                for (int k = enc.codes().rowStart()[enc.firstRow()[i]]; k < enc.codes().rowStart()[enc.firstRow()[i + 1]]; k++) {
                    if (enc.codes().features()[k] == f && enc.codes().values()[k] > 0) {
                        fired++;
                        break;
                    }
                }
            }
            return n == 0 ? 0 : (double) fired / n;
        });
    }

    private static double round(double v) {
        return Math.round(v * 1e6) / 1e6;
    }
}
