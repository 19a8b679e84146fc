package dev.saemonitor.modelpack;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One line of a pack's {@code features.jsonl}: what a feature responds to, as measured on a corpus.
 * Fields added after the first packs ({@code generic}, {@code benignFiringShare},
 * {@code categoryAssociation}) are optional, so older files still load.
 *
 * @param label               automatic (distinctive phrases of the top contexts) or a person's
 * @param labelSource         {@code auto} or {@code manual}; a manual label is kept on relabelling
 * @param generic             the top contexts share nothing distinctive (label {@code diffuse: …}), or the
 *                            feature never fired: its evidence tells a reviewer nothing, keep it out of heads
 * @param firingRate          share of corpus tokens it fires on
 * @param benignFiringShare   share of corpus texts it fires on at least once; {@code null} when not measured
 * @param categoryAssociation share of each category's positive texts it fires on, and of benign
 *                            ({@code benign}), in the data's category order; empty when label-features ran
 *                            without labelled data
 * @param meanActivation      mean activation where it fires
 * @param topContexts         strongest contexts, at most one per text
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record FeatureCard(int id, String label, String labelSource, boolean generic, double firingRate,
                          Double benignFiringShare,
                          @JsonInclude(JsonInclude.Include.NON_EMPTY) Map<String, Double> categoryAssociation,
                          double meanActivation, List<Context> topContexts) {
    public static final String AUTO = "auto";
    public static final String MANUAL = "manual";
    /** The key of {@link #categoryAssociation} for texts with no labels. */
    public static final String BENIGN = "benign";
    private static final ObjectMapper JSON = new ObjectMapper();

    public FeatureCard {
        label = label == null ? "" : label;
        labelSource = labelSource == null || labelSource.isBlank() ? AUTO : labelSource;
        categoryAssociation = categoryAssociation == null ? Map.of()
                : Collections.unmodifiableMap(new LinkedHashMap<>(categoryAssociation));
        topContexts = topContexts == null ? List.of() : List.copyOf(topContexts);
    }

    /** A window of corpus text around the token where the feature peaked, marked like «this». */
    public record Context(String text, String token, double activation) {
    }

    @JsonIgnore
    public boolean manual() {
        return MANUAL.equals(labelSource);
    }

    /** Parses one features.jsonl line; missing optional fields take their defaults. */
    public static FeatureCard fromJson(JsonNode node) {
        try {
            return JSON.treeToValue(node, FeatureCard.class);
        } catch (JsonProcessingException | IllegalArgumentException e) {
            String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            int nl = m.indexOf('\n');
            throw new IllegalArgumentException("not a feature card (" + (nl < 0 ? m : m.substring(0, nl)) + ")");
        }
    }

    public String toJson() {
        try {
            return JSON.writeValueAsString(this);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("feature card " + id + " does not serialise", e);
        }
    }
}
