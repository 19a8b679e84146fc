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
