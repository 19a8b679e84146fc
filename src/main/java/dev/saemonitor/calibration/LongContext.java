package dev.saemonitor.calibration;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Builds the traffic a positive really arrives in: the positive text inserted among benign texts, as
 * one sentence of a longer answer. Deterministic for a seed, so {@code calibrate} and {@code eval} build the
 * same sets on every run.
 */
public final class LongContext {
    /** Inserted inside one paragraph (the hardest case: no block boundary marks it). */
    public static final String SAME_PARAGRAPH = " ";
    /** Inserted as its own paragraph. */
    public static final String OWN_PARAGRAPH = "\n\n";

    private LongContext() {
    }

    /** A built text and where the inserted part lies, {@code [from, to)} in UTF-16 chars. */
    public record Embedded(String text, int from, int to) {
    }

    /** {@code inserted} placed before context text {@code position} (0..context.size()), joined by {@code sep}. */
    public static Embedded embed(String inserted, List<String> context, int position, String sep) {
        StringBuilder sb = new StringBuilder();
        int from = -1, to = -1;
        for (int i = 0; i <= context.size(); i++) {
            if (i == position) {
                if (!sb.isEmpty()) {
                    sb.append(sep);
                }
                from = sb.length();
                sb.append(inserted.strip());
                to = sb.length();
            }
            if (i < context.size()) {
                if (!sb.isEmpty()) {
                    sb.append(sep);
                }
                sb.append(context.get(i).strip());
            }
        }
        return new Embedded(sb.toString(), from, to);
    }

    /** {@code k} distinct texts of {@code pool} drawn by {@code rnd} (all of them when the pool is smaller). */
    public static List<String> draw(List<String> pool, int k, Random rnd) {
        List<String> out = new ArrayList<>();
        if (pool.isEmpty()) {
            return out;
        }
        int n = Math.min(k, pool.size());
        java.util.Set<Integer> taken = new java.util.HashSet<>();
        while (out.size() < n) {
            int j = rnd.nextInt(pool.size());
            if (taken.add(j)) {
                out.add(pool.get(j));
            }
        }
        return out;
    }

    /** Benign texts joined {@code k} at a time, each text used once: the FPR on long benign answers. */
    public static List<String> concatenations(List<String> benign, int k, String sep) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i + k <= benign.size(); i += k) {
            out.add(String.join(sep, benign.subList(i, i + k).stream().map(String::strip).toList()));
        }
        return out;
    }
}
