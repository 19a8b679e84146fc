package dev.saemonitor.console;

import com.fasterxml.jackson.databind.JsonNode;
import dev.saemonitor.modelpack.Catalog;
import dev.saemonitor.modelpack.FeatureCard;
import dev.saemonitor.modelpack.ModelPack;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * One evidence feature of a verdict as the console shows it: the verdict's own figures beside what the loaded pack's
 * catalog and feature card say about the feature (label, association with the category, top contexts).
 *
 * @param eventId     the event the span points into (conversation evidence; null for an event verdict)
 * @param association the head's measured association: share of the category's positive and of benign calibration
 *                    segments the feature fires in; empty when unknown
 * @param cardShares  the feature card's share of each category's positive texts (and benign) it fires on
 */
@io.quarkus.qute.TemplateData
public record EvidenceRow(int index, String eventId, String category, int feature, String label, double activation,
                          int start, int end, String association, String cardShares,
                          List<FeatureCard.Context> topContexts, String contribution) {

    /** Hover text of the evidence span. */
    public String title() {
        return "feature " + feature + " \u00b7 " + label + " \u00b7 " + category + " \u00b7 activation "
                + String.format(Locale.ROOT, "%.3f", activation) + (association.isEmpty() ? "" : " \u00b7 " + association);
    }

    /** The rows of a verdict's {@code evidence} array, looked up in {@code pack} (null: no pack loaded). */
    static List<EvidenceRow> of(JsonNode evidence, ModelPack pack) {
        List<EvidenceRow> out = new ArrayList<>();
        int i = 0;
        for (JsonNode e : evidence) {
            int id = e.path("feature").asInt();
            String category = e.path("category").asText();
            Optional<FeatureCard> card = pack == null ? Optional.empty() : pack.card(id);
            out.add(new EvidenceRow(i++, e.path("eventId").asText(null), category, id, e.path("label").asText(""),
                    e.path("activation").asDouble(), e.path("span").path("start").asInt(), e.path("span").path("end").asInt(),
                    association(pack, category, id), card.map(c -> shares(c.categoryAssociation())).orElse(""),
                    card.map(c -> c.topContexts().stream().limit(5).toList()).orElse(List.of()),
                    e.path("contribution").isNumber()
                            ? String.format(Locale.ROOT, "%+.3f", e.path("contribution").asDouble()) : ""));
        }
        return out;
    }

    private static String association(ModelPack pack, String category, int feature) {
        if (pack == null) {
            return "";
        }
        return pack.catalog().categories().stream().filter(c -> c.name().equals(category))
                .flatMap(c -> c.features().stream()).filter(f -> f.id() == feature && f.association() != null)
                .findFirst().map(Catalog.Feature::association)
                .map(a -> String.format(Locale.ROOT, "fires in %.0f%% of %s segments, %.1f%% of benign",
                        100 * a.positives(), category, 100 * a.benign()))
                .orElse("");
    }

    private static String shares(Map<String, Double> byCategory) {
        return byCategory.entrySet().stream()
                .map(s -> s.getKey() + " " + String.format(Locale.ROOT, "%.1f%%", 100 * s.getValue()))
                .collect(Collectors.joining(", "));
    }
}
