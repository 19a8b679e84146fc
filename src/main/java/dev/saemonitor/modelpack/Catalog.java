package dev.saemonitor.modelpack;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * {@code catalog.yaml}: the categories a pack scores. A text is cut into short overlapping token
 * segments ({@code segmentation}); a category's segment score is
 * {@code sigmoid(bias + sum(weight * feature pooled over the segment))}, its text score the maximum over
 * segments, flagged at {@code score >= threshold}. A catalog without {@code segmentation} (packs before
 * 0.3) pools over the whole text, as one segment.
 *
 * <p>The optional {@code conversation} section holds the conversation heads ({@link Conversation}); a catalog
 * without it scores a conversation as the maximum of its turns' event scores at the event thresholds.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Catalog(Segmentation segmentation, List<Category> categories, Conversation conversation) {

    /** A catalog that pools over whole texts. */
    public Catalog(List<Category> categories) {
        this(null, categories, null);
    }

    /** A catalog without conversation heads. */
    public Catalog(Segmentation segmentation, List<Category> categories) {
        this(segmentation, categories, null);
    }

    /** The same catalog with other event categories (threshold overrides); the conversation section stays. */
    public Catalog withCategories(List<Category> replaced) {
        return new Catalog(segmentation, replaced, conversation);
    }

    /** The same catalog with another conversation section (null: none). */
    public Catalog withConversation(Conversation replaced) {
        return new Catalog(segmentation, categories, replaced);
    }

    /**
     * Conversation heads, scored over the last {@code window} turns of a conversation so that harm split
     * across turns adds up. {@code J} is the category's event head applied across turns: the largest logit over
     * sets of at most {@code maxParts} of the window's turns, each set scored as one segment made of the turns'
     * best segments (a set of one turn is the turn's own event logit). Per category:
     * {@code sigmoid(bias + eventWeight * J + sum(weight * X_f))}, {@code X_f} being the maximum over the window
     * of feature f's turn value (the largest segment mean, short segments averaged over the width); flagged at
     * {@code score >= threshold}. A category without a head here keeps the baseline (max of the turns' event
     * scores at the event threshold).
     *
     * @param maxParts most turns joined into one virtual segment (null: {@link #DEFAULT_MAX_PARTS})
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Conversation(int window, Integer maxParts, List<ConversationHead> categories) {
        public static final int DEFAULT_MAX_PARTS = 2;

        public Conversation {
            if (window < 1) {
                throw new IllegalArgumentException("conversation window needs at least 1 turn, got " + window);
            }
            if (maxParts != null && maxParts < 1) {
                throw new IllegalArgumentException("conversation maxParts needs at least 1, got " + maxParts);
            }
        }

        public int parts() {
            return maxParts == null ? DEFAULT_MAX_PARTS : maxParts;
        }

        /** The head of a category, or null when the category has none. */
        public ConversationHead head(String category) {
            if (categories == null) {
                return null;
            }
            return categories.stream().filter(h -> h.name().equals(category)).findFirst().orElse(null);
        }
    }

    /** One category's conversation head: features are turn values max-pooled across the window. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record ConversationHead(String name, double bias, double eventWeight, double threshold,
                                   List<ConversationFeature> features, ThresholdChoice thresholdChoice) {
    }

    /**
     * One term of a conversation head. {@code benignTurnRate}: share of benign calibration turns it fires in.
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record ConversationFeature(int id, double weight, String label, Double benignTurnRate) {
    }

    /**
     * Token segments the heads were trained on: windows of {@code width} tokens every {@code stride}
     * tokens across the text and, unless {@code blocks} is false, within each newline-separated block
     * (paragraph, chat message).
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Segmentation(int width, int stride, Boolean blocks, Integer minBlockTokens) {
        public Segmentation {
            if (width < 1 || stride < 1 || stride > width) {
                throw new IllegalArgumentException("segmentation needs 1 <= stride <= width, got width " + width
                        + " stride " + stride);
            }
            if (minBlockTokens != null && minBlockTokens < 1) {
                throw new IllegalArgumentException("segmentation minBlockTokens needs at least 1, got " + minBlockTokens);
            }
        }

        /** Windows within each block and across the text (packs before 0.6). */
        public Segmentation(int width, int stride) {
            this(width, stride, null, null);
        }

        /** Windows across the text, and within each block unless {@code blocks} is false. */
        public Segmentation(int width, int stride, Boolean blocks) {
            this(width, stride, blocks, null);
        }

        /** Blocks shorter than this many tokens get no windows of their own (null: every block). */
        public int minBlock() {
            return minBlockTokens == null ? 1 : minBlockTokens;
        }

        /**
         * Whether windows are also cut inside each newline-separated block (null: yes). Readout packs say no: a short
         * block (a heading, a list item) makes a segment of a few tokens whose mean is noise, and measured on
         * external-dev the block windows lowered AUROC by up to 0.05; the windows across the text still localise.
         */
        public boolean perBlock() {
            return blocks == null || blocks;
        }
    }

    /**
     * One safety category and its head. With a {@code readout} the segment logit is the readout's
     * ({@code bias + w · mean of the segment's reader activations}) and {@code features} / {@code bias} here are
     * unused; without one it is the sparse head {@code bias + sum(weight * pooled feature)} (packs before 0.6).
     * {@code threshold} is the review point (a flag for the review queue); {@code pageThreshold}, when set, the page
     * point (critical: Alertmanager).
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Category(String name, Severity severity, double bias, double threshold,
                           List<Feature> features, ThresholdChoice thresholdChoice, Readout readout,
                           Double pageThreshold, ThresholdChoice pageThresholdChoice) {
        public Category {
            features = features == null ? List.of() : features;
            if (pageThreshold != null && pageThreshold < threshold) {
                throw new IllegalArgumentException("category '" + name + "': pageThreshold " + pageThreshold
                        + " is below threshold (review) " + threshold + ", expected page >= review");
            }
        }

        /** A sparse-head category with one threshold (packs before 0.6). */
        public Category(String name, Severity severity, double bias, double threshold, List<Feature> features,
                        ThresholdChoice thresholdChoice) {
            this(name, severity, bias, threshold, features, thresholdChoice, null, null, null);
        }

        /** The same category with other thresholds (null page: none). */
        public Category withThresholds(double review, Double page) {
            return new Category(name, severity, bias, review, features, thresholdChoice, readout, page,
                    pageThresholdChoice);
        }
    }

    /**
     * A dense linear readout of the reader's residual stream at the pack's layer: a segment's logit is
     * {@code bias + sum_j weights[j] * mean over the segment's tokens of x[j]}.
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Readout(float[] weights, double bias) {
        public Readout {
            if (weights == null || weights.length == 0) {
                throw new IllegalArgumentException("readout needs weights (one per reader dimension)");
            }
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Readout r && Double.compare(bias, r.bias) == 0 && java.util.Arrays.equals(weights, r.weights);
        }

        @Override
        public int hashCode() {
            return 31 * java.util.Arrays.hashCode(weights) + Double.hashCode(bias);
        }

        @Override
        public String toString() {
            return "Readout[" + weights.length + " weights, bias=" + bias + "]";
        }
    }

    /** One term of a head: a feature pooled over tokens by {@code max} or {@code mean}. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Feature(int id, Pool pool, double weight, String label, Double expectedRate,
                          Association association) {
        public Feature(int id, Pool pool, double weight, String label, Double expectedRate) {
            this(id, pool, weight, label, expectedRate, null);
        }
    }

    /**
     * What a feature says about the categories, measured on calibration segments: the share of the
     * category's positive segments and of benign segments where it fires.
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Association(double positives, double benign) {
    }

    /** How the threshold was chosen, so an operator can judge it. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record ThresholdChoice(String method, Double targetFpr, String data, String date, Integer negatives,
                                  Integer positives) {
    }

    /** Pooling over a segment's tokens. */
    public enum Pool {
        max, mean
    }

    /** How loudly a flag of the category pages. */
    public enum Severity {
        info, warning, critical;

        public boolean atLeast(Severity other) {
            return compareTo(other) >= 0;
        }
    }
}
