package dev.saemonitor.scoring;

import dev.saemonitor.sae.SparseCodes;

/**
 * Pools sparse codes over a range of token rows for a fixed set of features (a head's, or every feature
 * when calibration screens them): max, mean, and the row where the max occurred. Features that never fire
 * pool to 0 with no argmax (-1). The service, {@code calibrate} and {@code eval} all pool through here.
 */
public final class Pooling {
    private Pooling() {
    }

    /** Pooled values for slots {@code 0..slots-1}; {@code argmax} is relative to the range's first row. */
    public record Pooled(float[] max, float[] mean, int[] argmax) {
        public Pooled(int slots) {
            this(new float[slots], new float[slots], new int[slots]);
        }
    }

    /** Pools rows {@code [fromRow, toRow)}; {@code slotOf[feature]} is the feature's slot or -1 (null: slot = feature). */
    public static Pooled pool(SparseCodes codes, int fromRow, int toRow, int[] slotOf, int slots) {
        Pooled p = new Pooled(slots);
        poolInto(codes, fromRow, toRow, slotOf, p);
        return p;
    }

    /** As {@link #pool}, into {@code out}, which is cleared first (lets a caller reuse buffers). */
    public static void poolInto(SparseCodes codes, int fromRow, int toRow, int[] slotOf, Pooled out) {
        float[] max = out.max(), sum = out.mean();
        int[] argmax = out.argmax();
        java.util.Arrays.fill(max, 0);
        java.util.Arrays.fill(sum, 0);
        java.util.Arrays.fill(argmax, -1);
        for (int r = fromRow; r < toRow; r++) {
            for (int i = codes.rowStart()[r]; i < codes.rowStart()[r + 1]; i++) {
                int f = codes.features()[i];
                int s = slotOf == null ? f : f < slotOf.length ? slotOf[f] : -1;
                if (s < 0 || s >= max.length) {
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
            for (int s = 0; s < sum.length; s++) {
                sum[s] /= tokens;
            }
        }
    }

    /** The logistic function, stable for large |z|. */
    public static double sigmoid(double z) {
        return z >= 0 ? 1.0 / (1.0 + Math.exp(-z)) : Math.exp(z) / (1.0 + Math.exp(z));
    }
}
