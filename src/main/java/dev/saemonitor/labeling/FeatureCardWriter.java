package dev.saemonitor.labeling;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.saemonitor.modelpack.JsonLines;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Builds feature cards from {@link FeatureStats} and writes them as JSONL, keeping manual labels. */
public final class FeatureCardWriter {
    static final ObjectMapper JSON = new ObjectMapper();
    /** Characters of context on each side of the marked token. */
    static final int WINDOW = 60;

    private FeatureCardWriter() {
    }

    public static List<FeatureCard> cards(FeatureStats stats, List<String> texts, int contexts, Map<Integer, String> manual) {
        List<FeatureCard> out = new ArrayList<>();
        for (int f = 0; f < stats.dSae(); f++) {
            List<FeatureStats.Hit> hits = stats.top(f);
            List<String> topTokens = new ArrayList<>();
            List<FeatureCard.Context> ctx = new ArrayList<>();
            for (FeatureStats.Hit h : hits) {
                String text = texts.get(h.text());
                String tok = text.substring(h.start(), h.end());
                topTokens.add(tok);
                if (ctx.size() < contexts) {
                    ctx.add(new FeatureCard.Context(window(text, h.start(), h.end()), tok,
                            Math.round(h.activation() * 1000) / 1000.0));
                }
            }
            boolean isManual = manual.containsKey(f);
            String label = isManual ? manual.get(f) : AutoLabeler.label(topTokens, stats.tokenCounts, stats.tokens);
            out.add(new FeatureCard(f, label, isManual ? "manual" : "auto", stats.firingRate(f),
                    Math.round(stats.meanActivation(f) * 1000) / 1000.0, ctx));
        }
        return out;
    }

    /** {@code …left «token» right…}, cut at {@link #WINDOW} characters each side, on one line. */
    static String window(String text, int start, int end) {
        int a = Math.max(0, start - WINDOW), b = Math.min(text.length(), end + WINDOW);
        String s = (a > 0 ? "…" : "") + text.substring(a, start) + "«" + text.substring(start, end) + "»"
                + text.substring(end, b) + (b < text.length() ? "…" : "");
        return s.replace('\n', ' ').replace('\r', ' ');
    }

    /** Labels whose labelSource is "manual" in an existing features.jsonl (none if the file is absent). */
    public static Map<Integer, String> manualLabels(Path file) throws IOException {
        Map<Integer, String> m = new HashMap<>();
        if (!Files.isRegularFile(file)) {
            return m;
        }
        JsonLines.forEach(file, msg -> new IllegalArgumentException(file + ": " + msg), (lineNo, n) -> {
            if ("manual".equals(n.path("labelSource").asText())) {
                m.put(n.path("id").asInt(), n.path("label").asText(""));
            }
        });
        return m;
    }

    public static void write(Path file, List<FeatureCard> cards) throws IOException {
        try (BufferedWriter w = Files.newBufferedWriter(file)) {
            for (FeatureCard c : cards) {
                w.write(JSON.writeValueAsString(c));
                w.newLine();
            }
        }
    }
}
