package dev.saemonitor.conversation;

import dev.saemonitor.modelpack.Catalog;
import dev.saemonitor.sae.SparseCodes;
import dev.saemonitor.scoring.CategoryScorer;
import dev.saemonitor.scoring.Pooling;
import dev.saemonitor.scoring.Verdict;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.IntFunction;

/**
 * Scores a conversation from the {@link TurnFeatures} of its recent turns. The one implementation the
 * service (conversation state), {@code calibrate} and {@code eval} use.
 *
 * <p>A category with a conversation head ({@link Catalog.ConversationHead}) scores
 * {@code sigmoid(bias + eventWeight * J + sum(weight_f * X_f))} over the last {@code window} turns: {@code J} is the
 * category's event head applied across turns ({@link Reassembly}: the best set of up to {@code maxParts} turns
 * scored as one segment, so the parts of a request spread over turns are judged together, a completion with the
 * prompt it answers), and {@code X_f} feature f's turn value max-pooled across the window; the category flags when
 * that score crosses the head threshold or a recent turn's event score crosses the event threshold
 * ({@link #rawScores}). A category without a head (or a catalog without a conversation section) keeps the
 * baseline: the maximum of the turns' event scores at the event threshold.
 */
public final class ConversationScorer {
    /** Event scores are clamped before their logit so a score of exactly 0 or 1 stays finite. */
    static final double SCORE_CLAMP = 1e-6;

    private final Catalog catalog;
    private final IntFunction<String> labelOf;
    /** Features whose turn values {@link #turn} keeps, ascending; their slot is their index. */
    private final int[] turnFeatures;
    private final int[] slotOf;
    /** Per category: its head (null: baseline) and per head term the term's slot. */
    private final Catalog.ConversationHead[] heads;
    private final int[][] termSlot;
    private final Reassembly reassembly;
    private final TurnReader reader;
    private final ConversationEvidence explainer;

    public ConversationScorer(Catalog catalog, int dSae) {
        this(catalog, dSae, id -> "feature " + id);
    }

    public ConversationScorer(Catalog catalog, int dSae, IntFunction<String> labelOf) {
        this(catalog, dSae, labelOf, null);
    }

    /**
     * @param extraTurnFeatures features {@link #turn} also keeps beyond the heads' (calibration screens
     *                          candidates with them); null: only the heads'
     */
    public ConversationScorer(Catalog catalog, int dSae, IntFunction<String> labelOf, int[] extraTurnFeatures) {
        this.catalog = catalog;
        List<Catalog.Category> cats = catalog.categories();
        Catalog.Conversation conv = catalog.conversation();
        this.heads = new Catalog.ConversationHead[cats.size()];
        java.util.TreeSet<Integer> feats = new java.util.TreeSet<>();
        for (int c = 0; c < cats.size(); c++) {
            heads[c] = conv == null ? null : conv.head(cats.get(c).name());
            if (heads[c] != null) {
                heads[c].features().forEach(f -> feats.add(f.id()));
            }
        }
        if (extraTurnFeatures != null) {
            Arrays.stream(extraTurnFeatures).forEach(feats::add);
        }
        this.turnFeatures = feats.stream().mapToInt(Integer::intValue).toArray();
        this.slotOf = new int[dSae];
        Arrays.fill(slotOf, -1);
        for (int i = 0; i < turnFeatures.length; i++) {
            if (turnFeatures[i] < 0 || turnFeatures[i] >= dSae) {
                throw new IllegalArgumentException("conversation feature " + turnFeatures[i] + ", expected an id in [0, "
                        + dSae + ")");
            }
            slotOf[turnFeatures[i]] = i;
        }
        this.reassembly = new Reassembly(catalog, dSae);
        this.reader = new TurnReader(catalog, turnFeatures, slotOf, reassembly);
        this.termSlot = new int[cats.size()][];
        for (int c = 0; c < cats.size(); c++) {
            termSlot[c] = heads[c] == null ? new int[0]
                    : heads[c].features().stream().mapToInt(f -> slotOf[f.id()]).toArray();
        }
        IntFunction<String> cardLabels = labelOf;
        this.labelOf = id -> {
            for (Catalog.ConversationHead h : heads) {
                if (h != null) {
                    for (Catalog.ConversationFeature f : h.features()) {
                        if (f.id() == id && f.label() != null && !f.label().isBlank()) {
                            return f.label();
                        }
                    }
                }
            }
            return cardLabels.apply(id);
        };
        this.explainer = new ConversationEvidence(catalog, heads, termSlot, this.labelOf);
    }

    public Catalog catalog() {
        return catalog;
    }

    /** Turns pooled at most: the catalog's window, or all turns given when there is no conversation section. */
    public int window() {
        return catalog.conversation() == null ? Integer.MAX_VALUE : catalog.conversation().window();
    }

    /** Most turns joined into one virtual segment (1 without a conversation section: each turn alone). */
    public int maxParts() {
        return catalog.conversation() == null ? 1 : catalog.conversation().parts();
    }

    /** The features whose turn values {@link #turn} keeps, ascending. */
    public int[] turnFeatures() {
        return turnFeatures.clone();
    }

    /** As {@link #turn(String, String, long, SparseCodes, int, int, int[], CategoryScorer.Scored, CategoryScorer.SpanLookup)} without spans. */
    public TurnFeatures turn(String eventId, String role, long timeMs, SparseCodes codes, int fromRow, int toRow,
                             int[] blockStarts, CategoryScorer.Scored scored) {
        return turn(eventId, role, timeMs, codes, fromRow, toRow, blockStarts, scored, null);
    }

    /**
     * One turn's features from its codes, rows {@code [fromRow, toRow)} ({@link TurnReader#read}); {@code scored} is
     * the event scoring of the same rows, {@code spans} maps a token of the turn to its span (null: no spans).
     */
    public TurnFeatures turn(String eventId, String role, long timeMs, SparseCodes codes, int fromRow, int toRow,
                             int[] blockStarts, CategoryScorer.Scored scored, CategoryScorer.SpanLookup spans) {
        return reader.read(eventId, role, timeMs, codes, fromRow, toRow, blockStarts, scored, spans);
    }
    /**
     * What the heads read from the last {@link #window()} turns: per turn feature (slot order of
     * {@link #turnFeatures()}) its maximum turn value and the turn holding it; per category the largest event
     * score and the turn holding it (-1: no turn), and the joined logit {@code J} with the turns it joined
     * (indices into the list given; null when no turn can be joined).
     */
    public record Pooled(int from, float[] value, int[] turnOf, double[] eventScore, int[] eventTurn,
                         double[] joinedLogit, int[][] joinedTurns) {
    }

    /** Pools the last {@link #window()} of {@code turns} (oldest first). */
    public Pooled pool(List<TurnFeatures> turns) {
        int from = Math.max(0, turns.size() - window());
        float[] value = new float[turnFeatures.length];
        int[] turnOf = new int[turnFeatures.length];
        Arrays.fill(turnOf, -1);
        int nCats = catalog.categories().size();
        double[] eventScore = new double[nCats];
        int[] eventTurn = new int[nCats];
        Arrays.fill(eventTurn, -1);
        for (int t = from; t < turns.size(); t++) {
            TurnFeatures tf = turns.get(t);
            for (int i = 0; i < tf.features().length; i++) {
                int f = tf.features()[i];
                int s = f < slotOf.length ? slotOf[f] : -1;
                if (s >= 0 && tf.values()[i] > value[s]) {
                    value[s] = tf.values()[i];
                    turnOf[s] = t;
                }
            }
            for (int c = 0; c < nCats && c < tf.eventScores().length; c++) {
                // >= : of equal scores the latest turn drives, as the baseline always did
                if (eventTurn[c] < 0 || tf.eventScores()[c] >= eventScore[c]) {
                    eventScore[c] = tf.eventScores()[c];
                    eventTurn[c] = t;
                }
            }
        }
        double[] joined = new double[nCats];
        int[][] joinedTurns = new int[nCats][];
        for (int c = 0; c < nCats; c++) {
            Reassembly.Joined j = heads[c] == null ? null : reassembly.join(c, turns, from, maxParts());
            // a turn that cannot be joined (no segment terms kept) still counts alone, through its event score
            double alone = eventTurn[c] < 0 ? Double.NEGATIVE_INFINITY : logit(eventScore[c]);
            if (j != null && j.logit() >= alone) {
                joined[c] = j.logit();
                joinedTurns[c] = j.turns();
            } else {
                joined[c] = alone;
                joinedTurns[c] = eventTurn[c] < 0 ? null : new int[] {eventTurn[c]};
            }
        }
        return new Pooled(from, value, turnOf, eventScore, eventTurn, joined, joinedTurns);
    }

    /**
     * The unrounded conversation score per category, in catalog order, flagged at {@link #threshold}: for a category
     * with a head the larger of the head's score and the window's largest event score mapped onto the head's scale
     * (see {@link #eventOnHeadScale}), so a conversation flags when its head crosses the head threshold <em>or</em>
     * one of its recent turns crosses the event threshold. A head can add conversations that no turn flags; it can
     * never leave unflagged a conversation whose turn flagged as an event (which, with conversation paging on, would
     * then page no one). Without a head: the largest event score.
     */
    public double[] rawScores(List<TurnFeatures> turns) {
        return rawScores(pool(turns));
    }

    double[] rawScores(Pooled p) {
        double[] out = headScores(p);
        for (int c = 0; c < heads.length; c++) {
            if (heads[c] != null && p.eventTurn()[c] >= 0) {
                out[c] = Math.max(out[c], eventOnHeadScale(c, p.eventScore()[c]));
            }
        }
        return out;
    }

    /**
     * The head's own score per category (the baseline's largest event score where a category has no head): what
     * calibration thresholds the heads on, beside the event flags the union adds ({@link #rawScores}).
     */
    public double[] headScores(List<TurnFeatures> turns) {
        return headScores(pool(turns));
    }

    double[] headScores(Pooled p) {
        double[] out = new double[heads.length];
        for (int c = 0; c < heads.length; c++) {
            if (p.eventTurn()[c] < 0) {
                out[c] = 0;
            } else if (heads[c] == null) {
                out[c] = p.eventScore()[c];
            } else {
                double z = heads[c].bias() + heads[c].eventWeight() * p.joinedLogit()[c];
                List<Catalog.ConversationFeature> fs = heads[c].features();
                for (int i = 0; i < fs.size(); i++) {
                    z += fs.get(i).weight() * p.value()[termSlot[c][i]];
                }
                out[c] = Pooling.sigmoid(z);
            }
        }
        return out;
    }

    /**
     * An event score of category {@code c} on its head's scale: shifted in logit space so that the event threshold
     * lands on the head threshold (monotone, so the order of event scores is kept), and at least the head threshold
     * whenever the event score reaches the event threshold, so the comparison is exact whatever the rounding.
     */
    double eventOnHeadScale(int c, double eventScore) {
        double eventThreshold = catalog.categories().get(c).threshold();
        double headThreshold = heads[c].threshold();
        double shifted = Pooling.sigmoid(logit(eventScore) - logit(eventThreshold) + logit(headThreshold));
        return eventScore >= eventThreshold ? Math.max(shifted, headThreshold) : Math.min(shifted, Math.nextDown(headThreshold));
    }

    /** The threshold a category's conversation score is flagged at: its head's, else the event threshold. */
    public double threshold(int category) {
        return heads[category] != null ? heads[category].threshold() : catalog.categories().get(category).threshold();
    }

    /** The verdict over {@code turns} (oldest first); {@code turnCount} counts every turn seen. */
    public ConversationVerdict score(String conversationId, int turnCount, List<TurnFeatures> turns,
                                     Verdict.PackRef pack) {
        List<Catalog.Category> cats = catalog.categories();
        Pooled pooled = pool(turns);
        double[] raw = rawScores(pooled);
        List<ConversationVerdict.Category> out = new ArrayList<>(cats.size());
        List<ConversationVerdict.Evidence> evidence = new ArrayList<>();
        Catalog.Severity top = null;
        for (int c = 0; c < cats.size(); c++) {
            Catalog.Category cat = cats.get(c);
            double threshold = threshold(c);
            boolean flagged = pooled.eventTurn()[c] >= 0 && raw[c] >= threshold;
            String point = !flagged || cat.pageThreshold() == null ? null
                    : pooled.eventScore()[c] >= cat.pageThreshold() ? "page" : "review";
            out.add(new ConversationVerdict.Category(cat.name(), Math.round(raw[c] * 1e4) / 1e4, threshold, flagged, point));
            if (flagged) {
                evidence.addAll(explainer.of(c, turns, pooled));
                Catalog.Severity sev = point == null ? cat.severity()
                        : "page".equals(point) ? Catalog.Severity.critical : Catalog.Severity.warning;
                if (top == null || sev.atLeast(top)) {
                    top = sev;
                }
            }
        }
        String last = turns.isEmpty() ? null : turns.get(turns.size() - 1).eventId();
        return new ConversationVerdict(conversationId, turnCount, last, top != null,
                top == null ? Verdict.NO_SEVERITY : top.name(), out, evidence, pack);
    }

    /** The logit of an event score, clamped to {@code [SCORE_CLAMP, 1 - SCORE_CLAMP]}. */
    public static double logit(double score) {
        double p = Math.min(1 - SCORE_CLAMP, Math.max(SCORE_CLAMP, score));
        return Math.log(p / (1 - p));
    }
}
