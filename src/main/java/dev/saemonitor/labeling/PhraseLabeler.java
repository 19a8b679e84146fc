package dev.saemonitor.labeling;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Names a feature by the word n-grams that are over-represented in the windows around its peaks
 * (its top-activating contexts) compared with the whole labelling corpus.
 *
 * <p>Each n-gram is scored by the z-score of its log-odds ratio with an informative Dirichlet prior
 * (Monroe, Colaresi and Quinn, "Fightin' Words", 2008), the prior being the corpus's own n-gram
 * rates. Why this and not the alternatives: raw frequency in the windows ranks function words first;
 * PMI ranks an n-gram seen once in the windows and once in the corpus above everything, whatever
 * floor one picks; the log-odds z-score grows with both the over-representation and the evidence
 * behind it (its variance falls as counts rise), so a phrase shared by many top contexts and rare
 * elsewhere wins, and a one-off wins nothing. A count floor (the share of windows an n-gram must
 * appear in) then keeps the label to what the contexts <em>share</em>.
 */
final class PhraseLabeler {
    /** Below this z-score an n-gram is not distinctive enough to name the feature. */
    static final double MIN_Z = 3.0;
    /** An n-gram must appear in this share of the windows (and in at least two). */
    static final double MIN_SUPPORT_SHARE = 0.15;
    static final int MAX_PHRASES = 3;
    /** A longer n-gram replaces a chosen phrase inside it when it appears in this share of its windows. */
    static final double LONGER_KEEPS = 2.0 / 3;
    static final String DIFFUSE = "diffuse";

    private PhraseLabeler() {
    }

    /** A label and whether it is generic (nothing distinctive: {@code diffuse: …}). */
    record Label(String text, boolean generic) {
    }

    /** An n-gram of the windows: in how many windows, how often, and its z-score. */
    record Phrase(String text, int support, int count, double z) {
    }

    /**
     * z-score of the log-odds that an n-gram is more frequent in the windows ({@code y} of {@code n}
     * n-grams) than in the corpus ({@code corpusY} of {@code corpusN}, windows included). The prior is
     * one window-set's worth of pseudo-counts spread at the corpus rates: {@code a0 = n},
     * {@code alpha = n * corpusY / corpusN}; 0 for degenerate counts.
     */
    static double z(long y, long n, long corpusY, long corpusN) {
        if (n <= 0 || corpusN <= 0) {
            return 0;
        }
        double alpha = (double) n * corpusY / corpusN;
        double fgRest = 2.0 * n - y - alpha;
        double bgRest = (double) corpusN + n - corpusY - alpha;
        if (y + alpha <= 0 || corpusY + alpha <= 0 || fgRest <= 0 || bgRest <= 0) {
            return 0;
        }
        double delta = Math.log((y + alpha) / fgRest) - Math.log((corpusY + alpha) / bgRest);
        double variance = 1 / (y + alpha) + 1 / (corpusY + alpha);
        return delta / Math.sqrt(variance);
    }

    /** Windows an n-gram must appear in: {@link #MIN_SUPPORT_SHARE} of them, and at least two. */
    static int minSupport(int windows) {
        return Math.max(2, (int) Math.ceil(MIN_SUPPORT_SHARE * windows - 1e-9));
    }

    /** Every n-gram of the windows, best z first (ties: more windows, then alphabetical). */
    static List<Phrase> phrases(List<String[]> windows, Ngrams corpus) {
        Ngrams fg = new Ngrams();
        Map<String, Integer> support = new HashMap<>();
        for (String[] w : windows) {
            Set<String> seen = new HashSet<>();
            for (String g : Ngrams.of(w)) {
                fg.add(g, 1);
                if (seen.add(g)) {
                    support.merge(g, 1, Integer::sum);
                }
            }
        }
        long n = fg.total();
        long corpusN = Math.max(corpus.total(), n);
        List<Phrase> out = new ArrayList<>();
        fg.counts().forEach((g, y) -> out.add(new Phrase(g, support.get(g), y,
                z(y, n, Math.max(corpus.count(g), y), corpusN))));
        out.sort(Comparator.comparingDouble(Phrase::z).reversed()
                .thenComparing(Comparator.comparingInt(Phrase::support).reversed())
                .thenComparing(Phrase::text));
        return out;
    }

    /** Up to three distinctive content phrases joined by " / ", else an honest {@code diffuse: …} label. */
    static Label label(List<String[]> windows, Ngrams corpus) {
        List<Phrase> ranked = phrases(windows, corpus);
        int floor = minSupport(windows.size());
        List<Phrase> chosen = new ArrayList<>();
        for (Phrase p : ranked) {
            if (chosen.size() == MAX_PHRASES) {
                break;
            }
            if (p.z() < MIN_Z || p.support() < floor || !content(p.text())) {
                continue;
            }
            if (chosen.stream().anyMatch(c -> within(p.text(), c.text()))) {
                continue;
            }
            List<Phrase> inside = chosen.stream().filter(c -> within(c.text(), p.text())).toList();
            if (inside.isEmpty()) {
                chosen.add(p);
            } else if (inside.stream().allMatch(c -> p.support() >= LONGER_KEEPS * c.support())) {
                chosen.set(chosen.indexOf(inside.get(0)), p);
                chosen.removeAll(inside.subList(1, inside.size()));
            }
        }
        if (!chosen.isEmpty()) {
            return new Label(chosen.stream().map(Phrase::text).collect(Collectors.joining(" / ")), false);
        }
        return new Label(diffuse(ranked, floor), true);
    }

    /** {@code diffuse: t1 / t2}: the two single tokens the windows share most distinctively, punctuation quoted. */
    private static String diffuse(List<Phrase> ranked, int floor) {
        List<Phrase> unigrams = ranked.stream().filter(p -> p.text().indexOf(' ') < 0).toList();
        List<Phrase> shared = unigrams.stream().filter(p -> p.support() >= floor).limit(2).toList();
        if (shared.isEmpty()) {
            shared = unigrams.stream().sorted(Comparator.comparingInt(Phrase::support).reversed()).limit(2).toList();
        }
        return shared.isEmpty() ? DIFFUSE
                : DIFFUSE + ": " + shared.stream().map(p -> quoted(p.text()))
                        .collect(Collectors.joining(" / "));
    }

    /** Punctuation in single quotes ({@code '/'}, {@code '"'}), an apostrophe in double ones; words as they are. */
    static String quoted(String token) {
        if (Words.isWord(token)) {
            return token;
        }
        return token.equals("'") ? "\"'\"" : "'" + token + "'";
    }

    /** No punctuation, and it neither starts nor ends with a function word ("airport security", not "of the"). */
    static boolean content(String ngram) {
        String[] t = ngram.split(" ");
        for (String s : t) {
            if (!Words.isWord(s)) {
                return false;
            }
        }
        return !Stopwords.contains(t[0]) && !Stopwords.contains(t[t.length - 1]);
    }

    /** {@code part} is a shorter run of whole tokens inside {@code whole}. */
    static boolean within(String part, String whole) {
        return part.length() < whole.length() && (" " + whole + " ").contains(" " + part + " ");
    }
}
