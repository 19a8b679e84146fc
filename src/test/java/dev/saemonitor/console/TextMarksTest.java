package dev.saemonitor.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Pieces cut at span boundaries, in code points, overlapping spans and segments, clipping. */
class TextMarksTest {

    @Test
    void overlappingEvidenceAndSegmentSplitIntoPieces() {
        List<TextMarks.Piece> p = TextMarks.pieces("abcdefgh", List.of(new TextMarks.Mark(1, 5, -1),
                new TextMarks.Mark(2, 4, 0), new TextMarks.Mark(3, 6, 1)));
        assertThat(p).extracting(TextMarks.Piece::text).containsExactly("a", "b", "c", "d", "e", "f", "gh");
        assertThat(p.get(2).evidence()).containsExactly(0);
        assertThat(p.get(3).evidence()).containsExactly(0, 1);
        assertThat(p.get(3).classes()).isEqualTo("ev-0 ev-1");
        assertThat(p.get(4).evidence()).containsExactly(1);
        assertThat(p.get(4).segment()).isTrue();
        assertThat(p.get(5).evidence()).containsExactly(1);
        assertThat(p.get(5).segment()).isFalse();
        assertThat(p.get(1).segment()).isTrue();
        assertThat(p.get(1).marked()).isFalse();
    }

    @Test
    void spansCountCodePointsAndAreClipped() {
        String text = "☕😀ab";
        List<TextMarks.Piece> p = TextMarks.pieces(text, List.of(new TextMarks.Mark(1, 3, 0), new TextMarks.Mark(3, 99, 1)));
        assertThat(p).extracting(TextMarks.Piece::text).containsExactly("☕", "😀a", "b");
        assertThat(String.join("", p.stream().map(TextMarks.Piece::text).toList())).isEqualTo(text);
    }

    @Test
    void noMarksOnePieceEmptyTextNone() {
        assertThat(TextMarks.pieces("plain", List.of())).extracting(TextMarks.Piece::text).containsExactly("plain");
        assertThat(TextMarks.pieces("", List.of(new TextMarks.Mark(0, 3, 0)))).isEmpty();
    }
}
