package dev.saemonitor.calibration;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;

/**
 * The long-context sets {@code eval} builds from the evaluated file itself, deterministically: each
 * positive inserted among {@code k} of the file's benign texts, and the benign texts joined {@code k} at a
 * time (long benign answers).
 */
public final class EvalSets {
    private EvalSets() {
    }

    /** A text to score with its labels; {@code [from, to)} in code points is the inserted positive, or -1. */
    public record EvalText(String text, Set<String> labels, int from, int to) {
        public boolean benign() {
            return labels.isEmpty();
        }
    }

    public static List<EvalText> bare(List<LabelledText> data) {
        return data.stream().map(t -> new EvalText(t.text(), t.labels(), -1, -1)).toList();
    }

    /** Every positive of {@code data} among {@code k} of its benign texts, joined by {@code sep}. */
    public static List<EvalText> embedded(List<LabelledText> data, int k, String sep, long seed) {
        List<String> benign = data.stream().filter(LabelledText::benign).map(LabelledText::text).toList();
        List<EvalText> out = new ArrayList<>();
        for (int i = 0; i < data.size(); i++) {
            LabelledText t = data.get(i);
            if (t.benign()) {
                continue;
            }
            Random rnd = new Random(seed + 1_000_003L * k + i);
            List<String> ctx = LongContext.draw(benign, k, rnd);
            LongContext.Embedded e = LongContext.embed(t.text(), ctx, rnd.nextInt(ctx.size() + 1), sep);
            out.add(new EvalText(e.text(), t.labels(), e.text().codePointCount(0, e.from()),
                    e.text().codePointCount(0, e.to())));
        }
        return out;
    }

    /** The file's benign texts, shuffled by {@code seed}, joined {@code k} at a time. */
    public static List<EvalText> benignConcatenations(List<LabelledText> data, int k, String sep, long seed) {
        List<String> benign = new ArrayList<>(data.stream().filter(LabelledText::benign).map(LabelledText::text).toList());
        java.util.Collections.shuffle(benign, new Random(seed));
        return LongContext.concatenations(benign, k, sep).stream().map(s -> new EvalText(s, Set.of(), -1, -1)).toList();
    }
}
