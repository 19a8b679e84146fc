package dev.saemonitor.modelpack;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * {@code catalog.yaml}: the categories a pack scores. A category's score is
 * {@code sigmoid(bias + sum(weight * pooled feature))}, flagged at {@code score >= threshold}.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Catalog(List<Category> categories) {

    /** One safety category and its linear head. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Category(String name, Severity severity, double bias, double threshold,
                           List<Feature> features, ThresholdChoice thresholdChoice) {
    }

    /** One term of a head: a feature pooled over tokens by {@code max} or {@code mean}. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Feature(int id, Pool pool, double weight, String label, Double expectedRate) {
    }

    /** How the threshold was chosen, so an operator can judge it. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record ThresholdChoice(String method, Double targetFpr, String data, String date, Integer negatives,
                                  Integer positives) {
    }

    /** Pooling over tokens. */
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
