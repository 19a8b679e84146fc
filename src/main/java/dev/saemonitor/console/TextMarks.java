package dev.saemonitor.console;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/**
 * Cuts a text into pieces at every span boundary, so each piece can be rendered with the evidence spans and flagged
 * segments that cover it. Spans count Unicode code points (as verdicts do) and are clipped to the text.
 */
public final class TextMarks {
    private TextMarks() {
    }

    /** A code point span {@code [start, end)} with what it marks: an evidence index, or -1 for a flagged segment. */
    public record Mark(int start, int end, int evidence) {
    }

    /** A run of text covered by the same marks; {@code evidence} lists the covering evidence indices. */
    public record Piece(String text, List<Integer> evidence, boolean segment) {
        public boolean marked() {
            return !evidence.isEmpty();
        }

        /** The evidence indices as {@code ev-0 ev-3}, for the element's class and the test's lookup. */
        public String classes() {
            StringBuilder b = new StringBuilder();
            for (int i : evidence) {
                b.append(b.isEmpty() ? "" : " ").append("ev-").append(i);
            }
            return b.toString();
        }
    }

    public static List<Piece> pieces(String text, List<Mark> marks) {
        int n = text.codePointCount(0, text.length());
        TreeSet<Integer> cuts = new TreeSet<>(List.of(0, n));
        for (Mark m : marks) {
            cuts.add(clip(m.start(), n));
            cuts.add(clip(m.end(), n));
        }
        List<Piece> out = new ArrayList<>();
        Integer prev = null;
        for (int cut : cuts) {
            if (prev != null && cut > prev) {
                List<Integer> ev = new ArrayList<>();
                boolean segment = false;
                for (Mark m : marks) {
                    if (clip(m.start(), n) <= prev && clip(m.end(), n) >= cut) {
                        if (m.evidence() < 0) {
                            segment = true;
                        } else if (!ev.contains(m.evidence())) {
                            ev.add(m.evidence());
                        }
                    }
                }
                out.add(new Piece(text.substring(text.offsetByCodePoints(0, prev), text.offsetByCodePoints(0, cut)),
                        ev, segment));
            }
            prev = cut;
        }
        return out;
    }

    private static int clip(int i, int n) {
        return Math.max(0, Math.min(n, i));
    }
}
