package dev.saemonitor.config;

import io.smallrye.config.ConfigMappings;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The keys of a {@code @ConfigMapping} root as SmallRye derives them from the interface (a map's key
 * segment is {@code *}), with their environment-variable spellings, so a set key can be checked against
 * them and a misspelled one answered with the nearest known keys.
 */
public record KnownKeys(List<String> keys) {

    /** The keys of {@link MonitorConfig}. */
    public static KnownKeys monitor() {
        return of(MonitorConfig.class, "monitor");
    }

    static KnownKeys of(Class<?> mapping, String prefix) {
        return new KnownKeys(ConfigMappings.getProperties(new ConfigMappings.ConfigClass(mapping, prefix)).keySet()
                .stream().sorted().toList());
    }

    /** Whether {@code key} (dotted) is a key of the mapping or an entry of one of its maps. */
    public boolean knows(String key) {
        return keys.stream().anyMatch(k -> matches(k, key));
    }

    /** The key an environment variable name sets ({@code MONITOR_ONNX_PROVIDER} → {@code monitor.onnx.provider}). */
    public Optional<String> keyOfEnv(String env) {
        return keys.stream().filter(k -> {
            if (k.endsWith(".*")) {
                String stem = envName(k.substring(0, k.length() - 1));
                return env.startsWith(stem) && env.length() > stem.length();
            }
            return env.equals(envName(k));
        }).findFirst();
    }

    /** SmallRye's environment spelling of a key: every character but letters and digits becomes {@code _}, upper case. */
    public static String envName(String key) {
        return key.replaceAll("[^A-Za-z0-9]", "_").toUpperCase(Locale.ROOT);
    }

    /** Up to {@code max} known keys nearest to {@code unknown}, nearest first; none when nothing is close. */
    public List<String> nearest(String unknown, int max) {
        String u = words(unknown);
        List<Candidate> near = keys.stream()
                .map(k -> new Candidate(k, Similarity.distance(u, words(k)), Similarity.sharedWords(u, words(k))))
                .filter(c -> c.shared > 0 || c.distance <= Math.max(2, u.length() / 3))
                .sorted(Comparator.comparingInt(Candidate::score).thenComparing(Candidate::key))
                .limit(max).toList();
        // a plain typo (one or two characters off) has one answer; otherwise offer the few closest
        if (near.size() > 1 && near.get(0).distance <= 2 && near.get(1).distance > 2) {
            return List.of(near.get(0).key);
        }
        return near.stream().map(Candidate::key).toList();
    }

    private record Candidate(String key, int distance, int shared) {
        int score() {
            return distance - 4 * shared;
        }
    }

    /** The key without its root, lower case, words joined by dots: {@code MONITOR_ONNX_PROVIDER} → {@code onnx.provider}. */
    private static String words(String key) {
        String w = key.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9*]+", ".");
        return w.startsWith("monitor.") ? w.substring("monitor.".length()) : w;
    }

    private static boolean matches(String known, String key) {
        if (known.endsWith(".*")) {
            String stem = known.substring(0, known.length() - 1);
            return key.startsWith(stem) && key.length() > stem.length();
        }
        return known.equals(key);
    }
}
