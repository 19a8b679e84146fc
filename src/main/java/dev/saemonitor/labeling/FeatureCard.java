package dev.saemonitor.labeling;

import java.util.List;

/**
 * One line of a pack's {@code features.jsonl}: what a feature responds to, as measured on a corpus.
 * {@code labelSource} is {@code auto} (from {@link AutoLabeler}) or {@code manual} (kept on relabelling).
 */
public record FeatureCard(int id, String label, String labelSource, double firingRate, double meanActivation,
                          List<Context> topContexts) {
    /** A window of corpus text around the token where the feature peaked, marked like «this». */
    public record Context(String text, String token, double activation) {
    }
}
