package dev.saemonitor.calibration;

import ai.onnxruntime.OrtException;
import dev.saemonitor.activations.TextActivations;
import dev.saemonitor.sae.SparseCodes;
import dev.saemonitor.modelpack.Catalog;
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
 * mean-pooled ({@code [d_in]}, for the raw probe) and, for readouts, mean-pooled over each segment of a segmentation
 * ({@code segmentMeans[i]}: the segments of {@link Segments#of} in order, {@code [segments, d_in]} flattened; null
 * without {@code meansAt}). Segment means, not token rows: a calibration set of millions of tokens keeps a sixteenth
 * of the floats, and a readout's segment logit is exactly its bias plus its weights dotted with the segment's mean.
 */
public record EncodedCorpus(List<String> texts, SparseCodes codes, int[] firstRow, int[][] blockStarts,
                            int[][] charStart, int[][] charEnd, float[][] rawMean, float[][] segmentMeans,
                            Catalog.Segmentation meansAt, int dSae) {

    public int count() {
        return texts.size();
    }

    public int tokens(int text) {
        return firstRow[text + 1] - firstRow[text];
    }

    /**
     * Runs texts through the scorer's reader and SAE in batches; {@code progress} gets tokens done. Keeps segment
     * means at the scorer's pack's segmentation when its catalog has readouts ({@link #meansFor}).
     */
    public static EncodedCorpus encode(SafetyScorer scorer, List<String> texts, int batch, IntConsumer progress)
            throws OrtException {
        return encode(scorer, texts, batch, progress, meansFor(scorer.pack().catalog()));
    }

    /** The segmentation whose segment means a corpus scored by {@code catalog} needs: its own with readouts, else null. */
    public static Catalog.Segmentation meansFor(Catalog catalog) {
        return catalog.categories().stream().anyMatch(c -> c.readout() != null) ? catalog.segmentation() : null;
    }

    /** As {@link #encode(SafetyScorer, List, int, IntConsumer)}, keeping segment means at {@code meansAt} (null: none). */
    public static EncodedCorpus encode(SafetyScorer scorer, List<String> texts, int batch, IntConsumer progress,
                                       Catalog.Segmentation meansAt) throws OrtException {
        int n = texts.size();
        int dIn = scorer.dIn();
        List<SparseCodes> parts = new ArrayList<>();
        int[] firstRow = new int[n + 1];
        int[][] blocks = new int[n][], starts = new int[n][], ends = new int[n][];
        float[][] raw = new float[n][], means = meansAt == null ? null : new float[n][];
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
                if (means != null) {
                    means[i] = segmentMeans(a.rows(), dIn, Segments.of(a.tokens(), blocks[i], meansAt));
                }
                for (int t = 0; t < a.tokens(); t++) {
                    for (int j = 0; j < dIn; j++) {
                        raw[i][j] += a.rows()[t * dIn + j] / a.tokens();
                    }
                }
            }
            progress.accept(enc.totalTokens());
        }
        return new EncodedCorpus(List.copyOf(texts), SafetyScorer.concat(parts), firstRow, blocks, starts, ends, raw,
                means, meansAt, scorer.pack().sae().config().dSae());
    }

    /** Each segment's mean row, flattened {@code [segments, dIn]}. */
    static float[] segmentMeans(float[] rows, int dIn, List<Segments.Segment> segments) {
        float[] out = new float[segments.size() * dIn];
        double[] acc = new double[dIn];
        for (int s = 0; s < segments.size(); s++) {
            Segments.Segment seg = segments.get(s);
            java.util.Arrays.fill(acc, 0);
            for (int t = seg.from(); t < seg.to(); t++) {
                for (int j = 0; j < dIn; j++) {
                    acc[j] += rows[t * dIn + j];
                }
            }
            for (int j = 0; j < dIn; j++) {
                out[s * dIn + j] = (float) (acc[j] / seg.length());
            }
        }
        return out;
    }

    /** This corpus followed by {@code more} (same reader and SAE): texts, codes and per-text arrays stacked. */
    public EncodedCorpus append(EncodedCorpus more) {
        int n = count(), m = more.count();
        List<String> all = new ArrayList<>(texts);
        all.addAll(more.texts());
        int[] first = new int[n + m + 1];
        System.arraycopy(firstRow, 0, first, 0, n + 1);
        for (int i = 1; i <= m; i++) {
            first[n + i] = firstRow[n] + more.firstRow()[i];
        }
        return new EncodedCorpus(all, SafetyScorer.concat(List.of(codes, more.codes())), first,
                stack(blockStarts, more.blockStarts()), stack(charStart, more.charStart()),
                stack(charEnd, more.charEnd()), stackF(rawMean, more.rawMean()),
                segmentMeans == null ? null : stackF(segmentMeans, more.segmentMeans()), meansAt, dSae);
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

    /** Scores text {@code i} exactly as the service does (same segments, heads, readouts, thresholds). */
    public CategoryScorer.Scored score(CategoryScorer scorer, int i) {
        if (scorer.readouts() == null) {
            return scorer.score(codes, firstRow[i], firstRow[i + 1], blockStarts[i], spanLookup(i), false);
        }
        if (segmentMeans == null || !scorer.catalog().segmentation().equals(meansAt)) {
            throw new IllegalStateException("corpus keeps segment means at " + meansAt + ", the readouts score segments "
                    + scorer.catalog().segmentation());
        }
        return scorer.score(codes, firstRow[i], firstRow[i + 1], blockStarts[i], spanLookup(i), false,
                scorer.readouts().fromSegmentMeans(segmentMeans[i], segmentMeans[i].length / scorer.readouts().dIn()));
    }

    /** Text {@code i}'s segment means ({@code [segments, d_in]} flattened), at {@link #meansAt}. */
    public float[] segmentMeans(int i) {
        return segmentMeans[i];
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
