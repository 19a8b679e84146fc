package dev.saemonitor.scoring;

import dev.saemonitor.modelpack.Catalog;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Cuts a text's tokens into the short overlapping segments a category is scored on, so one harmful
 * sentence in a long answer scores as it would alone: windows of {@code width} tokens every {@code stride}
 * tokens (the last one aligned to the end) inside each block (a paragraph or chat message: the text
 * between newlines), plus the same windows across the whole token stream, so harm split over blocks is
 * seen too. A block or text shorter than a window is one segment. Without a segmentation the whole text
 * is one segment.
 */
public final class Segments {
    private Segments() {
    }

    /** Token range {@code [from, to)} within a text. */
    public record Segment(int from, int to) {
        public int length() {
            return to - from;
        }
    }

    /**
     * @param tokens      the text's token count
     * @param blockStarts token indices where a block starts, ascending, the first 0 (null or empty: one block)
     */
    public static List<Segment> of(int tokens, int[] blockStarts, Catalog.Segmentation seg) {
        if (tokens == 0) {
            return List.of();
        }
        if (seg == null) {
            return List.of(new Segment(0, tokens));
        }
        Set<Segment> out = new LinkedHashSet<>();
        int[] starts = blockStarts == null || blockStarts.length == 0 ? new int[] {0} : blockStarts;
        if (starts.length > 1 && seg.perBlock()) {
            for (int b = 0; b < starts.length; b++) {
                int from = starts[b];
                int to = b + 1 < starts.length ? starts[b + 1] : tokens;
                if (to - from >= seg.minBlock()) {
                    windows(from, to, seg, out);
                }
            }
        }
        windows(0, tokens, seg, out);
        return new ArrayList<>(out);
    }

    static void windows(int from, int to, Catalog.Segmentation seg, Set<Segment> out) {
        if (to <= from) {
            return;
        }
        if (to - from <= seg.width()) {
            out.add(new Segment(from, to));
            return;
        }
        int last = to - seg.width();
        for (int s = from; s < last; s += seg.stride()) {
            out.add(new Segment(s, s + seg.width()));
        }
        out.add(new Segment(last, to));
    }

    /**
     * Token indices where a block of {@code text} starts: a token whose start follows a newline after the
     * previous token. {@code charStart} are UTF-16 offsets of the text's tokens.
     */
    public static int[] blockStarts(String text, int[] charStart) {
        if (text == null || charStart.length == 0) {
            return new int[] {0};
        }
        List<Integer> starts = new ArrayList<>();
        starts.add(0);
        for (int t = 1; t < charStart.length; t++) {
            int a = Math.max(0, Math.min(charStart[t - 1], text.length()));
            int b = Math.max(a, Math.min(charStart[t], text.length()));
            if (text.substring(a, b).indexOf('\n') >= 0) {
                starts.add(t);
            }
        }
        return starts.stream().mapToInt(Integer::intValue).toArray();
    }
}
