package dev.saemonitor.activations;

/**
 * The residual stream of one text at the pack's layer: {@code rows[t * d + j]} for content token
 * {@code t}, with the tokens' character spans and the number of reader windows that covered it.
 * {@code windows} is 0 for activations an event carried without token spans ({@link #withoutSpans}).
 */
public record TextActivations(int tokens, int d, float[] rows, int[] charStart, int[] charEnd, int windows) {
    public TextActivations {
        if ((long) tokens * d != rows.length || charStart.length != tokens || charEnd.length != tokens) {
            throw new IllegalArgumentException("activations of " + tokens + " tokens x " + d + " do not match their arrays");
        }
    }

    /** True when {@code charStart} / {@code charEnd} hold the tokens' spans into the text. */
    public boolean hasSpans() {
        return windows > 0;
    }

    /** Activations supplied by the caller (no spans known): spans are empty. */
    public static TextActivations withoutSpans(int tokens, int d, float[] rows) {
        return new TextActivations(tokens, d, rows, new int[tokens], new int[tokens], 0);
    }
}
