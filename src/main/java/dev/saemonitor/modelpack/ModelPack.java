package dev.saemonitor.modelpack;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * A loaded, verified model pack. {@code sha256} is the digest of {@code pack.yaml}, which itself
 * lists the digest of every file, so it identifies the whole pack. {@code featureCards} holds the
 * lines of features.jsonl by feature id (features without a line have no card). {@code readerOnnx} and
 * {@code tokenizer} are null for an external reader ({@link PackManifest.Reader#hasExternal()}).
 */
public record ModelPack(Path dir, PackManifest manifest, String sha256, Path readerOnnx, Path tokenizer,
                        SaeWeights sae, Catalog catalog, Map<Integer, String> featureLabels,
                        Map<Integer, FeatureCard> featureCards) {

    public String name() {
        return manifest.name();
    }

    public String version() {
        return manifest.version();
    }

    public PackManifest.Reader reader() {
        return manifest.reader();
    }

    /** True when the served LLM is the reader: activations come with the events or in activation files. */
    public boolean externalReader() {
        return manifest.reader().hasExternal();
    }

    /** The label of a feature: the catalog's, else the feature card's, else {@code "feature <id>"}. */
    public String labelOf(int feature) {
        String l = featureLabels.get(feature);
        return l == null || l.isBlank() ? "feature " + feature : l;
    }

    /**
     * The feature's card from features.jsonl, if it has one: {@link FeatureCard#generic()},
     * {@link FeatureCard#benignFiringShare()}, {@link FeatureCard#categoryAssociation()}.
     */
    public Optional<FeatureCard> card(int feature) {
        return Optional.ofNullable(featureCards.get(feature));
    }
}
