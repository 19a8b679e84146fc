package dev.saemonitor.training;

import dev.saemonitor.modelpack.SaeConfig;
import dev.saemonitor.modelpack.SaeWeights;
import java.util.Random;

/**
 * The trainable tensors. The encoder is kept twice: {@code wEncT [d_sae, d_in]} is the master copy
 * (each latent's weights contiguous, so the backward pass touches k rows, not k strided columns) and
 * {@code wEnc [d_in, d_sae]} its transpose, refreshed after each step, which the forward matmul reads
 * row by row so its inner loop is a contiguous axpy the JIT vectorises.
 */
final class SaeParameters {
    final int dIn;
    final int dSae;
    final float[] wEncT;
    final float[] wEnc;
    final float[] bEnc;
    final float[] wDec;
    final float[] bDec;

    SaeParameters(int dIn, int dSae) {
        this.dIn = dIn;
        this.dSae = dSae;
        this.wEncT = new float[dSae * dIn];
        this.wEnc = new float[dIn * dSae];
        this.bEnc = new float[dSae];
        this.wDec = new float[dSae * dIn];
        this.bDec = new float[dIn];
    }

    /** Unit-norm random decoder rows, encoder tied to the decoder's transpose, b_dec = the data mean. */
    static SaeParameters init(int dIn, int dSae, float[] mean, long seed) {
        SaeParameters p = new SaeParameters(dIn, dSae);
        Random r = new Random(seed);
        for (int i = 0; i < p.wDec.length; i++) {
            p.wDec[i] = (float) r.nextGaussian();
        }
        p.normaliseDecoder(0, dSae);
        System.arraycopy(p.wDec, 0, p.wEncT, 0, p.wDec.length);
        System.arraycopy(mean, 0, p.bDec, 0, dIn);
        p.refreshEncoder(0, dSae);
        return p;
    }

    /** Scales decoder rows {@code [from, to)} to unit L2 norm. */
    void normaliseDecoder(int from, int to) {
        for (int j = from; j < to; j++) {
            int o = j * dIn;
            double s = 0;
            for (int i = 0; i < dIn; i++) {
                s += wDec[o + i] * wDec[o + i];
            }
            float inv = s > 0 ? (float) (1 / Math.sqrt(s)) : 0f;
            for (int i = 0; i < dIn; i++) {
                wDec[o + i] *= inv;
            }
        }
    }

    /** Removes from each decoder-row gradient its component along the (unit) row, so steps stay on the sphere. */
    void projectDecoderGradient(float[] gDec, int from, int to) {
        for (int j = from; j < to; j++) {
            int o = j * dIn;
            float dot = 0;
            for (int i = 0; i < dIn; i++) {
                dot += gDec[o + i] * wDec[o + i];
            }
            for (int i = 0; i < dIn; i++) {
                gDec[o + i] -= dot * wDec[o + i];
            }
        }
    }

    /** Copies latents {@code [from, to)} of the master encoder into the forward layout. */
    void refreshEncoder(int from, int to) {
        for (int j = from; j < to; j++) {
            int o = j * dIn;
            for (int i = 0; i < dIn; i++) {
                wEnc[i * dSae + j] = wEncT[o + i];
            }
        }
    }

    SaeWeights toWeights(SaeConfig config) {
        return new SaeWeights(config, wEnc.clone(), bEnc.clone(), wDec.clone(), bDec.clone(), null);
    }
}
