package dev.saemonitor.calibration;

import dev.saemonitor.conversation.ConversationScorer;
import dev.saemonitor.conversation.TurnFeatures;
import dev.saemonitor.modelpack.Catalog;
import dev.saemonitor.modelpack.ModelPack;
import dev.saemonitor.scoring.CategoryScorer;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.IntStream;

/**
 * Fits the catalog's conversation heads on labelled conversations, through {@link ConversationScorer} itself:
 * turn features come from {@link ConversationScorer#turn} (via {@link ConversationTurns}), design rows from
 * {@link ConversationScorer#pool}, out-of-fold scores from {@link ConversationScorer#rawScores}. Per category:
 * candidate features screened ({@link ConversationScreen}), a sparse head by {@link HeadFitter} with the
 * window's max event logit always one input, weights kept non-negative (so adding a turn can never lower a
 * conversation's score: a benign turn cannot hide an earlier harmful one); then every conversation is scored
 * out-of-fold at every turn and thresholds are chosen together on the benign conversations so that the share
 * flagged in any category (at any turn) meets the target ({@link JointThresholds}).
 */
public final class ConversationCalibrator {
    /** Refits that drop negatively weighted terms before giving up on non-negativity. */
    static final int NON_NEGATIVE_ROUNDS = 8;

    /**
     * @param window         turns a conversation head pools (the most recent ones)
     * @param maxParts       most turns the event head is applied across at once
     * @param eventInput     the joined event logit is an input (else features only)
     * @param maxFeatures    most features per conversation head (the joined logit is not counted); 0: the head is
     *                       the joined event logit alone and only its threshold is fitted
     * @param topN           candidate features per head after screening
     * @param maxBenignShare features firing in more benign turns than this may not enter a head
     * @param targetFpr      share of benign conversations flagged in any category
     */
    public record Options(int window, int maxParts, int maxFeatures, int topN, double maxBenignShare,
                          double targetFpr, boolean eventInput) {
    }

    public record Result(Catalog.Conversation conversation, Map<String, Object> metrics) {
    }

    private final Options options;

    public ConversationCalibrator(Options options) {
        this.options = options;
    }

    /**
     * @param pack the pack whose event heads (catalog categories) score the turns
     * @param enc  the conversations' turn texts, encoded in {@link LabelledConversation#turnTexts} order
     */
    public Result calibrate(ModelPack pack, EncodedCorpus enc, List<LabelledConversation> convs, String dataName,
                            Consumer<String> log) {
        int dSae = enc.dSae();
        int[] candidates = IntStream.range(0, dSae)
                .filter(f -> options.maxBenignShare() >= 1 || !pack.card(f).map(c -> c.generic() && !c.manual()).orElse(false))
                .toArray();
        Catalog base = pack.catalog().withConversation(new Catalog.Conversation(options.window(), options.maxParts(), List.of()));
        ConversationScorer wide = new ConversationScorer(base, dSae, pack::labelOf, candidates);
        List<List<TurnFeatures>> turns = ConversationTurns.of(convs, enc, CategoryScorer.of(base, pack), wide);
        int[] convGroup = ConversationFolds.groups(convs, log);
        ConversationRows rows = ConversationRows.of(wide, convs, turns, convGroup);
        double[] benignTurnShare = rows.benignTurnShare(turns, convs, wide.turnFeatures());
        List<Catalog.Category> cats = pack.catalog().categories();
        List<Catalog.ConversationHead> heads = new ArrayList<>();
        List<List<Catalog.ConversationHead>> foldHeads = new ArrayList<>();
        for (int f = 0; f < HeadFitter.FOLDS; f++) {
            foldHeads.add(new ArrayList<>());
        }
        Map<String, Object> perCat = new LinkedHashMap<>();
        HeadFitter fitter = new HeadFitter(options.maxFeatures());
        for (int c = 0; c < cats.size(); c++) {
            String name = cats.get(c).name();
            boolean[] y = rows.labelled(name);
            int nPos = 0;
            for (boolean b : y) {
                nPos += b ? 1 : 0;
            }
            if (nPos < 3 || nPos == y.length) {
                log.accept("conversation " + name + ": " + nPos + " positive conversations; keeps the baseline");
                continue;
            }
            if (options.maxFeatures() == 0) {
                // the event head across turns as it is: nothing to fit but the threshold, nothing to overfit
                Catalog.ConversationHead joinedOnly = new Catalog.ConversationHead(name, 0, 1, 0.5, List.of(), null);
                heads.add(joinedOnly);
                foldHeads.forEach(fh -> fh.add(joinedOnly));
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("positiveConversations", nPos);
                m.put("features", 0);
                perCat.put(name, m);
                continue;
            }
            int[] slots = ConversationScreen.of(rows, y, benignTurnShare, options.maxBenignShare(), options.topN());
            double[][] x = rows.design(slots, c);
            int eventCol = slots.length;
            HeadFitter.Head selected = fitter.fit(options.eventInput() ? x : dropLast(x), y, rows.group());
            HeadFitter.Head head = nonNegative(x, y, selected.c(), options.eventInput()
                    ? withColumn(selected.columns(), eventCol) : without(selected.columns(), eventCol));
            double cvAuroc = RocMath.auroc(fitter.crossValidate(x, y, rows.group(), head.c(), head.columns()), y);
            heads.add(head(pack, name, head, slots, eventCol, wide, benignTurnShare, 0.5, null));
            for (int f = 0; f < HeadFitter.FOLDS; f++) {
                int ff = f;
                int[] train = IntStream.range(0, y.length).filter(i -> HeadFitter.fold(rows.group()[i]) != ff).toArray();
                HeadFitter.Head fh = HeadFitter.refit(pick(x, train), pick(y, train), head.c(), head.columns());
                foldHeads.get(f).add(head(pack, name, fh, slots, eventCol, wide, benignTurnShare, 0.5, null));
            }
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("positiveConversations", nPos);
            m.put("candidates", slots.length);
            m.put("features", head.columns().length - (contains(head.columns(), eventCol) ? 1 : 0));
            m.put("c", head.c());
            m.put("cvRowAuroc", cvAuroc);
            perCat.put(name, m);
            log.accept("conversation " + name + ": " + y.length + " rows (" + nPos + " positive), " + slots.length
                    + " candidates, " + m.get("features") + " features, C " + head.c() + ", CV AUROC "
                    + String.format("%.3f", cvAuroc));
        }
        // every conversation scored out-of-fold at every turn, through the scorer the service runs; the heads' own
        // scores, since a conversation flags when its head crosses the head threshold or one of its turns crosses the
        // event threshold (ConversationScorer.rawScores), and only the first part has a threshold to choose
        int n = convs.size();
        double[][] oof = new double[cats.size()][n];
        boolean[][] eventFlagged = new boolean[n][];
        for (int k = 0; k < n; k++) {
            eventFlagged[k] = ConversationTurns.eventFlags(pack.catalog(), turns.get(k));
        }
        for (int f = 0; f < HeadFitter.FOLDS; f++) {
            ConversationScorer foldScorer = new ConversationScorer(
                    pack.catalog().withConversation(new Catalog.Conversation(options.window(), options.maxParts(), foldHeads.get(f))), dSae);
            for (int k = 0; k < n; k++) {
                if (HeadFitter.fold(convGroup[k]) == f) {
                    double[] s = ConversationTurns.pagingHeadScores(foldScorer, turns.get(k));
                    for (int c = 0; c < s.length; c++) {
                        oof[c][k] = s[c];
                    }
                }
            }
        }
        int[] benign = IntStream.range(0, n).filter(k -> convs.get(k).benign()).toArray();
        double baselineFpr = (double) IntStream.of(benign).filter(k -> any(eventFlagged[k])).count() / Math.max(1, benign.length);
        Map<String, Object> metrics = new LinkedHashMap<>();
        metrics.put("data", dataName);
        metrics.put("window", options.window());
        metrics.put("conversations", n);
        metrics.put("benignConversations", benign.length);
        metrics.put("targetFpr", options.targetFpr());
        metrics.put("eventFlagBenignFpr", baselineFpr);
        metrics.put("categories", perCat);
        if (baselineFpr >= options.targetFpr()) {
            // the turns' own event flags already spend the budget: a head could only add benign pages
            log.accept(String.format("conversation heads dropped: the turns' event flags alone flag %.3f of the benign "
                    + "conversations, at or over the %.3f target; the baseline is kept", baselineFpr, options.targetFpr()));
            metrics.put("cvUnionBenignFpr", baselineFpr);
            metrics.put("headsDropped", true);
            return new Result(null, metrics);
        }
        int[] fittedCats = IntStream.range(0, cats.size())
                .filter(c -> heads.stream().anyMatch(h -> h.name().equals(cats.get(c).name()))).toArray();
        double[][] benignScores = new double[fittedCats.length][benign.length];
        for (int j = 0; j < fittedCats.length; j++) {
            for (int e = 0; e < benign.length; e++) {
                // a conversation its turns already flag counts in the union whatever the head threshold
                benignScores[j][e] = eventFlagged[benign[e]][fittedCats[j]] ? 1 : oof[fittedCats[j]][benign[e]];
            }
        }
        boolean[] hasHead = new boolean[cats.size()];
        IntStream.of(fittedCats).forEach(c -> hasHead[c] = true);
        boolean[] flaggedElsewhere = new boolean[benign.length];
        for (int e = 0; e < benign.length; e++) {
            for (int c = 0; c < cats.size(); c++) {
                flaggedElsewhere[e] |= eventFlagged[benign[e]][c] && !hasHead[c];
            }
        }
        JointThresholds.Result thr = JointThresholds.choose(withFlagged(benignScores, flaggedElsewhere), options.targetFpr());
        List<Catalog.ConversationHead> out = new ArrayList<>();
        for (int j = 0; j < fittedCats.length; j++) {
            Catalog.ConversationHead h = heads.get(j);
            int jf = j;
            double t = thr.thresholds()[j];
            out.add(new Catalog.ConversationHead(h.name(), h.bias(), h.eventWeight(), t, h.features(),
                    new Catalog.ThresholdChoice("share of benign conversations flagged in any category at any turn, "
                            + "by the head or a turn's event score, out-of-fold", options.targetFpr(), dataName,
                            LocalDate.now().toString(), benign.length,
                            (int) convs.stream().filter(cv -> cv.labels().contains(h.name())).count())));
            @SuppressWarnings("unchecked")
            Map<String, Object> m = (Map<String, Object>) perCat.get(h.name());
            int[] pos = IntStream.range(0, n).filter(k -> convs.get(k).labels().contains(h.name())).toArray();
            long caught = IntStream.of(pos).filter(k -> oof[fittedCats[jf]][k] >= t || eventFlagged[k][fittedCats[jf]]).count();
            long byEvents = IntStream.of(pos).filter(k -> eventFlagged[k][fittedCats[jf]]).count();
            m.put("threshold", t);
            m.put("cvRecall", (double) caught / Math.max(1, pos.length));
            m.put("cvRecallEventFlagsOnly", (double) byEvents / Math.max(1, pos.length));
            m.put("cvBenignFpr", thr.fpr()[j]);
        }
        metrics.put("cvUnionBenignFpr", thr.unionFpr());
        return new Result(new Catalog.Conversation(options.window(), options.maxParts(), out), metrics);
    }

    /**
     * Refits on {@code columns}, dropping every term whose weight comes out non-positive, until none does: a
     * negative weight on a max-pooled feature would let a benign turn lower the score of a harmful conversation.
     */
    static HeadFitter.Head nonNegative(double[][] x, boolean[] y, double c, int[] columns) {
        int[] cols = columns;
        HeadFitter.Head h = HeadFitter.refit(x, y, c, cols);
        for (int round = 0; round < NON_NEGATIVE_ROUNDS; round++) {
            HeadFitter.Head cur = h;
            int[] keep = IntStream.range(0, cur.columns().length).filter(j -> cur.weights()[j] > 0)
                    .map(j -> cur.columns()[j]).toArray();
            if (keep.length == cols.length) {
                return h;
            }
            cols = keep;
            h = HeadFitter.refit(x, y, c, cols);
        }
        // still a negative weight after the rounds: zero it (the head stays monotone; the fit is a little off)
        double[] w = h.weights().clone();
        for (int j = 0; j < w.length; j++) {
            w[j] = Math.max(0, w[j]);
        }
        return new HeadFitter.Head(h.columns(), w, h.bias(), h.c(), h.cvAuroc());
    }

    private Catalog.ConversationHead head(ModelPack pack, String name, HeadFitter.Head h, int[] slots, int eventCol,
                                          ConversationScorer wide, double[] benignTurnShare, double threshold,
                                          Catalog.ThresholdChoice choice) {
        int[] feats = wide.turnFeatures();
        double eventWeight = 0;
        List<Catalog.ConversationFeature> fs = new ArrayList<>();
        for (int j = 0; j < h.columns().length; j++) {
            int col = h.columns()[j];
            if (col == eventCol) {
                eventWeight = round(h.weights()[j]);
                continue;
            }
            int id = feats[slots[col]];
            fs.add(new Catalog.ConversationFeature(id, round(h.weights()[j]), Calibrator.cardLabel(pack, id),
                    round(benignTurnShare[slots[col]])));
        }
        return new Catalog.ConversationHead(name, round(h.bias()), eventWeight, threshold, fs, choice);
    }

    private static boolean any(boolean[] b) {
        for (boolean x : b) {
            if (x) {
                return true;
            }
        }
        return false;
    }

    /**
     * {@code scores} with one more row (category) that is 1 exactly where {@code flagged}: benign conversations a
     * category without a head flags through its turns, which count in the union too.
     */
    private static double[][] withFlagged(double[][] scores, boolean[] flagged) {
        double[][] out = java.util.Arrays.copyOf(scores, scores.length + 1);
        out[scores.length] = new double[flagged.length];
        for (int e = 0; e < flagged.length; e++) {
            out[scores.length][e] = flagged[e] ? 1 : 0;
        }
        return out;
    }

    private static int[] withColumn(int[] columns, int col) {
        return contains(columns, col) ? columns : IntStream.concat(IntStream.of(columns), IntStream.of(col)).toArray();
    }

    private static int[] without(int[] columns, int col) {
        return IntStream.of(columns).filter(c -> c != col).toArray();
    }

    private static double[][] dropLast(double[][] x) {
        return java.util.Arrays.stream(x).map(r -> java.util.Arrays.copyOf(r, r.length - 1)).toArray(double[][]::new);
    }

    private static boolean contains(int[] a, int v) {
        return IntStream.of(a).anyMatch(x -> x == v);
    }

    private static double[][] pick(double[][] x, int[] rows) {
        return java.util.Arrays.stream(rows).mapToObj(i -> x[i]).toArray(double[][]::new);
    }

    private static boolean[] pick(boolean[] y, int[] rows) {
        boolean[] out = new boolean[rows.length];
        for (int i = 0; i < rows.length; i++) {
            out[i] = y[rows[i]];
        }
        return out;
    }

    private static double round(double v) {
        return Math.round(v * 1e6) / 1e6;
    }
}
