package dev.saemonitor.labeling;

import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Names a feature by the tokens most distinctive of its top activations: each token scores its
 * count among the top tokens times its inverse corpus frequency (log), and the best three, joined
 * with " / ", are the label.
 */
public final class AutoLabeler {
    private AutoLabeler() {
    }

    public static String label(List<String> topTokens, Map<String, Integer> corpusCounts, long corpusTokens) {
        Map<String, Integer> counts = new HashMap<>();
        for (String t : topTokens) {
            String k = normalise(t);
            if (!k.isEmpty()) {
                counts.merge(k, 1, Integer::sum);
            }
        }
        return counts.entrySet().stream()
                .sorted(Comparator.comparingDouble((Map.Entry<String, Integer> e) ->
                        -e.getValue() * Math.log((corpusTokens + 1.0) / (corpusCounts.getOrDefault(e.getKey(), 0) + 1.0)))
                        .thenComparing(Map.Entry::getKey))
                .limit(3).map(Map.Entry::getKey).collect(Collectors.joining(" / "));
    }

    static String normalise(String token) {
        return token.strip().toLowerCase(java.util.Locale.ROOT);
    }
}
