package dev.saemonitor.calibration;

import dev.saemonitor.modelpack.Catalog;
import dev.saemonitor.modelpack.ModelPack;
import dev.saemonitor.scoring.CategoryScorer;
import dev.saemonitor.scoring.Readouts;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Fits each category's dense readout on segments ({@link SegmentExamples}: the service's segments, positives
 * embedded in benign context included): an L2 logistic regression ({@link DenseLogistic}, classes balanced) on the segment's
 * mean reader activation. Bare positives longer than one segment are refined once (multiple-instance learning): a first
 * fit on whole texts scores their segments and only their top-scoring share stays positive (a long answer is harmful
 * in one sentence, not in every window).
 * Every text is then scored out-of-fold through the service's {@link CategoryScorer}, and two operating points
 * are chosen jointly on the benign texts per group: review (share flagged in any category at most the review
 * target) and page (at most the page target).
 */
public final class ReadoutCalibrator {
    /** Aligned features listed per category in the catalog (documentation and drift metrics; not scored). */
    static final int ALIGNED_FEATURES = 16;

    /**
     * @param c             liblinear's inverse regularisation strength on standardised inputs
     * @param keepPositive  share of a long bare positive's segments kept positive after the first fit (1: all)
     * @param reviewFpr     share of benign events flagged in any category at the review point, per group
     * @param pageFpr       the same at the page point
     * @param trainEmbedded segments of positives embedded in benign context are training rows too
     */
    public record Options(Catalog.Segmentation segmentation, double c, double keepPositive, double reviewFpr,
                          double pageFpr, boolean benignOnly, boolean trainEmbedded) {
    }

    private final Options options;

    public ReadoutCalibrator(Options options) {
        this.options = options;
    }

    public Calibrator.Result calibrate(ModelPack pack, EncodedCorpus enc, List<CalibrationText> texts,
                                       List<String> categories, String dataName, Consumer<String> log) {
        if (!options.segmentation().equals(enc.meansAt())) {
            throw new IllegalArgumentException("the encoded texts keep segment means at " + enc.meansAt()
                    + ", the readouts are fitted on segments " + options.segmentation());
        }
        int dIn = enc.rawMean()[0].length;
        List<Catalog.Readout> full = new ArrayList<>();
        List<List<Catalog.Readout>> folds = new ArrayList<>();
        List<Map<String, Object>> fitStats = new ArrayList<>();
        for (String cat : categories) {
            // positives embedded in context score the thresholds and the figures, but do not train: whether a window
            // half made of context is harmful is a guess either way (measured: training on them lowered AUROC)
            List<CalibrationText> trainTexts = options.trainEmbedded() ? texts : texts.stream()
                    .map(t -> t.embedded() ? null : t).toList();
            SegmentExamples ex = SegmentExamples.of(enc, trainTexts, cat, options.segmentation(), options.benignOnly(),
                    Integer.MAX_VALUE);
            if (ex.positives() < 3 || ex.positives() == ex.size()) {
                throw new IllegalArgumentException("category '" + cat + "' has " + ex.positives()
                        + " positive segments among " + ex.size() + "; need at least 3 and some negatives");
            }
            double[][] x = segmentMeans(enc, ex, dIn);
            boolean[] y = ex.positive();
            Catalog.Readout first = textLevelFit(enc, texts, cat, dIn);
            int[] kept = refine(ex, x, y, first, texts);
            int dropped = (int) Arrays.stream(kept).filter(r -> y[r]).count();
            dropped = count(y) - dropped;
            Catalog.Readout head = fit(x, y, kept);
            List<Catalog.Readout> perFold = new ArrayList<>();
            for (int f = 0; f < HeadFitter.FOLDS; f++) {
                int ff = f;
                int[] train = Arrays.stream(kept).filter(i -> HeadFitter.fold(ex.group()[i]) != ff).toArray();
                perFold.add(fit(x, y, train));
            }
            full.add(head);
            folds.add(perFold);
            Map<String, Object> st = new LinkedHashMap<>();
            st.put("segments", kept.length);
            st.put("positiveSegments", count(y) - dropped);
            st.put("positiveSegmentsDropped", dropped);
            fitStats.add(st);
            log.accept(cat + ": " + kept.length + " training segments of " + x.length + " (" + (count(y) - dropped) + " positive, " + dropped
                    + " long-positive windows dropped after the first fit)");
        }
        double[][] oof = outOfFold(pack, enc, texts, categories, folds);
        int[] benignIdx = java.util.stream.IntStream.range(0, texts.size()).filter(i -> texts.get(i).benign()).toArray();
        int[] groups = Arrays.stream(benignIdx).map(i -> Calibrator.eventGroup(texts.get(i))).toArray();
        double[][] benign = new double[categories.size()][benignIdx.length];
        for (int c = 0; c < categories.size(); c++) {
            for (int e = 0; e < benignIdx.length; e++) {
                benign[c][e] = oof[c][benignIdx[e]];
            }
        }
        JointThresholds.Result review = JointThresholds.choose(benign, groups, options.reviewFpr());
        JointThresholds.Result page = JointThresholds.choose(benign, groups, options.pageFpr());
        List<Catalog.Category> out = new ArrayList<>();
        Map<String, Object> perCat = new LinkedHashMap<>();
        Readouts aligned = Readouts.of(new Catalog(options.segmentation(), readoutCategories(pack, categories, full)));
        aligned = aligned.withSae(CategoryScorer.loadedSae(pack));
        for (int c = 0; c < categories.size(); c++) {
            String name = categories.get(c);
            double r = review.thresholds()[c];
            double p = Math.max(r, page.thresholds()[c]);
            out.add(category(pack, name, full.get(c), r, p, aligned, c, texts, dataName, benignIdx.length));
            Map<String, Object> m = new LinkedHashMap<>(fitStats.get(c));
            m.putAll(measured(name, oof[c], texts, r, p));
            perCat.put(name, m);
        }
        double[] rt = out.stream().mapToDouble(Catalog.Category::threshold).toArray();
        double[] pt = out.stream().mapToDouble(Catalog.Category::pageThreshold).toArray();
        Map<String, Object> metrics = new LinkedHashMap<>();
        metrics.put("head", "readout");
        metrics.put("segmentation", options.segmentation());
        metrics.put("readoutC", options.c());
        metrics.put("keepPositive", options.keepPositive());
        metrics.put("benignEvents", benignIdx.length);
        metrics.put("reviewTargetFpr", options.reviewFpr());
        metrics.put("pageTargetFpr", options.pageFpr());
        metrics.put("cvUnionBenignFprReview", JointThresholds.unionFpr(benign, rt));
        metrics.put("cvUnionBenignFprPage", JointThresholds.unionFpr(benign, pt));
        metrics.put("cvUnionFprByGroupReview", byGroup(benign, groups, rt));
        metrics.put("cvUnionFprByGroupPage", byGroup(benign, groups, pt));
        metrics.put("categories", perCat);
        return new Calibrator.Result(new Catalog(options.segmentation(), out), metrics);
    }

    private static Map<String, Double> byGroup(double[][] benign, int[] groups, double[] thr) {
        double[][][] split = JointThresholds.split(benign, groups);
        String[] names = {"shortMessages", "singleTexts", "joinedTexts"};
        Map<String, Double> m = new LinkedHashMap<>();
        for (int g = 0; g < split.length && g < names.length; g++) {
            m.put(names[g], split[g][0].length == 0 ? Double.NaN : JointThresholds.unionFpr(split[g], thr));
        }
        return m;
    }

    /** Each training segment's mean reader activation ({@code [segments, d_in]}), from the corpus' segment means. */
    static double[][] segmentMeans(EncodedCorpus enc, SegmentExamples ex, int dIn) {
        double[][] x = new double[ex.size()][dIn];
        Map<Integer, Map<Long, Integer>> indexOf = new java.util.HashMap<>();
        for (int r = 0; r < ex.size(); r++) {
            int t = ex.text()[r];
            int base = enc.firstRow()[t];
            Map<Long, Integer> idx = indexOf.computeIfAbsent(t, k -> {
                Map<Long, Integer> m = new java.util.HashMap<>();
                List<dev.saemonitor.scoring.Segments.Segment> segs = dev.saemonitor.scoring.Segments.of(enc.tokens(k),
                        enc.blockStarts()[k], enc.meansAt());
                for (int i = 0; i < segs.size(); i++) {
                    m.put(((long) segs.get(i).from() << 32) | segs.get(i).to(), i);
                }
                return m;
            });
            Integer s = idx.get(((long) (ex.from()[r] - base) << 32) | (ex.to()[r] - base));
            if (s == null) {
                throw new IllegalStateException("training segment not among the text's segments: text " + t);
            }
            float[] means = enc.segmentMeans(t);
            for (int j = 0; j < dIn; j++) {
                x[r][j] = means[s * dIn + j];
            }
            if (r % 50_000 == 0) {
                indexOf.keySet().removeIf(k -> k < t); // rows come in text order: drop finished texts' indexes
            }
        }
        return x;
    }

    private Catalog.Readout fit(double[][] x, boolean[] y, int[] rows) {
        double[][] xs = new double[rows.length][];
        boolean[] ys = new boolean[rows.length];
        for (int i = 0; i < rows.length; i++) {
            xs[i] = x[rows[i]];
            ys[i] = y[rows[i]];
        }
        LogisticFit.Linear1 l = DenseLogistic.fit(xs, ys, options.c());
        float[] w = new float[l.weights().length];
        for (int j = 0; j < w.length; j++) {
            w[j] = (float) l.weights()[j];
        }
        return new Catalog.Readout(w, l.bias());
    }

    /**
     * The training rows after refinement, both by the first (whole-text) fit: of each negative text its
     * {@link SegmentExamples#NEGATIVE_SEGMENTS_PER_TEXT} highest-scoring windows (mined hard negatives), and of each
     * bare positive text longer than one segment only the top {@link Options#keepPositive} share (at least one) of its
     * windows (a window of a harmful text that the first fit finds benign-looking is safe to call neither, so it is
     * left out).
     */
    private int[] refine(SegmentExamples ex, double[][] x, boolean[] y, Catalog.Readout first, List<CalibrationText> texts) {
        boolean[] drop = new boolean[x.length];
        // each negative text's windows that the first fit scores highest: the ones that false-flag a long benign answer
        Map<Integer, List<Integer>> negatives = new LinkedHashMap<>();
        for (int r = 0; r < ex.size(); r++) {
            if (!y[r]) {
                negatives.computeIfAbsent(ex.text()[r], k -> new ArrayList<>()).add(r);
            }
        }
        for (List<Integer> rows : negatives.values()) {
            if (rows.size() > SegmentExamples.NEGATIVE_SEGMENTS_PER_TEXT) {
                rows.sort((a, b) -> Double.compare(logit(first, x[b]), logit(first, x[a])));
                for (int k = SegmentExamples.NEGATIVE_SEGMENTS_PER_TEXT; k < rows.size(); k++) {
                    drop[rows.get(k)] = true;
                }
            }
        }
        if (options.keepPositive() < 1) {
            Map<Integer, List<Integer>> byText = new LinkedHashMap<>();
            for (int r = 0; r < ex.size(); r++) {
                if (y[r] && !texts.get(ex.text()[r]).embedded()) {
                    byText.computeIfAbsent(ex.text()[r], k -> new ArrayList<>()).add(r);
                }
            }
            for (List<Integer> rows : byText.values()) {
                rows.sort((a, b) -> Double.compare(logit(first, x[b]), logit(first, x[a])));
                int keep = Math.max(1, (int) Math.ceil(rows.size() * options.keepPositive()));
                for (int k = keep; k < rows.size(); k++) {
                    drop[rows.get(k)] = true;
                }
            }
        }
        return java.util.stream.IntStream.range(0, x.length).filter(r -> !drop[r]).toArray();
    }

    /**
     * The first fit, before the long positives' windows are chosen: one row per whole labelled or benign text (its mean
     * activation), so a long positive counts once, as a whole, and its benign-looking windows do not teach the readout
     * that ordinary text is harmful.
     */
    private Catalog.Readout textLevelFit(EncodedCorpus enc, List<CalibrationText> texts, String category, int dIn) {
        List<double[]> rows = new ArrayList<>();
        List<Boolean> ys = new ArrayList<>();
        for (int i = 0; i < texts.size(); i++) {
            CalibrationText t = texts.get(i);
            boolean pos = t.labels().contains(category);
            if (t.embedded() || enc.tokens(i) == 0 || (!pos && !t.benign() && options.benignOnly())) {
                continue;
            }
            double[] m = new double[dIn];
            for (int j = 0; j < dIn; j++) {
                m[j] = enc.rawMean()[i][j];
            }
            rows.add(m);
            ys.add(pos);
        }
        boolean[] y = new boolean[ys.size()];
        for (int i = 0; i < y.length; i++) {
            y[i] = ys.get(i);
        }
        return fit(rows.toArray(double[][]::new), y, all(y.length));
    }

    private static int[] all(int n) {
        return java.util.stream.IntStream.range(0, n).toArray();
    }

    private static double logit(Catalog.Readout r, double[] x) {
        double s = r.bias();
        for (int j = 0; j < x.length; j++) {
            s += r.weights()[j] * x[j];
        }
        return s;
    }

    private static int count(boolean[] y) {
        int n = 0;
        for (boolean b : y) {
            n += b ? 1 : 0;
        }
        return n;
    }

    private double[][] outOfFold(ModelPack pack, EncodedCorpus enc, List<CalibrationText> texts, List<String> categories,
                                 List<List<Catalog.Readout>> folds) {
        double[][] oof = new double[categories.size()][texts.size()];
        dev.saemonitor.modelpack.SaeWeights sae = CategoryScorer.loadedSae(pack);
        for (int f = 0; f < HeadFitter.FOLDS; f++) {
            List<Catalog.Readout> rs = new ArrayList<>();
            for (List<Catalog.Readout> perFold : folds) {
                rs.add(perFold.get(f));
            }
            Catalog cat = new Catalog(options.segmentation(), readoutCategories(pack, categories, rs));
            CategoryScorer scorer = new CategoryScorer(cat, enc.dSae(), pack::labelOf, Readouts.of(cat).withSae(sae));
            for (int i = 0; i < texts.size(); i++) {
                if (HeadFitter.fold(texts.get(i).group()) == f) {
                    double[] raw = enc.score(scorer, i).rawScores();
                    for (int c = 0; c < raw.length; c++) {
                        oof[c][i] = raw[c];
                    }
                }
            }
        }
        return oof;
    }


    /** Categories scored by these readouts only (no thresholds that flag: scoring for calibration). */
    private static List<Catalog.Category> readoutCategories(ModelPack pack, List<String> names, List<Catalog.Readout> rs) {
        List<Catalog.Category> out = new ArrayList<>();
        for (int c = 0; c < names.size(); c++) {
            out.add(new Catalog.Category(names.get(c), Calibrator.severity(pack, names.get(c)), rs.get(c).bias(), 1.0, List.of(),
                    null, rs.get(c), null, null));
        }
        return out;
    }

    private Catalog.Category category(ModelPack pack, String name, Catalog.Readout r, double review, double page,
                                      Readouts aligned, int c, List<CalibrationText> texts, String dataName,
                                      int benignEvents) {
        int positives = (int) texts.stream().filter(t -> t.labels().contains(name)).count();
        String date = LocalDate.now().toString();
        Catalog.ThresholdChoice rc = new Catalog.ThresholdChoice("review point: share of benign events flagged in any "
                + "category per group (short messages, single texts, joined texts), out-of-fold max-over-segment scores",
                options.reviewFpr(), dataName, date, benignEvents, positives);
        Catalog.ThresholdChoice pc = new Catalog.ThresholdChoice("page point: as the review point",
                options.pageFpr(), dataName, date, benignEvents, positives);
        return new Catalog.Category(name, Calibrator.severity(pack, name), round(r.bias()), review,
                alignedFeatures(pack, aligned, c), rc, r, page, pc);
    }

    /**
     * The SAE latents whose decoder rows the readout weighs most (largest {@code w . d_i}): what a unit of each adds
     * to the logit. Listed for reviewers and the drift metrics; the score reads the readout, not these.
     */
    private static List<Catalog.Feature> alignedFeatures(ModelPack pack, Readouts aligned, int c) {
        double[] dd = aligned.decoderDots(c);
        Integer[] order = new Integer[dd.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> Double.compare(dd[b], dd[a]));
        List<Catalog.Feature> out = new ArrayList<>();
        for (int k = 0; k < ALIGNED_FEATURES && k < order.length; k++) {
            int id = order[k];
            out.add(new Catalog.Feature(id, Catalog.Pool.mean, round(dd[id]), Calibrator.cardLabel(pack, id), null));
        }
        return out;
    }

    private static Map<String, Object> measured(String name, double[] oof, List<CalibrationText> texts, double review,
                                                double page) {
        Calibrator.Split sp = Calibrator.Split.of(name, oof, texts);
        double[] b = sp.bare(), e = sp.embedded(), n = sp.benign();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("cvAurocBareVsBenign", sp.aurocBareVsBenign());
        m.put("review", review);
        m.put("page", page);
        m.put("cvRecallBareReview", RocMath.rateAtOrAbove(b, review));
        m.put("cvRecallBarePage", RocMath.rateAtOrAbove(b, page));
        m.put("cvRecallEmbeddedReview", RocMath.rateAtOrAbove(e, review));
        m.put("cvBenignFprReview", RocMath.rateAtOrAbove(n, review));
        m.put("cvBenignFprPage", RocMath.rateAtOrAbove(n, page));
        return m;
    }

    private static double round(double v) {
        return Math.round(v * 1e6) / 1e6;
    }
}
