package dev.saemonitor.training;

import dev.saemonitor.sae.SaeMath;
import java.util.Arrays;

/**
 * One thread's share of a mini-batch: forward (tiled encoder matmul, TopK or ReLU, sparse decode)
 * and backward into its own {@link Gradients}. With TopK the decoder and the backward pass touch
 * only the k active latents of each token; AuxK adds the top {@code auxK} dead latents' fit of the
 * residual, so that dead latents receive gradient again (Gao et al., 2024).
 */
final class SaeWorker {
    /** Rows encoded together: each encoder weight row slice is read once per block from L1. */
    static final int ROW_BLOCK = 16;
    /** Latent tile: a block's pre-activations for one tile stay in L2. */
    static final int LATENT_TILE = 512;

    final Gradients grad;
    final int[] fired;
    double sqErr;
    double auxSqErr;
    long active;

    private final SaeParameters p;
    private final TrainingOptions o;
    private final float[] xc;
    private final float[] pre;
    private final float[] err;
    private final float[] g;
    private final int[] act;
    private final float[] actVal;

    SaeWorker(SaeParameters p, TrainingOptions o) {
        this.p = p;
        this.o = o;
        this.grad = new Gradients(p.dIn, p.dSae);
        this.fired = new int[p.dSae];
        this.xc = new float[ROW_BLOCK * p.dIn];
        this.pre = new float[ROW_BLOCK * p.dSae];
        this.err = new float[p.dIn];
        this.g = new float[p.dIn];
        this.act = new int[p.dSae];
        this.actVal = new float[p.dSae];
    }

    float[] bDec() {
        return p.bDec;
    }

    float[] wEnc() {
        return p.wEnc;
    }

    float[] bEnc() {
        return p.bEnc;
    }

    void resetStats() {
        sqErr = 0;
        auxSqErr = 0;
        active = 0;
        Arrays.fill(fired, 0);
    }

    /**
     * Processes rows {@code order[from, to)} of {@code data}. With {@code train}, accumulates gradients of
     * the batch-mean loss for a batch of {@code batchSize}; {@code dead} (may be null) lists dead latents.
     */
    void run(float[] data, int[] order, int from, int to, boolean train, int batchSize, boolean[] dead, int deadCount) {
        run(data, order, from, to, train, batchSize, dead, deadCount, null, null);
    }

    /**
     * As above; when {@code sharedPre} is given, row {@code q} of the batch has its centred input at
     * {@code sharedXc[q * d_in]} and pre-activations at {@code sharedPre[q * d_sae]} (computed by {@link OrtMatmul}).
     */
    void run(float[] data, int[] order, int from, int to, boolean train, int batchSize, boolean[] dead, int deadCount,
             float[] sharedXc, float[] sharedPre) {
        for (int b = from; b < to; b += ROW_BLOCK) {
            int n = Math.min(ROW_BLOCK, to - b);
            if (sharedPre == null) {
                encode(data, order, b, n);
            }
            for (int r = 0; r < n; r++) {
                if (sharedPre == null) {
                    row(data, order[b + r], xc, pre, r, train, batchSize, dead, deadCount);
                } else {
                    row(data, order[b + r], sharedXc, sharedPre, b + r, train, batchSize, dead, deadCount);
                }
            }
        }
    }

    /** Centred inputs {@code x - b_dec} of rows {@code order[from, to)} into {@code out} at their batch positions. */
    static void centre(float[] data, int[] order, int from, int to, float[] bDec, float[] out) {
        int d = bDec.length;
        for (int q = from; q < to; q++) {
            int xo = order[q] * d;
            for (int i = 0; i < d; i++) {
                out[q * d + i] = data[xo + i] - bDec[i];
            }
        }
    }

    /** pre[r, :] = b_enc + (x_r - b_dec) W_enc for a block of rows, tiled over latents. */
    private void encode(float[] data, int[] order, int b, int n) {
        int dIn = p.dIn, dSae = p.dSae;
        for (int r = 0; r < n; r++) {
            int xo = order[b + r] * dIn;
            for (int i = 0; i < dIn; i++) {
                xc[r * dIn + i] = data[xo + i] - p.bDec[i];
            }
            System.arraycopy(p.bEnc, 0, pre, r * dSae, dSae);
        }
        float[] w = p.wEnc;
        for (int t0 = 0; t0 < dSae; t0 += LATENT_TILE) {
            int t1 = Math.min(dSae, t0 + LATENT_TILE);
            for (int i = 0; i < dIn; i++) {
                int wo = i * dSae;
                for (int r = 0; r < n; r++) {
                    float xv = xc[r * dIn + i];
                    int po = r * dSae;
                    for (int j = t0; j < t1; j++) {
                        pre[po + j] += xv * w[wo + j];
                    }
                }
            }
        }
    }

    private void row(float[] data, int rowIndex, float[] xcA, float[] preA, int r, boolean train, int batchSize,
                     boolean[] dead, int deadCount) {
        int dIn = p.dIn, dSae = p.dSae, po = r * dSae, xo = rowIndex * dIn;
        int n = select(preA, po);
        active += n;
        System.arraycopy(p.bDec, 0, err, 0, dIn);
        for (int a = 0; a < n; a++) {
            int j = act[a];
            fired[j]++;
            axpy(actVal[a], p.wDec, j * dIn, err, 0, dIn);
        }
        double se = 0;
        for (int i = 0; i < dIn; i++) {
            err[i] -= data[xo + i];
            se += err[i] * err[i];
        }
        sqErr += se;
        if (!train) {
            return;
        }
        float scale = 2f / batchSize;
        for (int i = 0; i < dIn; i++) {
            g[i] = scale * err[i];
            grad.bDec[i] += g[i];
        }
        for (int a = 0; a < n; a++) {
            float gPre = backDecoder(act[a], actVal[a], g) + (o.topK() ? 0f : o.l1());
            backEncoder(act[a], gPre, xcA, r);
        }
        if (deadCount > 0 && o.auxK() > 0) {
            aux(preA, xcA, po, r, dead, scale);
        }
    }

    /** Active latents of pre-activations at {@code po} into act/actVal; returns how many. */
    private int select(float[] pre, int po) {
        int n = 0;
        if (o.topK()) {
            float[] v = Arrays.copyOfRange(pre, po, po + p.dSae);
            for (int j : SaeMath.topK(v, o.k())) {
                if (v[j] > 0) {
                    act[n] = j;
                    actVal[n++] = v[j];
                }
            }
        } else {
            for (int j = 0; j < p.dSae; j++) {
                if (pre[po + j] > 0) {
                    act[n] = j;
                    actVal[n++] = pre[po + j];
                }
            }
        }
        return n;
    }

    /** Decoder row gradient for a latent with value {@code a}; returns dLoss/da. */
    private float backDecoder(int j, float a, float[] gOut) {
        int o0 = j * p.dIn;
        float ga = 0;
        for (int i = 0; i < p.dIn; i++) {
            grad.wDec[o0 + i] += a * gOut[i];
            ga += p.wDec[o0 + i] * gOut[i];
        }
        return ga;
    }

    /** Encoder gradient for one active latent; the input is x - b_dec, so b_dec gets the opposite share. */
    private void backEncoder(int j, float gPre, float[] xc, int r) {
        int o0 = j * p.dIn, xo = r * p.dIn;
        grad.bEnc[j] += gPre;
        for (int i = 0; i < p.dIn; i++) {
            grad.wEncT[o0 + i] += gPre * xc[xo + i];
            grad.bDec[i] -= gPre * p.wEncT[o0 + i];
        }
    }

    /** AuxK: the top auxK dead latents reconstruct the residual x - x_hat (treated as a constant). */
    private void aux(float[] pre, float[] xc, int po, int r, boolean[] dead, float scale) {
        int dIn = p.dIn;
        float[] v = new float[p.dSae];
        Arrays.fill(v, Float.NEGATIVE_INFINITY);
        for (int j = 0; j < p.dSae; j++) {
            if (dead[j]) {
                v[j] = pre[po + j];
            }
        }
        int[] top = SaeMath.topK(v, o.auxK());
        float[] e = new float[dIn];
        for (int i = 0; i < dIn; i++) {
            e[i] = -err[i];
        }
        float[] eHat = new float[dIn];
        int n = 0;
        for (int j : top) {
            if (dead[j] && v[j] > 0) {
                axpy(v[j], p.wDec, j * dIn, eHat, 0, dIn);
                top[n++] = j;
            }
        }
        if (n == 0) {
            return;
        }
        double se = 0;
        float[] ga = new float[dIn];
        for (int i = 0; i < dIn; i++) {
            float d = eHat[i] - e[i];
            se += d * d;
            ga[i] = o.auxAlpha() * scale * d;
        }
        auxSqErr += se;
        for (int a = 0; a < n; a++) {
            int j = top[a];
            backEncoder(j, backDecoder(j, v[j], ga), xc, r);
        }
    }

    static void axpy(float a, float[] x, int xo, float[] y, int yo, int n) {
        for (int i = 0; i < n; i++) {
            y[yo + i] += a * x[xo + i];
        }
    }
}
