package dev.saemonitor.labeling;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A text cut into lower-cased word tokens (letters and digits, with inner apostrophes or hyphens:
 * {@code don't}, {@code e-mail}) and single-character punctuation tokens, each with its character
 * span. Phrases for labels are built from these, not from the reader's word pieces.
 */
record Words(String[] tokens, int[] start, int[] end) {

    static Words of(String text) {
        List<String> toks = new ArrayList<>();
        List<int[]> spans = new ArrayList<>();
        int i = 0, n = text.length();
        while (i < n) {
            int cp = text.codePointAt(i);
            if (Character.isWhitespace(cp) || Character.isISOControl(cp)) {
                i += Character.charCount(cp);
            } else if (Character.isLetterOrDigit(cp)) {
                int j = i + Character.charCount(cp);
                while (j < n) {
                    int c = text.codePointAt(j);
                    if (Character.isLetterOrDigit(c)) {
                        j += Character.charCount(c);
                    } else if (isJoiner(c) && j + 1 < n && Character.isLetterOrDigit(text.codePointAt(j + 1))) {
                        j++;
                    } else {
                        break;
                    }
                }
                toks.add(text.substring(i, j).toLowerCase(Locale.ROOT).replace('’', '\''));
                spans.add(new int[] {i, j});
                i = j;
            } else {
                int j = i + Character.charCount(cp);
                toks.add(text.substring(i, j));
                spans.add(new int[] {i, j});
                i = j;
            }
        }
        int[] s = new int[spans.size()], e = new int[spans.size()];
        for (int k = 0; k < s.length; k++) {
            s[k] = spans.get(k)[0];
            e[k] = spans.get(k)[1];
        }
        return new Words(toks.toArray(String[]::new), s, e);
    }

    private static boolean isJoiner(int c) {
        return c == '\'' || c == '’' || c == '-';
    }

    int size() {
        return tokens.length;
    }

    static boolean isWord(String token) {
        return !token.isEmpty() && Character.isLetterOrDigit(token.codePointAt(0));
    }

    /** The token that holds character {@code pos}, else the first after it, else the last; -1 if none. */
    int indexAt(int pos) {
        int lo = 0, hi = tokens.length - 1, ans = tokens.length;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            if (end[mid] > pos) {
                ans = mid;
                hi = mid - 1;
            } else {
                lo = mid + 1;
            }
        }
        return ans < tokens.length ? ans : tokens.length - 1;
    }

    /** The tokens within {@code radius} of the token at character {@code pos}. */
    String[] window(int pos, int radius) {
        int i = indexAt(pos);
        if (i < 0) {
            return new String[0];
        }
        return java.util.Arrays.copyOfRange(tokens, Math.max(0, i - radius), Math.min(tokens.length, i + radius + 1));
    }
}
