package dev.saemonitor.activations;

/**
 * Maps the tokenizer's offsets (Unicode code points) to Java string (UTF-16) offsets. Pure ASCII and
 * BMP-only text maps to itself; only texts with surrogate pairs need the table.
 */
final class CharOffsets {
    private final int[] utf16ByCodePoint;

    private CharOffsets(int[] table) {
        this.utf16ByCodePoint = table;
    }

    static CharOffsets of(String text) {
        int cps = text.codePointCount(0, text.length());
        if (cps == text.length()) {
            return new CharOffsets(null);
        }
        int[] table = new int[cps + 1];
        int u = 0;
        for (int c = 0; c < cps; c++) {
            table[c] = u;
            u += Character.charCount(text.codePointAt(u));
        }
        table[cps] = u;
        return new CharOffsets(table);
    }

    int toUtf16(int codePoint) {
        if (utf16ByCodePoint == null) {
            return codePoint;
        }
        return utf16ByCodePoint[Math.min(Math.max(codePoint, 0), utf16ByCodePoint.length - 1)];
    }
}
