package dev.saemonitor.activations;

import java.util.ArrayList;
import java.util.List;

/**
 * Covers a token sequence with overlapping windows and gives each token to exactly one window. For a
 * bidirectional reader ({@link #plan}) that is the window where it sits farthest from an edge, so every token is
 * scored once with context on both sides. For a causal reader ({@link #planCausal}) a token sees only what comes
 * before it in its window, so a window's first {@code overlap} tokens are a warm-up: they give context and are
 * scored by the previous window, and every token past the first window is read with at least {@code overlap} tokens
 * before it. Either way no token is counted twice.
 */
public final class TokenWindows {
    private TokenWindows() {
    }

    /**
     * A window over content tokens {@code [start, end)} that owns (scores) {@code [ownFrom, ownTo)}.
     */
    public record Window(int start, int end, int ownFrom, int ownTo) {
        public int length() {
            return end - start;
        }
    }

    /**
     * @param tokens  content tokens in the text (special tokens excluded)
     * @param size    content tokens per window (the reader's window minus its special tokens)
     * @param overlap tokens shared by neighbouring windows, {@code 0 <= overlap < size}
     */
    public static List<Window> plan(int tokens, int size, int overlap) {
        if (size <= 0 || overlap < 0 || overlap >= size) {
            throw new IllegalArgumentException("need size > 0 and 0 <= overlap < size, got " + size + ", " + overlap);
        }
        List<Window> out = new ArrayList<>();
        if (tokens == 0) {
            return out;
        }
        int step = size - overlap;
        int start = 0;
        while (true) {
            int end = Math.min(tokens, start + size);
            out.add(new Window(start, end, 0, 0));
            if (end == tokens) {
                break;
            }
            start += step;
        }
        return owned(out, tokens);
    }

    /** As {@link #plan}, for a causal reader: each window owns the tokens after the previous window's end. */
    public static List<Window> planCausal(int tokens, int size, int overlap) {
        List<Window> starts = plan(tokens, size, overlap);
        List<Window> out = new ArrayList<>(starts.size());
        for (int i = 0; i < starts.size(); i++) {
            Window w = starts.get(i);
            out.add(new Window(w.start(), w.end(), i == 0 ? 0 : starts.get(i - 1).end(), w.end()));
        }
        return out;
    }

    private static List<Window> owned(List<Window> out, int tokens) {
        List<Window> owned = new ArrayList<>(out.size());
        for (int i = 0; i < out.size(); i++) {
            Window w = out.get(i);
            int from = i == 0 ? 0 : owned.get(i - 1).ownTo();
            int to = i == out.size() - 1 ? tokens : (w.end() + out.get(i + 1).start() + 1) / 2;
            owned.add(new Window(w.start(), w.end(), from, to));
        }
        return owned;
    }
}
