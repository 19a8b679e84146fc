package dev.saemonitor.conversation;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.saemonitor.modelpack.Catalog;
import dev.saemonitor.scoring.Pooling;
import dev.saemonitor.scoring.Verdict;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Conversation scoring on hand-made turns: a request split over turns, none of which crosses its event
 * threshold, is flagged at the conversation level; benign conversations and the baseline are not.
 */
class ConversationScorerTest {
    static final int D_SAE = 16;
    static final int F1 = 3, F2 = 7, NOISE = 11;
    /** Event head: two max-pooled terms; one of them alone gives logit -1 (score 0.27), both +2 (0.88). */
    static final Catalog.Category DECEPTION = new Catalog.Category("deception", Catalog.Severity.warning, -4, 0.7,
            List.of(new Catalog.Feature(F1, Catalog.Pool.max, 3, "part one", 0.1),
                    new Catalog.Feature(F2, Catalog.Pool.max, 3, "part two", 0.1)), null);
    static final Catalog.Segmentation SEG = new Catalog.Segmentation(32, 8);

    static Catalog catalog(Catalog.Conversation conv) {
        return new Catalog(SEG, List.of(DECEPTION), conv);
    }

    /** A turn as ConversationScorer.turn keeps it: event score from its best segment's terms, head features. */
    static TurnFeatures turn(String id, float f1, float f2, int[] feats, float[] vals) {
        double z = DECEPTION.bias() + 3 * f1 + 3 * f2;
        List<Verdict.Span> spans = new ArrayList<>();
        for (int i = 0; i < feats.length; i++) {
            spans.add(new Verdict.Span(i, i + 4));
        }
        return new TurnFeatures(id, "prompt", 0L, 10, new double[] {Pooling.sigmoid(z)}, feats, vals, List.of(), spans,
                new float[][] {{f1, f2}}, new int[] {10}, List.of(new Verdict.Span(0, 40)));
    }

    static final TurnFeatures PART_ONE = turn("e1", 1, 0, new int[] {F1}, new float[] {1});
    static final TurnFeatures PART_TWO = turn("e3", 0, 1, new int[] {F2}, new float[] {1});
    static final TurnFeatures BENIGN = turn("e2", 0, 0, new int[] {NOISE}, new float[] {2});

    /** A learned head over the two features max-pooled across turns plus the joined event logit. */
    static final Catalog.Conversation LEARNED = new Catalog.Conversation(6, 1, List.of(new Catalog.ConversationHead(
            "deception", -4, 0.5, 0.8, List.of(new Catalog.ConversationFeature(F1, 3, "one", 0.01),
            new Catalog.ConversationFeature(F2, 3, "two", 0.01)), null)));
    /** The event head applied across up to two turns, nothing learned but the threshold. */
    static final Catalog.Conversation JOINED = new Catalog.Conversation(6, 2, List.of(new Catalog.ConversationHead(
            "deception", 0, 1, 0.8, List.of(), null)));

    @Test
    void splitRequestFlagsAtTheConversationLevelWhileNoTurnCrossesItsEventThreshold() {
        List<TurnFeatures> split = List.of(PART_ONE, BENIGN, PART_TWO);
        assertThat(split).allSatisfy(t -> assertThat(t.eventScores()[0]).isLessThan(DECEPTION.threshold()));
        for (Catalog.Conversation conv : List.of(LEARNED, JOINED)) {
            ConversationScorer s = new ConversationScorer(catalog(conv), D_SAE);
            ConversationVerdict v = s.score("c", 3, split, null);
            double convScore = v.categories().get(0).score();
            double bestTurn = split.stream().mapToDouble(t -> t.eventScores()[0]).max().orElseThrow();
            assertThat(convScore).as(conv.toString()).isGreaterThan(bestTurn).isGreaterThanOrEqualTo(0.8);
            assertThat(v.flagged()).isTrue();
            assertThat(v.severity()).isEqualTo("warning");
            assertThat(v.lastEventId()).isEqualTo("e3");
            // evidence names both parts, each in the event where it fired
            assertThat(v.evidence()).extracting(ConversationVerdict.Evidence::eventId).contains("e1", "e3");
            assertThat(v.evidence()).allSatisfy(e -> assertThat(e.span()).isNotNull());
            // one part alone stays clear
            assertThat(s.score("c", 1, List.of(PART_ONE), null).flagged()).isFalse();
        }
    }

    @Test
    void benignConversationStaysClearAndTheBaselineMissesTheSplitRequest() {
        for (Catalog.Conversation conv : List.of(LEARNED, JOINED)) {
            ConversationScorer s = new ConversationScorer(catalog(conv), D_SAE);
            ConversationVerdict v = s.score("b", 4, List.of(BENIGN, BENIGN, BENIGN, BENIGN), null);
            assertThat(v.flagged()).isFalse();
            assertThat(v.categories().get(0).score()).isLessThan(0.5);
            assertThat(v.evidence()).isEmpty();
        }
        ConversationScorer baseline = new ConversationScorer(catalog(null), D_SAE);
        ConversationVerdict v = baseline.score("c", 3, List.of(PART_ONE, BENIGN, PART_TWO), null);
        assertThat(v.flagged()).isFalse();
        assertThat(v.categories().get(0).score()).isEqualTo(Math.round(PART_ONE.eventScores()[0] * 1e4) / 1e4);
        assertThat(v.categories().get(0).threshold()).isEqualTo(DECEPTION.threshold());
    }

    @Test
    void aTurnThatFlagsAsAnEventFlagsTheConversationWhateverTheHeadSays() {
        // both parts in one turn: event logit +2, score 0.88 over the event threshold 0.7
        TurnFeatures whole = turn("e9", 1, 1, new int[] {F1, F2}, new float[] {1, 1});
        assertThat(whole.eventScores()[0]).isGreaterThanOrEqualTo(DECEPTION.threshold());
        // a head whose own score never reaches its threshold (negative bias, threshold near 1)
        Catalog.Conversation deaf = new Catalog.Conversation(6, 1, List.of(new Catalog.ConversationHead(
                "deception", -20, 0.1, 0.999, List.of(), null)));
        ConversationScorer s = new ConversationScorer(catalog(deaf), D_SAE);
        List<TurnFeatures> turns = List.of(BENIGN, whole, BENIGN);
        assertThat(s.headScores(turns)[0]).isLessThan(0.999);
        ConversationVerdict v = s.score("c", 3, turns, null);
        assertThat(v.flagged()).isTrue();
        assertThat(v.categories().get(0).flagged()).isTrue();
        assertThat(v.categories().get(0).threshold()).isEqualTo(0.999);
        assertThat(s.rawScores(turns)[0]).isGreaterThanOrEqualTo(0.999);
        assertThat(v.evidence()).extracting(ConversationVerdict.Evidence::eventId).contains("e9");
        // below its event threshold the same turn maps below the head threshold, keeping the order of event scores
        TurnFeatures half = turn("e8", 1, 0.5f, new int[] {F1, F2}, new float[] {1, 0.5f});
        assertThat(half.eventScores()[0]).isLessThan(DECEPTION.threshold());
        double halfScore = s.rawScores(List.of(BENIGN, half))[0];
        assertThat(halfScore).isLessThan(0.999).isGreaterThan(s.rawScores(List.of(BENIGN, PART_ONE))[0]);
        assertThat(s.score("c", 2, List.of(BENIGN, half), null).flagged()).isFalse();
    }

    @Test
    void joiningOneTurnIsItsEventLogitAndTwoPartsAddUp() {
        ConversationScorer s = new ConversationScorer(catalog(JOINED), D_SAE);
        ConversationScorer.Pooled alone = s.pool(List.of(PART_ONE));
        assertThat(alone.joinedLogit()[0]).isCloseTo(-1, org.assertj.core.data.Offset.offset(1e-9));
        ConversationScorer.Pooled both = s.pool(List.of(PART_ONE, BENIGN, PART_TWO));
        assertThat(both.joinedLogit()[0]).isCloseTo(2, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(both.joinedTurns()[0]).containsExactly(0, 2);
    }

    @Test
    void harmLeavesTheWindowAndBenignTurnsNeverLowerTheScore() {
        ConversationScorer s = new ConversationScorer(catalog(LEARNED), D_SAE);
        List<TurnFeatures> turns = new ArrayList<>(List.of(PART_ONE, PART_TWO));
        double flagged = s.rawScores(turns)[0];
        for (int i = 0; i < 4; i++) {
            turns.add(BENIGN);
            assertThat(s.rawScores(turns)[0]).isEqualTo(flagged);
        }
        turns.add(BENIGN); // PART_ONE is now 7 turns back, outside the window of 6
        assertThat(s.rawScores(turns)[0]).isLessThan(0.8);
    }

    @Test
    void turnFeaturesRoundTripThroughJackson() throws Exception {
        ObjectMapper json = new ObjectMapper();
        TurnFeatures back = json.readValue(json.writeValueAsString(PART_ONE), TurnFeatures.class);
        ConversationScorer s = new ConversationScorer(catalog(JOINED), D_SAE);
        assertThat(s.rawScores(List.of(back, PART_TWO))).containsExactly(s.rawScores(List.of(PART_ONE, PART_TWO)));
        assertThat(back.span(0)).isEqualTo(PART_ONE.span(0));
        TurnFeatures old = new TurnFeatures("e9", "completion", 1L, 3, new double[] {0.1}, new int[0], new float[0], null);
        assertThat(json.readValue(json.writeValueAsString(old), TurnFeatures.class).segmentTerms()).isNull();
        // a turn kept without segment terms still counts alone through its event score
        assertThat(s.headScores(List.of(old))[0]).isCloseTo(Pooling.sigmoid(ConversationScorer.logit(0.1)),
                org.assertj.core.data.Offset.offset(1e-12));
    }
}
