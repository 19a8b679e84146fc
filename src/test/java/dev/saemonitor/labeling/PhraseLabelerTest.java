package dev.saemonitor.labeling;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The n-gram scoring and label choice on hand-computed cases. */
class PhraseLabelerTest {

    static String[] w(String s) {
        return Words.of(s).tokens();
    }

    static Ngrams corpus(List<String> texts) {
        Ngrams c = new Ngrams();
        texts.forEach(t -> c.addAll(w(t)));
        return c;
    }

    @Test
    void logOddsZScoreMatchesAHandComputation() {
        // alpha = 10*4/100 = 0.4; delta = ln(2.4/17.6) - ln(4.4/105.6) = 1.185624; var = 1/2.4 + 1/4.4 = 0.643939
        assertThat(PhraseLabeler.z(2, 10, 4, 100)).isCloseTo(1.185624 / Math.sqrt(0.643939), within(1e-5));
        // the same rate in the windows as in the corpus: no evidence either way
        assertThat(PhraseLabeler.z(1, 10, 10, 100)).isCloseTo(0.0, within(1e-12));
        // three windows out of three occurrences beats three out of three hundred (rarer in the corpus)
        assertThat(PhraseLabeler.z(3, 20, 3, 1000)).isCloseTo(4.10075, within(1e-4));
        assertThat(PhraseLabeler.z(3, 20, 300, 1000)).isCloseTo(-1.15158, within(1e-4));
        assertThat(PhraseLabeler.z(0, 0, 5, 100)).isZero();
        assertThat(PhraseLabeler.z(5, 5, 100, 100)).isZero();
    }

    @Test
    void supportFloorIsAShareOfTheWindowsAndAtLeastTwo() {
        assertThat(PhraseLabeler.minSupport(1)).isEqualTo(2);
        assertThat(PhraseLabeler.minSupport(5)).isEqualTo(2);
        assertThat(PhraseLabeler.minSupport(20)).isEqualTo(3);
        assertThat(PhraseLabeler.minSupport(21)).isEqualTo(4);
    }

    @Test
    void contentPhrasesHaveNoPunctuationAndNoFunctionWordAtEitherEnd() {
        assertThat(PhraseLabeler.content("airport security")).isTrue();
        assertThat(PhraseLabeler.content("make a bomb")).isTrue();
        assertThat(PhraseLabeler.content("of the")).isFalse();
        assertThat(PhraseLabeler.content("the airport")).isFalse();
        assertThat(PhraseLabeler.content("security .")).isFalse();
        assertThat(PhraseLabeler.content(";")).isFalse();
        assertThat(PhraseLabeler.within("airport", "airport security")).isTrue();
        assertThat(PhraseLabeler.within("air", "airport security")).isFalse();
        assertThat(PhraseLabeler.within("airport security", "airport security")).isFalse();
    }

    @Test
    void ngramsOfAWindowAreEveryRunOfOneToThreeTokens() {
        assertThat(Ngrams.of(new String[] {"a", "b", "c", "d"}))
                .containsExactly("a", "a b", "a b c", "b", "b c", "b c d", "c", "c d", "d");
        assertThat(Ngrams.of(new String[0])).isEmpty();
    }

    @Test
    void labelNamesTheSharedDistinctivePhrasesNotTheFunctionWords() {
        List<String> windows = List.of("the airport security line .", "past airport security without",
                "of the airport security", "airport security and explosives", "the explosives in the");
        List<String> texts = new ArrayList<>(windows);
        for (int i = 0; i < 50; i++) {
            texts.add("the report of the team and the security of data in the line .");
        }
        List<String[]> ws = windows.stream().map(PhraseLabelerTest::w).toList();
        Ngrams c = corpus(texts);
        // "airport", "airport security" (4 windows, 4 in the corpus) tie on z; the longer one replaces
        // the shorter it contains; "explosives" (2 of 2) is next; "security", common in the corpus, is
        // inside the chosen bigram anyway; "the" and "of the" are function words
        List<PhraseLabeler.Phrase> ranked = PhraseLabeler.phrases(ws, c);
        PhraseLabeler.Phrase airport = ranked.stream().filter(p -> p.text().equals("airport")).findFirst().orElseThrow();
        PhraseLabeler.Phrase bigram = ranked.stream().filter(p -> p.text().equals("airport security")).findFirst().orElseThrow();
        assertThat(airport.support()).isEqualTo(4);
        assertThat(bigram.z()).isEqualTo(airport.z());
        assertThat(ranked.get(0).text()).isEqualTo("airport");
        PhraseLabeler.Label label = PhraseLabeler.label(ws, c);
        assertThat(label.text()).isEqualTo("airport security / explosives");
        assertThat(label.generic()).isFalse();
    }

    @Test
    void aLongerPhraseSeenInTooFewWindowsDoesNotReplaceTheShorterOne() {
        List<String> windows = List.of("harpoon line", "harpoon line", "harpoon rope", "harpoon shaft",
                "the harpoon", "a harpoon");
        List<String> texts = new ArrayList<>(windows);
        for (int i = 0; i < 30; i++) {
            texts.add("the whale and the sea and a ship on a line");
        }
        // "harpoon line" is in 2 of the 6 windows, below 2/3 of harpoon's 6; "line" is common in the corpus
        PhraseLabeler.Label label = PhraseLabeler.label(windows.stream().map(PhraseLabelerTest::w).toList(), corpus(texts));
        assertThat(label.text()).isEqualTo("harpoon");
    }

    @Test
    void contextsThatShareOnlyFunctionWordsGetAnHonestDiffuseLabel() {
        List<String> windows = List.of("the cat sat , and", "the dog ran , and", "the sun rose , and");
        List<String> texts = new ArrayList<>(windows);
        for (int i = 0; i < 20; i++) {
            texts.add("a man and a plan");
        }
        PhraseLabeler.Label label = PhraseLabeler.label(windows.stream().map(PhraseLabelerTest::w).toList(), corpus(texts));
        assertThat(label.generic()).isTrue();
        // "the" and "," are only in the windows (equal z, tie broken alphabetically); "and" is everywhere;
        // punctuation is quoted so that "/" cannot be read as the separator
        assertThat(label.text()).isEqualTo("diffuse: ',' / the");
        assertThat(PhraseLabeler.quoted("\"")).isEqualTo("'\"'");
        assertThat(PhraseLabeler.quoted("'")).isEqualTo("\"'\"");
        assertThat(PhraseLabeler.quoted("word")).isEqualTo("word");
        PhraseLabeler.Label nothingShared = PhraseLabeler.label(List.of(w("cat"), w("dog")), corpus(List.of("cat", "dog")));
        assertThat(nothingShared).isEqualTo(new PhraseLabeler.Label("diffuse: cat / dog", true));
    }
}
