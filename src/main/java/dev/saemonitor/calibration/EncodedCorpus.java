package dev.saemonitor.calibration;

import ai.onnxruntime.OrtException;
import dev.saemonitor.activations.TextActivations;
import dev.saemonitor.sae.SparseCodes;
import dev.saemonitor.scoring.CategoryScorer;
import dev.saemonitor.scoring.SafetyScorer;
import dev.saemonitor.scoring.Segments;
import dev.saemonitor.scoring.Verdict;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntConsumer;

/**
 * Texts run once through the pack's reader and SAE, kept as what the offline verbs read: every text's
 * sparse codes (stacked: text {@code i} owns rows {@code [firstRow[i], firstRow[i+1])}), its block starts
 * and token spans (for segmenting and scoring as the service does), and its raw reader activations
 * mean-pooled ({@code [d_in]}, for the raw probe).
 */
public record EncodedCorpus(List<String> texts, SparseCodes codes, int[] firstRow, int[][] blockStarts,
                            int[][] charStart, int[][] charEnd, float[][] rawMean, int dSae) {

    public int count() {
        return texts.size();
    }

    public int tokens(int text) {
        return firstRow[text + 1] - firstRow[text];
    }

    /** Runs texts through the scorer's reader and SAE in batches; {@code progress} gets tokens done. */
    public static EncodedCorpus encode(SafetyScorer scorer, List<String> texts, int batch, IntConsumer progress)
            throws OrtException {
        int n = texts.size();
        int dIn = scorer.dIn();
        List<SparseCodes> parts = new ArrayList<>();
        int[] firstRow = new int[n + 1];
        int[][] blocks = new int[n][], starts = new int[n][], ends = new int[n][];
        float[][] raw = new float[n][];
        for (int from = 0; from < n; from += batch) {
            int to = Math.min(n, from + batch);
            SafetyScorer.EncodedTexts enc = scorer.encodeTexts(new ArrayList<>(texts.subList(from, to)));
            parts.add(enc.codes());
            for (int i = from; i < to; i++) {
                TextActivations a = enc.activations().get(i - from);
                firstRow[i + 1] = firstRow[i] + a.tokens();
                blocks[i] = Segments.blockStarts(texts.get(i), a.charStart());
                starts[i] = a.charStart();
                ends[i] = a.charEnd();
                raw[i] = new float[dIn];
                for (int t = 0; t < a.tokens(); t++) {
                    for (int j = 0; j < dIn; j++) {
                        raw[i][j] += a.rows()[t * dIn + j] / a.tokens();
                    }
                }
            }
            progress.accept(enc.totalTokens());
        }
        return new EncodedCorpus(List.copyOf(texts), SafetyScorer.concat(parts), firstRow, blocks, starts, ends, raw,
                scorer.pack().sae().config().dSae());
    }

    /** This corpus followed by {@code more} (same reader and SAE): texts, codes and per-text arrays stacked. */
    public EncodedCorpus append(EncodedCorpus more) {
        int n = count(), m = more.count();
        List<String> all = new ArrayList<>(texts);
        all.addAll(more.texts());
        int[] rows = new int[n + m + 1];
        System.arraycopy(firstRow, 0, rows, 0, n + 1);
        for (int i = 1; i <= m; i++) {
            rows[n + i] = firstRow[n] + more.firstRow()[i];
        }
        return new EncodedCorpus(all, SafetyScorer.concat(List.of(codes, more.codes())), rows,
                stack(blockStarts, more.blockStarts()), stack(charStart, more.charStart()),
                stack(charEnd, more.charEnd()), stackF(rawMean, more.rawMean()), dSae);
    }

    private static int[][] stack(int[][] a, int[][] b) {
        int[][] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    private static float[][] stackF(float[][] a, float[][] b) {
        float[][] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    /** Scores text {@code i} exactly as the service does (same segments, heads, thresholds). */
    public CategoryScorer.Scored score(CategoryScorer scorer, int i) {
        return scorer.score(codes, firstRow[i], firstRow[i + 1], blockStarts[i], spanLookup(i), false);
    }

    /** Token of text {@code i} → its span in code points, as the service maps it. */
    public CategoryScorer.SpanLookup spanLookup(int i) {
        String text = texts.get(i);
        int[] s = charStart[i], e = charEnd[i];
        return t -> new Verdict.Span(text.codePointCount(0, s[t]), text.codePointCount(0, e[t]));
    }

    /** Token index range of text {@code i} overlapping the UTF-16 char range {@code [from, to)}, or null. */
    public int[] tokenRange(int i, int from, int to) {
        int a = -1, b = -1;
        for (int t = 0; t < charStart[i].length; t++) {
            if (charEnd[i][t] > from && charStart[i][t] < to) {
                if (a < 0) {
                    a = t;
                }
                b = t + 1;
            }
        }
        return a < 0 ? null : new int[] {a, b};
    }
}
