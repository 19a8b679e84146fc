package dev.saemonitor.labeling;

import dev.saemonitor.modelpack.FeatureCard;
import dev.saemonitor.modelpack.JsonLines;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds feature cards from {@link FeatureStats} (labels by {@link PhraseLabeler}, firing shares per
 * text group) and writes them as JSONL; a card whose labelSource is manual keeps its label and its
 * {@code generic} flag (a person's judgement beats the heuristic).
 */
public final class FeatureCardWriter {
    /** The text group whose firing share is {@code benignFiringShare}; every other group goes to categoryAssociation. */
    public static final String CORPUS = "corpus";
    /** Characters of context on each side of the marked token. */
    static final int WINDOW = 60;

    private FeatureCardWriter() {
    }

    /**
     * @param contexts      top contexts written on each card
     * @param labelContexts top contexts whose phrases make the label
     * @param windowWords   words (and punctuation marks) each side of the peak that count as its context
     */
    public record Settings(int contexts, int labelContexts, int windowWords) {
    }

    public static List<FeatureCard> cards(FeatureStats stats, List<String> texts, Settings settings,
                                          Map<Integer, FeatureCard> manual) {
        Words[] words = new Words[texts.size()];
        Ngrams corpus = new Ngrams();
        for (int i = 0; i < words.length; i++) {
            words[i] = Words.of(texts.get(i));
            corpus.addAll(words[i].tokens());
        }
        int corpusGroup = stats.groups().indexOf(CORPUS);
        List<FeatureCard> out = new ArrayList<>();
        for (int f = 0; f < stats.dSae(); f++) {
            List<FeatureStats.Hit> hits = stats.top(f);
            List<String[]> windows = new ArrayList<>();
            List<FeatureCard.Context> ctx = new ArrayList<>();
            for (FeatureStats.Hit h : hits) {
                String text = texts.get(h.text());
                if (windows.size() < settings.labelContexts()) {
                    windows.add(words[h.text()].window(h.start(), settings.windowWords()));
                }
                if (ctx.size() < settings.contexts()) {
                    ctx.add(new FeatureCard.Context(window(text, h.start(), h.end()), text.substring(h.start(), h.end()),
                            round(h.activation(), 1000)));
                }
            }
            FeatureCard hand = manual.get(f);
            String label;
            boolean generic;
            if (hand != null) {
                label = hand.label();
                generic = hand.generic();
            } else if (windows.isEmpty()) {
                label = "";
                generic = true;
            } else {
                PhraseLabeler.Label l = PhraseLabeler.label(windows, corpus);
                label = l.text();
                generic = l.generic();
            }
            Double benign = corpusGroup < 0 || stats.texts(corpusGroup) == 0 ? null
                    : round(stats.share(corpusGroup, f), 10_000);
            out.add(new FeatureCard(f, label, hand != null ? FeatureCard.MANUAL : FeatureCard.AUTO, generic,
                    stats.firingRate(f), benign, association(stats, f, corpusGroup),
                    round(stats.meanActivation(f), 1000), ctx));
        }
        return out;
    }

    /** Firing share in every group but the corpus that has texts, in group order. */
    private static Map<String, Double> association(FeatureStats stats, int f, int corpusGroup) {
        Map<String, Double> m = new LinkedHashMap<>();
        for (int g = 0; g < stats.groups().size(); g++) {
            if (g != corpusGroup && stats.texts(g) > 0) {
                m.put(stats.groups().get(g), round(stats.share(g, f), 10_000));
            }
        }
        return m;
    }

    private static double round(double v, double scale) {
        return Math.round(v * scale) / scale;
    }

    /** {@code …left «token» right…}, cut at about {@link #WINDOW} characters each side, on one line. */
    static String window(String text, int start, int end) {
        int a = Math.max(0, start - WINDOW), b = Math.min(text.length(), end + WINDOW);
        // never cut a surrogate pair: a lone half cannot be written as UTF-8
        if (a > 0 && Character.isLowSurrogate(text.charAt(a))) {
            a--;
        }
        if (b < text.length() && Character.isLowSurrogate(text.charAt(b))) {
            b++;
        }
        String s = (a > 0 ? "…" : "") + text.substring(a, start) + "«" + text.substring(start, end) + "»"
                + text.substring(end, b) + (b < text.length() ? "…" : "");
        return s.replace('\n', ' ').replace('\r', ' ');
    }

    /** Cards whose labelSource is "manual" in an existing features.jsonl (none if the file is absent). */
    public static Map<Integer, FeatureCard> manualCards(Path file) throws IOException {
        Map<Integer, FeatureCard> m = new HashMap<>();
        if (!Files.isRegularFile(file)) {
            return m;
        }
        JsonLines.forEach(file, msg -> new IllegalArgumentException(file + ": " + msg), (lineNo, n) -> {
            if (FeatureCard.MANUAL.equals(n.path("labelSource").asText())) {
                try {
                    FeatureCard c = FeatureCard.fromJson(n);
                    m.put(c.id(), c);
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException(file + ": line " + lineNo + ": " + e.getMessage());
                }
            }
        });
        return m;
    }

    public static void write(Path file, List<FeatureCard> cards) throws IOException {
        try (BufferedWriter w = Files.newBufferedWriter(file)) {
            for (FeatureCard c : cards) {
                w.write(c.toJson());
                w.newLine();
            }
        }
    }
}
