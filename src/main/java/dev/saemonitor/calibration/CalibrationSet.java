package dev.saemonitor.calibration;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Assembles what {@code calibrate} fits and thresholds on, the way traffic looks: the labelled texts as they
 * are; benign corpus documents (long ordinary answers); and every positive again, inserted among 1-3 benign
 * corpus texts (alternately inside a paragraph and as its own), so heads learn to find one sentence in an
 * answer. Context texts come from a part of the corpus the benign documents do not use.
 */
public final class CalibrationSet {
    private CalibrationSet() {
    }

    public static List<CalibrationText> build(List<LabelledText> labelled, List<String> corpus, int benignDocs, long seed) {
        return build(labelled, corpus, benignDocs, List.of(), seed);
    }

    /**
     * As {@link #build(List, List, int, long)}, then for each size k in {@code concatSizes}: the labelled benign
     * texts joined k at a time (long benign answers made of hard negatives and chat messages: what a benign
     * event of several paragraphs looks like to a max-over-segments score), and every positive once more among
     * k labelled benign texts (on-topic context). Members of one built text share a cross-validation fold, so
     * out-of-fold scores stay out of fold. These come last, so a cache of the texts before them still serves.
     */
    public static List<CalibrationText> build(List<LabelledText> labelled, List<String> corpus, int benignDocs,
                                              List<Integer> concatSizes, long seed) {
        List<CalibrationText> out = base(labelled, corpus, benignDocs, seed);
        concatSizes = concatSizes.stream().filter(k -> k >= 2).toList(); // 0 or 1: none
        int group = out.stream().mapToInt(CalibrationText::group).max().orElse(-1) + 1;
        List<List<Integer>> benignByFold = new ArrayList<>();
        for (int f = 0; f < HeadFitter.FOLDS; f++) {
            benignByFold.add(new ArrayList<>());
        }
        for (int i = 0; i < labelled.size(); i++) {
            if (labelled.get(i).benign()) {
                benignByFold.get(HeadFitter.fold(i)).add(i);
            }
        }
        Random rnd = new Random(seed + 1);
        for (int k : concatSizes) {
            for (List<Integer> fold : benignByFold) {
                List<Integer> shuffled = new ArrayList<>(fold);
                java.util.Collections.shuffle(shuffled, rnd);
                for (int at = 0; at + k <= shuffled.size(); at += k) {
                    List<String> parts = shuffled.subList(at, at + k).stream().map(j -> labelled.get(j).text()).toList();
                    // same fold as its members: its first member's group
                    out.add(new CalibrationText(String.join(LongContext.SAME_PARAGRAPH, parts.stream().map(String::strip)
                            .toList()), java.util.Set.of(), shuffled.get(at), -1, -1, CalibrationText.Kind.BENIGN_CONCAT));
                }
            }
        }
        for (int k : concatSizes) {
            for (int i = 0; i < labelled.size(); i++) {
                LabelledText t = labelled.get(i);
                List<Integer> fold = benignByFold.get(HeadFitter.fold(i));
                if (t.benign() || fold.size() < k) {
                    continue;
                }
                List<String> ctx = LongContext.draw(fold.stream().map(j -> labelled.get(j).text()).toList(), k, rnd);
                String sep = (i + k) % 2 == 0 ? LongContext.SAME_PARAGRAPH : LongContext.OWN_PARAGRAPH;
                LongContext.Embedded e = LongContext.embed(t.text(), ctx, rnd.nextInt(ctx.size() + 1), sep);
                out.add(new CalibrationText(e.text(), t.labels(), i, e.from(), e.to(), CalibrationText.Kind.EMBEDDED_ON_TOPIC));
            }
        }
        return out;
    }

    private static List<CalibrationText> base(List<LabelledText> labelled, List<String> corpus, int benignDocs, long seed) {
        List<CalibrationText> out = new ArrayList<>();
        for (int i = 0; i < labelled.size(); i++) {
            LabelledText t = labelled.get(i);
            out.add(new CalibrationText(t.text(), t.labels(), i, -1, -1, CalibrationText.Kind.LABELLED));
        }
        int docs = Math.min(benignDocs, corpus.size() / 2);
        int group = labelled.size();
        for (int i = 0; i < docs; i++) {
            out.add(new CalibrationText(corpus.get(i), java.util.Set.of(), group++, -1, -1, CalibrationText.Kind.BENIGN_DOC));
        }
        List<String> context = corpus.size() > docs ? corpus.subList(docs, corpus.size())
                : labelled.stream().filter(LabelledText::benign).map(LabelledText::text).toList();
        Random rnd = new Random(seed);
        for (int i = 0; i < labelled.size(); i++) {
            LabelledText t = labelled.get(i);
            if (t.benign() || context.isEmpty()) {
                continue;
            }
            int k = 1 + i % 3;
            List<String> ctx = LongContext.draw(context, k, rnd);
            String sep = i % 2 == 0 ? LongContext.SAME_PARAGRAPH : LongContext.OWN_PARAGRAPH;
            LongContext.Embedded e = LongContext.embed(t.text(), ctx, rnd.nextInt(ctx.size() + 1), sep);
            out.add(new CalibrationText(e.text(), t.labels(), i, e.from(), e.to(), CalibrationText.Kind.EMBEDDED));
        }
        return out;
    }
}
