package dev.saemonitor.activations;

/**
 * A text's content tokens (special tokens excluded) with each token's character span in the
 * original Java string, {@code [charStart, charEnd)} in UTF-16 code units.
 */
public record TokenizedText(long[] ids, int[] charStart, int[] charEnd) {
    public int length() {
        return ids.length;
    }

    public static TokenizedText empty() {
        return new TokenizedText(new long[0], new int[0], new int[0]);
    }
}
