package dev.saemonitor.training;

import dev.saemonitor.modelpack.SaeArchitecture;

/**
 * What {@link SaeTrainer} does: the architecture (TopK or ReLU+L1), dictionary size, sparsity, Adam
 * learning rate, batch size in tokens, how many training tokens to see, the held-out fraction, when
 * a latent counts as dead (no fire in {@code deadTokens} tokens), the AuxK weight and width, threads
 * and the random seed.
 */
public record TrainingOptions(SaeArchitecture architecture, int dSae, int k, float l1, float lr, int batch,
                              long tokens, double heldOut, long deadTokens, float auxAlpha, int auxK, int threads,
                              long seed) {
    public TrainingOptions {
        if (architecture == SaeArchitecture.JUMPRELU) {
            throw new IllegalArgumentException("train-sae trains topk or relu, not jumprelu");
        }
        if (dSae <= 0 || batch <= 0 || tokens <= 0 || threads <= 0 || !(lr > 0)) {
            throw new IllegalArgumentException("d-sae, batch, tokens, threads and lr must be positive");
        }
        if (architecture == SaeArchitecture.TOPK && (k <= 0 || k > dSae)) {
            throw new IllegalArgumentException("topk needs 0 < k <= d-sae, got k=" + k);
        }
        if (!(heldOut > 0 && heldOut < 0.5)) {
            throw new IllegalArgumentException("held-out fraction must be in (0, 0.5), got " + heldOut);
        }
    }

    public boolean topK() {
        return architecture == SaeArchitecture.TOPK;
    }
}
