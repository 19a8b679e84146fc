package dev.saemonitor.labeling;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.saemonitor.modelpack.FeatureCard;
import dev.saemonitor.sae.SparseCodes;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Cards from hand-made codes (no model): contexts, firing shares, category association, manual labels, JSON. */
class FeatureCardsTest {
    static final FeatureCardWriter.Settings SETTINGS = new FeatureCardWriter.Settings(2, 20, 3);

    @Test
    void windowMarksTheTokenAndCutsLongSides() {
        String text = "a".repeat(100) + "whale" + "b".repeat(100);
        String w = FeatureCardWriter.window(text, 100, 105);
        assertThat(w).isEqualTo("…" + "a".repeat(60) + "«whale»" + "b".repeat(60) + "…");
        assertThat(FeatureCardWriter.window("the whale\nsank", 4, 9)).isEqualTo("the «whale» sank");
        // the cut would fall inside an emoji (a surrogate pair) on either side: the pair is kept whole
        String emoji = "\uD83D\uDE00";
        String around = "x" + emoji + "a".repeat(59) + "whale" + "b".repeat(59) + emoji + "y";
        assertThat(FeatureCardWriter.window(around, 62, 67)).isEqualTo("…" + emoji + "a".repeat(59) + "«whale»"
                + "b".repeat(59) + emoji + "…");
    }

    /** Groups: corpus (texts 0-41), dangerous (text 42), benign (text 43). */
    static FeatureStats stats(List<String> texts) {
        FeatureStats s = new FeatureStats(3, 20, List.of(FeatureCardWriter.CORPUS, "dangerous", FeatureCard.BENIGN));
        for (int t = 0; t < texts.size(); t++) {
            int[] groups = t < 42 ? new int[] {0} : t == 42 ? new int[] {1} : new int[] {2};
            Words w = Words.of(texts.get(t));
            // one row per word; feature 0 fires on "explosives", feature 1 on every word, feature 2 never
            int n = w.size();
            int[] rowStart = new int[n + 1];
            List<Integer> feats = new java.util.ArrayList<>();
            List<Float> vals = new java.util.ArrayList<>();
            for (int r = 0; r < n; r++) {
                if (w.tokens()[r].equals("explosives")) {
                    feats.add(0);
                    vals.add(2f + t);
                }
                feats.add(1);
                vals.add(0.5f);
                rowStart[r + 1] = feats.size();
            }
            float[] v = new float[vals.size()];
            for (int i = 0; i < v.length; i++) {
                v[i] = vals.get(i);
            }
            s.add(t, groups, new SparseCodes(n, rowStart, feats.stream().mapToInt(Integer::intValue).toArray(), v),
                    0, n, w.start(), w.end());
        }
        return s;
    }

    static final List<String> TEXTS = new java.util.ArrayList<>(List.of(
            "pack the explosives past airport security tonight",
            "they hid explosives near airport security gates"));

    static {
        for (int i = 0; i < 40; i++) {
            TEXTS.add("the report of the team and the plan of the year, with security for the data");
        }
        TEXTS.add("smuggle explosives through airport security quietly");
        TEXTS.add("the cat sat on the mat");
    }

    @Test
    void cardsCarryFiringSharesCategoryAssociationAndPhraseLabels() {
        List<FeatureCard> cards = FeatureCardWriter.cards(stats(TEXTS), TEXTS, SETTINGS, Map.of());
        assertThat(cards).hasSize(3);
        FeatureCard explosives = cards.get(0);
        // fired on 2 of 42 corpus texts, the one dangerous text, not the benign one
        assertThat(explosives.benignFiringShare()).isEqualTo(0.0476);
        assertThat(explosives.categoryAssociation()).containsExactly(Map.entry("dangerous", 1.0), Map.entry("benign", 0.0));
        // "airport", "airport security", "explosives": in the 3 windows and nowhere else (equal z, tie
        // broken alphabetically); the bigram replaces "airport"; "security" is common elsewhere
        assertThat(explosives.label()).isEqualTo("airport security / explosives");
        assertThat(explosives.generic()).isFalse();
        // strongest first: text 42 (activation 44), then text 1 (3); two contexts kept
        assertThat(explosives.topContexts()).extracting(FeatureCard.Context::activation).containsExactly(44.0, 3.0);
        assertThat(explosives.topContexts().get(0).text()).isEqualTo("smuggle «explosives» through airport security quietly");
        FeatureCard everyWord = cards.get(1);
        assertThat(everyWord.benignFiringShare()).isEqualTo(1.0);
        assertThat(everyWord.categoryAssociation()).containsEntry("benign", 1.0);
        FeatureCard never = cards.get(2);
        assertThat(never.generic()).isTrue();
        assertThat(never.label()).isEmpty();
        assertThat(never.benignFiringShare()).isZero();
        assertThat(never.topContexts()).isEmpty();
    }

    @Test
    void aManualCardKeepsItsLabelAndGenericFlag() {
        FeatureCard hand = new FeatureCard(1, "every word (hand)", FeatureCard.MANUAL, false, 0, null, null, 0, null);
        List<FeatureCard> cards = FeatureCardWriter.cards(stats(TEXTS), TEXTS, SETTINGS, Map.of(1, hand));
        assertThat(cards.get(1).label()).isEqualTo("every word (hand)");
        assertThat(cards.get(1).labelSource()).isEqualTo("manual");
        assertThat(cards.get(1).generic()).isFalse();
        assertThat(cards.get(1).firingRate()).isPositive();
        assertThat(cards.get(0).labelSource()).isEqualTo("auto");
    }

    @Test
    void withoutCorpusOrLabelledGroupsTheSharesAreAbsent() {
        FeatureStats s = new FeatureStats(1, 5, List.of());
        List<FeatureCard> cards = FeatureCardWriter.cards(s, List.of(), SETTINGS, Map.of());
        assertThat(cards.get(0).benignFiringShare()).isNull();
        assertThat(cards.get(0).categoryAssociation()).isEmpty();
        assertThat(cards.get(0).toJson()).doesNotContain("benignFiringShare").doesNotContain("categoryAssociation");
    }

    @Test
    void oldCardLinesStillParseAndNewOnesRoundTrip() throws Exception {
        ObjectMapper json = new ObjectMapper();
        FeatureCard old = FeatureCard.fromJson(json.readTree("{\"id\":3,\"label\":\"measures\",\"labelSource\":\"auto\","
                + "\"firingRate\":0.5,\"meanActivation\":1.2,\"topContexts\":[{\"text\":\"«x»\",\"token\":\"x\",\"activation\":2.0}],"
                + "\"somethingNew\":1}"));
        assertThat(old.generic()).isFalse();
        assertThat(old.benignFiringShare()).isNull();
        assertThat(old.categoryAssociation()).isEmpty();
        assertThat(old.topContexts()).hasSize(1);
        FeatureCard bare = FeatureCard.fromJson(json.readTree("{\"id\":4,\"firingRate\":0.0}"));
        assertThat(bare.label()).isEmpty();
        assertThat(bare.labelSource()).isEqualTo("auto");
        assertThat(bare.manual()).isFalse();

        FeatureCard card = new FeatureCard(7, "explosives / airport security", "auto", false, 0.01, 0.02,
                Map.of("dangerous_content", 0.4, "benign", 0.01), 1.5, List.of(new FeatureCard.Context("«a»", "a", 1.0)));
        String line = card.toJson();
        assertThat(json.readTree(line).path("generic").asBoolean(true)).isFalse();
        assertThat(json.readTree(line).path("categoryAssociation").path("dangerous_content").asDouble()).isEqualTo(0.4);
        assertThat(json.readTree(line).has("manual")).isFalse();
        assertThat(FeatureCard.fromJson(json.readTree(line))).isEqualTo(card);
    }
}
