package dev.saemonitor.labeling;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Occurrence counts of word n-grams (orders 1..{@link #MAX_N}, tokens joined by one space) and their
 * total, for a whole corpus or for one feature's context windows.
 */
final class Ngrams {
    static final int MAX_N = 3;
    private final Map<String, Integer> counts = new HashMap<>();
    private long total;

    /** Every n-gram of order 1..{@link #MAX_N} lying wholly in {@code tokens}, in order of position then length. */
    static List<String> of(String[] tokens) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < tokens.length; i++) {
            StringBuilder sb = new StringBuilder();
            for (int n = 1; n <= MAX_N && i + n <= tokens.length; n++) {
                if (n > 1) {
                    sb.append(' ');
                }
                sb.append(tokens[i + n - 1]);
                out.add(sb.toString());
            }
        }
        return out;
    }

    void addAll(String[] tokens) {
        for (String g : of(tokens)) {
            add(g, 1);
        }
    }

    void add(String ngram, int times) {
        counts.merge(ngram, times, Integer::sum);
        total += times;
    }

    int count(String ngram) {
        return counts.getOrDefault(ngram, 0);
    }

    long total() {
        return total;
    }

    Map<String, Integer> counts() {
        return counts;
    }
}
