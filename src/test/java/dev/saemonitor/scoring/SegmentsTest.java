package dev.saemonitor.scoring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.saemonitor.modelpack.Catalog;
import dev.saemonitor.sae.SparseCodes;
import java.util.List;
import org.junit.jupiter.api.Test;

class SegmentsTest {
    static final Catalog.Segmentation W4S2 = new Catalog.Segmentation(4, 2);

    @Test
    void noTokensNoSegments() {
        assertThat(Segments.of(0, null, W4S2)).isEmpty();
    }

    @Test
    void shortTextIsOneSegment() {
        assertThat(Segments.of(3, null, W4S2)).containsExactly(new Segments.Segment(0, 3));
    }

    @Test
    void withoutSegmentationTheWholeTextIsOne() {
        assertThat(Segments.of(50, new int[] {0, 10}, null)).containsExactly(new Segments.Segment(0, 50));
    }

    @Test
    void windowsCoverEveryTokenAndTheLastIsAlignedToTheEnd() {
        List<Segments.Segment> s = Segments.of(9, null, W4S2);
        assertThat(s).containsExactly(new Segments.Segment(0, 4), new Segments.Segment(2, 6),
                new Segments.Segment(4, 8), new Segments.Segment(5, 9));
    }

    @Test
    void blocksAreSegmentedAloneAndAcrossEachOther() {
        // blocks [0,3) [3,9): the first block alone, windows inside the second, and windows across both
        List<Segments.Segment> s = Segments.of(9, new int[] {0, 3}, W4S2);
        assertThat(s).contains(new Segments.Segment(0, 3), new Segments.Segment(3, 7), new Segments.Segment(5, 9),
                new Segments.Segment(0, 4), new Segments.Segment(2, 6));
        assertThat(s).doesNotHaveDuplicates();
    }

    @Test
    void blockStartsFollowNewlines() {
        String text = "ab cd\nef\n\ngh";
        int[] starts = {0, 3, 6, 10};
        assertThat(Segments.blockStarts(text, starts)).containsExactly(0, 2, 3);
        assertThat(Segments.blockStarts(null, starts)).containsExactly(0);
    }

    @Test
    void oneHarmfulSegmentScoresAsItWouldAlone() {
        // feature 1 fires on tokens 8..11 only; mean-pooled head: the text score is that segment's score
        int tokens = 12;
        int[] rowStart = new int[tokens + 1];
        int[] feats = new int[4];
        float[] vals = new float[4];
        for (int r = 0; r < tokens; r++) {
            rowStart[r + 1] = rowStart[r] + (r >= 8 ? 1 : 0);
        }
        for (int i = 0; i < 4; i++) {
            feats[i] = 1;
            vals[i] = 2f;
        }
        SparseCodes codes = new SparseCodes(tokens, rowStart, feats, vals);
        Catalog.Category c = new Catalog.Category("x", Catalog.Severity.warning, -1.0, 0.5,
                List.of(new Catalog.Feature(1, Catalog.Pool.mean, 1.0, "f1", null)), null);
        CategoryScorer segmented = new CategoryScorer(new Catalog(W4S2, List.of(c)), 4, id -> "f" + id);
        CategoryScorer whole = new CategoryScorer(new Catalog(List.of(c)), 4, id -> "f" + id);
        CategoryScorer.Scored s = segmented.score(codes, 0, tokens, null, t -> new Verdict.Span(t, t + 1), false);
        assertThat(s.rawScores()[0]).isCloseTo(Pooling.sigmoid(-1 + 2.0), org.assertj.core.api.Assertions.within(1e-6));
        assertThat(s.categories().get(0).flagged()).isTrue();
        assertThat(s.categories().get(0).segment()).isEqualTo(new Verdict.Span(8, 12));
        assertThat(s.evidence()).singleElement().satisfies(e -> assertThat(e.span().start()).isBetween(8, 11));
        // pooled over the whole text the same evidence is diluted to a third
        assertThat(whole.score(codes, 0, tokens, null, null, false).rawScores()[0])
                .isCloseTo(Pooling.sigmoid(-1 + 2.0 / 3), org.assertj.core.api.Assertions.within(1e-6));
    }

    @Test
    void blocksShorterThanTheMinimumGetNoWindowsOfTheirOwn() {
        // blocks [0, 3), [3, 30), [30, 40); windows of 8 every 4; blocks under 5 tokens get none of their own
        List<Segments.Segment> segs = Segments.of(40, new int[] {0, 3, 30}, new Catalog.Segmentation(8, 4, true, 5));
        assertThat(segs).doesNotContain(new Segments.Segment(0, 3));
        assertThat(segs).contains(new Segments.Segment(3, 11), new Segments.Segment(22, 30), new Segments.Segment(30, 38));
        // without the minimum the 3-token heading is a segment of its own
        assertThat(Segments.of(40, new int[] {0, 3, 30}, new Catalog.Segmentation(8, 4, true, null)))
                .contains(new Segments.Segment(0, 3));
        // without block windows only the windows across the text remain
        assertThat(Segments.of(40, new int[] {0, 3, 30}, new Catalog.Segmentation(8, 4, false)))
                .allSatisfy(s -> assertThat(s.from() % 4 == 0 || s.to() == 40).isTrue())
                .doesNotContain(new Segments.Segment(3, 11));
    }
}
