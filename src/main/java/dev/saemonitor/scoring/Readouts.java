package dev.saemonitor.scoring;

import dev.saemonitor.modelpack.Catalog;
import dev.saemonitor.modelpack.SaeWeights;
import dev.saemonitor.sae.SparseCodes;
import java.util.List;

/**
 * The catalog's dense readouts and what the SAE says about them. Scoring needs only each token's projection on
 * every readout ({@link #project}); a segment's logit is {@code bias + mean of its tokens' projections}. The
 * explanation is exact: with SAE codes {@code a_i}, decoder rows {@code d_i}, decoder bias {@code b_dec} and
 * reconstruction error {@code e = x - x_hat}, {@code w . x = sum_i a_i (w . d_i) + w . b_dec + w . e}, so a segment's
 * logit is {@code bias + w . b_dec + sum_i mean(a_i) (w . d_i) + mean(w . e)} ({@link #contributions}).
 */
public final class Readouts {
    private final int dIn;
    /** Per category (catalog order): its readout weights, or null (a sparse-head category). */
    private final float[][] weights;
    private final double[] bias;
    /** Per readout category: {@code w . d_i} for every SAE latent i; null until {@link #withSae}. */
    private final double[][] decoderDot;
    /** Per readout category: {@code w . b_dec}. */
    private final double[] decoderBiasDot;

    private Readouts(int dIn, float[][] weights, double[] bias, double[][] decoderDot, double[] decoderBiasDot) {
        this.dIn = dIn;
        this.weights = weights;
        this.bias = bias;
        this.decoderDot = decoderDot;
        this.decoderBiasDot = decoderBiasDot;
    }

    /** The readouts of a catalog (null when no category has one). */
    public static Readouts of(Catalog catalog) {
        List<Catalog.Category> cats = catalog.categories();
        float[][] w = new float[cats.size()][];
        double[] b = new double[cats.size()];
        int d = -1;
        for (int c = 0; c < cats.size(); c++) {
            Catalog.Readout r = cats.get(c).readout();
            if (r != null) {
                if (d >= 0 && r.weights().length != d) {
                    throw new IllegalArgumentException("category '" + cats.get(c).name() + "' readout has "
                            + r.weights().length + " weights, expected " + d + " like the others");
                }
                d = r.weights().length;
                w[c] = r.weights();
                b[c] = r.bias();
            }
        }
        return d < 0 ? null : new Readouts(d, w, b, null, null);
    }

    /** These readouts with the SAE's decoder folded in, for explanations. */
    public Readouts withSae(SaeWeights sae) {
        int dSae = sae.config().dSae();
        if (sae.config().dIn() != dIn) {
            throw new IllegalArgumentException("SAE d_in " + sae.config().dIn() + ", expected the readouts' " + dIn);
        }
        double[][] dd = new double[weights.length][];
        double[] bd = new double[weights.length];
        for (int c = 0; c < weights.length; c++) {
            if (weights[c] == null) {
                continue;
            }
            float[] w = weights[c];
            dd[c] = new double[dSae];
            for (int i = 0; i < dSae; i++) {
                double s = 0;
                int off = i * dIn;
                for (int j = 0; j < dIn; j++) {
                    s += (double) w[j] * sae.wDec()[off + j];
                }
                dd[c][i] = s;
            }
            double s = 0;
            for (int j = 0; j < dIn; j++) {
                s += (double) w[j] * sae.bDec()[j];
            }
            bd[c] = s;
        }
        return new Readouts(dIn, weights, bias, dd, bd);
    }

    /** {@code w . d_i} for every SAE latent i under category {@code c}'s readout (a copy). */
    public double[] decoderDots(int c) {
        return decoderDot[c].clone();
    }

    public int dIn() {
        return dIn;
    }

    /** Whether category {@code c} is scored by a readout. */
    public boolean has(int c) {
        return weights[c] != null;
    }

    public double bias(int c) {
        return bias[c];
    }

    public int categories() {
        return weights.length;
    }

    /**
     * Each token's projection on each readout: {@code out[t * C + c] = w_c . x_t} (0 for sparse-head categories);
     * {@code rows} holds {@code tokens} rows of {@code dIn} floats.
     */
    public double[] project(float[] rows, int tokens) {
        int nc = weights.length;
        double[] out = new double[tokens * nc];
        for (int c = 0; c < nc; c++) {
            float[] w = weights[c];
            if (w == null) {
                continue;
            }
            for (int t = 0; t < tokens; t++) {
                double s = 0;
                int off = t * dIn;
                for (int j = 0; j < dIn; j++) {
                    s += (double) w[j] * rows[off + j];
                }
                out[t * nc + c] = s;
            }
        }
        return out;
    }

    /**
     * Prefix sums of the projections per category: {@code out[c][t]} is the sum over tokens {@code [0, t)}, so a
     * segment's mean projection is {@code (out[c][to] - out[c][from]) / (to - from)}.
     */
    public double[][] prefixSums(double[] proj, int tokens) {
        int nc = weights.length;
        double[][] out = new double[nc][];
        for (int c = 0; c < nc; c++) {
            if (weights[c] == null) {
                continue;
            }
            out[c] = new double[tokens + 1];
            for (int t = 0; t < tokens; t++) {
                out[c][t + 1] = out[c][t] + proj[t * nc + c];
            }
        }
        return out;
    }

    /** A segment's logit for readout category {@code c}: {@code bias + mean projection}. */
    public double logit(int c, double[][] prefix, int from, int to) {
        return bias[c] + (prefix[c][to] - prefix[c][from]) / (to - from);
    }

    /** One text's readout logits per segment, as scoring reads them. */
    public interface TextLogits {
        /** Category {@code c}'s logit of the text's segment {@code index} ({@link Segments#of} order), {@code seg}. */
        double logit(int c, int index, Segments.Segment seg);
    }

    /** Logits from the text's token rows ({@code [tokens, d_in]}): any segment, by prefix sums of the projections. */
    public TextLogits fromTokens(float[] rows, int tokens) {
        double[][] prefix = prefixSums(project(rows, tokens), tokens);
        return (c, index, seg) -> logit(c, prefix, seg.from(), seg.to());
    }

    /**
     * Logits from the means of the text's segments ({@code [segments, d_in]} flattened, {@link Segments#of} order):
     * {@code bias + w . mean}, the same number the token rows give (the mean is linear).
     */
    public TextLogits fromSegmentMeans(float[] means, int segments) {
        int nc = weights.length;
        double[] z = new double[segments * nc];
        for (int c = 0; c < nc; c++) {
            float[] w = weights[c];
            if (w == null) {
                continue;
            }
            for (int s = 0; s < segments; s++) {
                double v = bias[c];
                int off = s * dIn;
                for (int j = 0; j < dIn; j++) {
                    v += (double) w[j] * means[off + j];
                }
                z[s * nc + c] = v;
            }
        }
        return (c, index, seg) -> z[index * nc + c];
    }

    /**
     * What the SAE says about one segment's logit for category {@code c}.
     *
     * @param features     latents active in the segment
     * @param contribution per latent: its mean activation over the segment times {@code w . d_i}
     * @param maxActivation per latent: its largest activation in the segment
     * @param argmax       per latent: the segment token (0-based within the segment) where it is largest
     * @param bias         the readout's bias plus {@code w . b_dec}
     * @param error        {@code w . mean(x - x_hat)} over the segment
     */
    public record Contributions(int[] features, double[] contribution, double[] maxActivation, int[] argmax,
                                double bias, double error) {
        public double featureSum() {
            double s = 0;
            for (double v : contribution) {
                s += v;
            }
            return s;
        }
    }

    /**
     * Splits category {@code c}'s logit over code rows {@code [fromRow, toRow)} (the segment) into SAE feature
     * contributions, the bias and the reconstruction error; {@code meanProjection} is the segment's mean
     * {@code w . x}. Needs {@link #withSae}.
     */
    public Contributions contributions(int c, SparseCodes codes, int fromRow, int toRow, double meanProjection) {
        if (decoderDot == null) {
            throw new IllegalStateException("readouts without the SAE decoder: call withSae first");
        }
        int n = toRow - fromRow;
        java.util.Map<Integer, double[]> acc = new java.util.TreeMap<>();
        for (int r = fromRow; r < toRow; r++) {
            for (int k = codes.rowStart()[r]; k < codes.rowStart()[r + 1]; k++) {
                float a = codes.values()[k];
                if (a == 0) {
                    continue;
                }
                double[] v = acc.computeIfAbsent(codes.features()[k], f -> new double[] {0, Double.NEGATIVE_INFINITY, -1});
                v[0] += a;
                if (a > v[1]) {
                    v[1] = a;
                    v[2] = r - fromRow;
                }
            }
        }
        int[] feats = new int[acc.size()];
        double[] contrib = new double[feats.length], max = new double[feats.length];
        int[] arg = new int[feats.length];
        int i = 0;
        double reconstruction = decoderBiasDot[c];
        for (var e : acc.entrySet()) {
            feats[i] = e.getKey();
            contrib[i] = e.getValue()[0] / n * decoderDot[c][e.getKey()];
            max[i] = e.getValue()[1];
            arg[i] = (int) e.getValue()[2];
            reconstruction += contrib[i];
            i++;
        }
        // w . mean(x - x_hat) = mean(w . x) - (w . b_dec + sum_i mean(a_i) w . d_i)
        return new Contributions(feats, contrib, max, arg, bias[c] + decoderBiasDot[c], meanProjection - reconstruction);
    }
}
