package dev.saemonitor.sae;

import dev.saemonitor.modelpack.SaeArchitecture;
import dev.saemonitor.modelpack.SaeWeights;

/**
 * The SAELens encoder in plain Java, one row at a time: the reference the ONNX graph is tested
 * against, and the encoder used by training, where weights change every step.
 */
public final class SaeMath {
    private SaeMath() {
    }

    /** Pre-activations {@code (x - b_dec?) W_enc + b_enc} for one row. */
    public static float[] preActivations(SaeWeights w, float[] x, int offset) {
        int dIn = w.config().dIn(), dSae = w.config().dSae();
        float[] pre = w.bEnc().clone();
        boolean centre = w.config().applyBDecToInput();
        for (int i = 0; i < dIn; i++) {
            float xi = x[offset + i] - (centre ? w.bDec()[i] : 0f);
            if (xi == 0f) {
                continue;
            }
            int base = i * dSae;
            for (int j = 0; j < dSae; j++) {
                pre[j] += xi * w.wEnc()[base + j];
            }
        }
        return pre;
    }

    /** Dense activations of one row under the pack's architecture. */
    public static float[] encode(SaeWeights w, float[] x, int offset) {
        float[] pre = preActivations(w, x, offset);
        SaeArchitecture arch = w.config().architecture();
        float[] out = new float[pre.length];
        switch (arch) {
            case RELU -> {
                for (int j = 0; j < pre.length; j++) {
                    out[j] = Math.max(0f, pre[j]);
                }
            }
            case JUMPRELU -> {
                for (int j = 0; j < pre.length; j++) {
                    out[j] = pre[j] > w.threshold()[j] ? Math.max(0f, pre[j]) : 0f;
                }
            }
            case TOPK -> {
                for (int j : topK(pre, w.config().k())) {
                    out[j] = Math.max(0f, pre[j]);
                }
            }
        }
        return out;
    }

    /** Indices of the k largest values (ties: lower index first), in descending order of value. */
    public static int[] topK(float[] v, int k) {
        int n = Math.min(k, v.length);
        int[] idx = new int[n];
        float[] best = new float[n];
        int size = 0;
        for (int j = 0; j < v.length; j++) {
            float x = v[j];
            if (size == n && !(x > best[n - 1])) {
                continue;
            }
            int p = size < n ? size++ : n - 1;
            while (p > 0 && x > best[p - 1]) {
                best[p] = best[p - 1];
                idx[p] = idx[p - 1];
                p--;
            }
            best[p] = x;
            idx[p] = j;
        }
        return idx;
    }
}
