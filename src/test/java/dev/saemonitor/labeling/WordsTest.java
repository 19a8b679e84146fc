package dev.saemonitor.labeling;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class WordsTest {
    @Test
    void wordsKeepInnerApostrophesAndHyphensAndPunctuationIsItsOwnToken() {
        Words w = Words.of("Don’t  pass—airport e-mail security!\n");
        assertThat(w.tokens()).containsExactly("don't", "pass", "—", "airport", "e-mail", "security", "!");
        assertThat(w.start()).containsExactly(0, 7, 11, 12, 20, 27, 35);
        assertThat(w.end()).containsExactly(5, 11, 12, 19, 26, 35, 36);
        assertThat(Words.of("  \n").tokens()).isEmpty();
        assertThat(Words.of("end-").tokens()).containsExactly("end", "-");
    }

    @Test
    void windowIsTheTokensAroundTheOneHoldingTheCharacter() {
        Words w = Words.of("a b c d e f g h");
        // "e" is at character 8
        assertThat(w.window(8, 3)).containsExactly("b", "c", "d", "e", "f", "g", "h");
        assertThat(w.window(0, 2)).containsExactly("a", "b", "c");
        assertThat(w.window(14, 1)).containsExactly("g", "h");
        // a space between tokens: the next token
        assertThat(w.indexAt(1)).isEqualTo(1);
        assertThat(w.indexAt(99)).isEqualTo(7);
        assertThat(Words.of("").window(0, 3)).isEmpty();
    }
}
