package dev.saemonitor.calibration;

import ai.onnxruntime.OrtException;
import dev.saemonitor.activations.TextActivations;
import dev.saemonitor.sae.SparseCodes;
import dev.saemonitor.scoring.SafetyScorer;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntConsumer;

/**
 * Texts reduced to what heads and probes read: per text, SAE codes pooled over tokens by max and by
 * mean ({@code [d_sae]} each), and the raw reader activations mean-pooled ({@code [d_in]}) for the probe.
 */
public record PooledTexts(int count, int dSae, int dIn, float[][] max, float[][] mean, float[][] rawMean, int[] tokens) {

    /** Runs texts through the scorer's reader and SAE in batches; {@code progress} gets tokens done. */
    public static PooledTexts compute(SafetyScorer scorer, List<String> texts, int batch, IntConsumer progress)
            throws OrtException {
        int dSae = scorer.pack().sae().config().dSae();
        int dIn = scorer.reader().hiddenSize();
        int n = texts.size();
        float[][] max = new float[n][], mean = new float[n][], raw = new float[n][];
        int[] tokens = new int[n];
        for (int from = 0; from < n; from += batch) {
            int to = Math.min(n, from + batch);
            SafetyScorer.EncodedTexts enc = scorer.encodeTexts(new ArrayList<>(texts.subList(from, to)));
            List<TextActivations> acts = enc.activations();
            SparseCodes codes = enc.codes();
            int row = 0;
            for (int i = from; i < to; i++) {
                TextActivations a = acts.get(i - from);
                tokens[i] = a.tokens();
                max[i] = new float[dSae];
                mean[i] = new float[dSae];
                raw[i] = new float[dIn];
                pool(codes, row, row + a.tokens(), max[i], mean[i]);
                for (int t = 0; t < a.tokens(); t++) {
                    for (int j = 0; j < dIn; j++) {
                        raw[i][j] += a.rows()[t * dIn + j] / a.tokens();
                    }
                }
                row += a.tokens();
            }
            progress.accept(enc.totalTokens());
        }
        return new PooledTexts(n, dSae, dIn, max, mean, raw, tokens);
    }

    /** Max and mean of each feature over rows {@code [from, to)}; zero for no rows. */
    static void pool(SparseCodes codes, int from, int to, float[] max, float[] mean) {
        for (int r = from; r < to; r++) {
            for (int i = codes.rowStart()[r]; i < codes.rowStart()[r + 1]; i++) {
                int f = codes.features()[i];
                float v = codes.values()[i];
                max[f] = Math.max(max[f], v);
                mean[f] += v / (to - from);
            }
        }
    }

    /** Column {@code c} of the pooled design matrix: {@code c < d_sae} max-pooled, else mean-pooled. */
    public double value(int text, int column) {
        return column < dSae ? max[text][column] : mean[text][column - dSae];
    }
}
