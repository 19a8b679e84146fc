package dev.saemonitor.training;

/**
 * What training measured: held-out fraction of variance explained, mean active latents per token (L0),
 * the fraction of latents dead at the end (no fire in the last {@code deadTokens} training tokens) and
 * of latents that never fired on the held-out slice, throughput, and the run's shape.
 */
public record TrainingReport(String architecture, int dIn, int dSae, int k, float l1, float lr, int batch,
                             long trainTokens, long heldOutTokens, long steps, double fve, double l0,
                             double deadFraction, double heldOutSilentFraction, double finalTrainMse,
                             double tokensPerSecond, double seconds, int threads, long seed) {
}
