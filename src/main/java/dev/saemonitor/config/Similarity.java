package dev.saemonitor.config;

import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;

/** How alike two dotted key names are: edit distance, and the words they share. */
final class Similarity {
    private Similarity() {
    }

    /** Levenshtein distance (insertions, deletions and substitutions of one character). */
    static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1], cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int sub = prev[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                cur[j] = Math.min(sub, Math.min(prev[j], cur[j - 1]) + 1);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }

    /** Words (split at dots) that occur in both names. */
    static int sharedWords(String a, String b) {
        Set<String> wa = new HashSet<>(Arrays.asList(a.split("\\.")));
        wa.retainAll(Arrays.asList(b.split("\\.")));
        wa.remove("");
        return wa.size();
    }
}
