package dev.saemonitor.scoring;

import dev.saemonitor.sae.SparseCodes;

/**
 * Pools sparse codes over a text's tokens for a fixed set of features (the catalog's): max, mean,
 * and the token where the max occurred. Features that never fire pool to 0 with no argmax (-1).
 */
final class Pooling {
    private Pooling() {
    }

    /** Pooled values for slots {@code 0..slots-1}; {@code slotOf[feature]} is the slot or -1. */
    record Pooled(float[] max, float[] mean, int[] argmax) {
    }

    static Pooled pool(SparseCodes codes, int fromRow, int toRow, int[] slotOf, int slots) {
        float[] max = new float[slots];
        float[] sum = new float[slots];
        int[] argmax = new int[slots];
        java.util.Arrays.fill(argmax, -1);
        for (int r = fromRow; r < toRow; r++) {
            for (int i = codes.rowStart()[r]; i < codes.rowStart()[r + 1]; i++) {
                int f = codes.features()[i];
                int s = f < slotOf.length ? slotOf[f] : -1;
                if (s < 0) {
                    continue;
                }
                float v = codes.values()[i];
                sum[s] += v;
                if (v > max[s]) {
                    max[s] = v;
                    argmax[s] = r - fromRow;
                }
            }
        }
        int tokens = toRow - fromRow;
        if (tokens > 0) {
            for (int s = 0; s < slots; s++) {
                sum[s] /= tokens;
            }
        }
        return new Pooled(max, sum, argmax);
    }

    static double sigmoid(double z) {
        return z >= 0 ? 1.0 / (1.0 + Math.exp(-z)) : Math.exp(z) / (1.0 + Math.exp(z));
    }
}
