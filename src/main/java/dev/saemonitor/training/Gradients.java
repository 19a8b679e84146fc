package dev.saemonitor.training;

import java.util.Arrays;

/** One worker's gradient accumulators, laid out like {@link SaeParameters}' master tensors. */
final class Gradients {
    final float[] wEncT;
    final float[] bEnc;
    final float[] wDec;
    final float[] bDec;

    Gradients(int dIn, int dSae) {
        wEncT = new float[dSae * dIn];
        bEnc = new float[dSae];
        wDec = new float[dSae * dIn];
        bDec = new float[dIn];
    }

    void clear() {
        Arrays.fill(wEncT, 0f);
        Arrays.fill(bEnc, 0f);
        Arrays.fill(wDec, 0f);
        Arrays.fill(bDec, 0f);
    }

    /** Adds {@code other}'s latents {@code [from, to)} (and, for the first slice, the decoder bias) into this. */
    void add(Gradients other, int from, int to, int dIn) {
        for (int i = from * dIn; i < to * dIn; i++) {
            wEncT[i] += other.wEncT[i];
            wDec[i] += other.wDec[i];
        }
        for (int j = from; j < to; j++) {
            bEnc[j] += other.bEnc[j];
        }
        if (from == 0) {
            for (int i = 0; i < bDec.length; i++) {
                bDec[i] += other.bDec[i];
            }
        }
    }
}
