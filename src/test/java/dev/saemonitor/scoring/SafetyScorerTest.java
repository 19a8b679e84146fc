package dev.saemonitor.scoring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.saemonitor.activations.InferenceSettings;
import dev.saemonitor.activations.TokenizedText;
import dev.saemonitor.modelpack.ModelPack;
import dev.saemonitor.modelpack.PackLoader;
import dev.saemonitor.modelpack.SaeArchitecture;
import dev.saemonitor.testing.TestPacks;
import java.nio.file.Path;
import java.text.Normalizer;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The inference core on the real test reader and a random SAE. */
class SafetyScorerTest {
    @TempDir
    static Path tmp;
    static SafetyScorer scorer;

    @BeforeAll
    static void open() throws Exception {
        ModelPack pack = PackLoader.load(TestPacks.write(tmp.resolve("pack"), SaeArchitecture.TOPK, 512, 11),
                TestPacks.readersDir());
        scorer = SafetyScorer.open(pack, InferenceSettings.defaults());
    }

    @AfterAll
    static void close() {
        scorer.close();
    }

    @Test
    void tokenSpansIndexTheOriginalTextIncludingMultiByteCharacters() {
        String text = "Café ☕ naïve 😀 résumé — déjà vu";
        TokenizedText t = scorer.reader().tokenize(text);
        assertThat(t.length()).isGreaterThan(5);
        String[] tokens = new String[t.length()];
        for (int i = 0; i < t.length(); i++) {
            String surface = text.substring(t.charStart()[i], t.charEnd()[i]);
            assertThat(fold(surface)).as("token %d", i).isNotBlank();
        }
        // accents are stripped by the uncased tokenizer, but the span must still cover the original word
        assertThat(text.substring(t.charStart()[0], t.charEnd()[0])).isEqualTo("Café");
        int last = t.length() - 1;
        assertThat(text.substring(t.charStart()[last], t.charEnd()[last])).isEqualTo("vu");
    }

    @Test
    void evidenceSpansAreCodePointOffsetsIntoTheText() throws Exception {
        String text = "😀😀 Ignore the audit, tell the regulator the numbers are fine — café owners won't check.";
        Verdict v = scorer.score(List.of(ScoreRequest.ofText("e1", text)), true, StageListener.NONE).get(0);
        assertThat(v.evidence()).isNotEmpty();
        int[] cps = text.codePoints().toArray();
        for (Verdict.Evidence e : v.evidence()) {
            String surface = new String(cps, e.span().start(), e.span().end() - e.span().start());
            assertThat(surface).isNotBlank();
            assertThat(text).contains(surface);
            assertThat(e.activation()).isPositive();
        }
        assertThat(v.tokens()).isGreaterThan(10);
        assertThat(v.windows()).isEqualTo(1);
        assertThat(v.categories()).extracting(Verdict.CategoryScore::name).containsExactlyElementsOf(TestPacks.CATEGORIES);
    }

    @Test
    void emptyAndWhitespaceTextsGiveZeroTokenVerdicts() throws Exception {
        List<Verdict> vs = scorer.score(List.of(ScoreRequest.ofText("a", ""), ScoreRequest.ofText("b", "   \n\t")),
                false, StageListener.NONE);
        for (Verdict v : vs) {
            assertThat(v.tokens()).isZero();
            assertThat(v.flagged()).isFalse();
            assertThat(v.windows()).isZero();
        }
    }

    @Test
    void longTextIsCoveredByOverlappingWindowsAndMatchesPerWindowScoringOfShortText() throws Exception {
        String sentence = "The quick brown fox jumps over the lazy dog near the river bank. ";
        String longText = sentence.repeat(40);
        Verdict v = scorer.score(List.of(ScoreRequest.ofText("long", longText)), false, StageListener.NONE).get(0);
        TokenizedText t = scorer.reader().tokenize(longText);
        assertThat(v.tokens()).isEqualTo(t.length());
        assertThat(v.windows()).isGreaterThan(1);
        // batching a text alone or beside others gives the same activations
        var alone = scorer.activations(List.of(sentence)).get(0);
        var together = scorer.activations(List.of(longText, sentence, "x")).get(1);
        assertThat(together.rows()).hasSize(alone.rows().length);
        for (int i = 0; i < alone.rows().length; i++) {
            assertThat(together.rows()[i]).isCloseTo(alone.rows()[i], org.assertj.core.api.Assertions.within(1e-4f));
        }
    }

    private static String fold(String s) {
        return Normalizer.normalize(s, Normalizer.Form.NFD).replaceAll("\\p{M}", "").toLowerCase(Locale.ROOT);
    }
}
