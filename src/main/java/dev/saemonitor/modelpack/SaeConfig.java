package dev.saemonitor.modelpack;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The subset of SAELens's {@code cfg.json} the encoder needs. Unknown keys are kept by SAELens
 * tools and ignored here; {@code k} is read from the top level or from {@code activation_fn_kwargs}.
 */
public record SaeConfig(SaeArchitecture architecture, int dIn, int dSae, int k, boolean applyBDecToInput,
                        String hookName, String modelName) {
    private static final ObjectMapper JSON = new ObjectMapper();

    public SaeConfig {
        if (dIn <= 0 || dSae <= 0) {
            throw new IllegalArgumentException("d_in and d_sae must be positive, got " + dIn + " and " + dSae);
        }
        if (architecture == SaeArchitecture.TOPK && (k <= 0 || k > dSae)) {
            throw new IllegalArgumentException("topk needs 0 < k <= d_sae, got k=" + k + " d_sae=" + dSae);
        }
    }

    public static SaeConfig read(Path file) {
        return fromJson(file, readJson(file));
    }

    /** The file as a JSON object, refused naming the file when it is not one. */
    public static JsonNode readJson(Path file) {
        JsonNode n;
        try {
            n = JSON.readTree(file.toFile());
        } catch (IOException e) {
            throw PackException.of(file, "not valid JSON (" + e.getMessage().lines().findFirst().orElse("") + ")");
        }
        if (n == null || !n.isObject()) {
            throw PackException.of(file, "expected a JSON object with architecture, d_in, d_sae");
        }
        return n;
    }

    /**
     * A SAELens cfg.json already parsed. A pack's SAE takes raw activations, so any other
     * {@code normalize_activations} than {@code none} is refused here; {@code import-sae} folds or refuses
     * the SAELens variants before a pack is written ({@code modelpack.importers.SaeLensDir}).
     */
    public static SaeConfig fromJson(Path file, JsonNode n) {
        for (String key : new String[] {"d_in", "d_sae"}) {
            if (!n.path(key).canConvertToInt() || n.path(key).asInt() <= 0) {
                throw PackException.of(file, "'" + key + "' missing or not a positive integer");
            }
        }
        String norm = n.path("normalize_activations").asText("none");
        if (!norm.equals("none") && !norm.isEmpty()) {
            throw PackException.of(file, "normalize_activations '" + norm + "' is not supported in a pack, expected 'none' "
                    + "(convert the SAE with import-sae, which folds or refuses it)");
        }
        int k = n.has("k") ? n.path("k").asInt() : n.path("activation_fn_kwargs").path("k").asInt(0);
        try {
            return new SaeConfig(SaeArchitecture.parse(n.path("architecture").asText("standard")),
                    n.path("d_in").asInt(), n.path("d_sae").asInt(), k,
                    n.path("apply_b_dec_to_input").asBoolean(true),
                    n.path("hook_name").asText(""), n.path("model_name").asText(""));
        } catch (IllegalArgumentException e) {
            throw PackException.of(file, e.getMessage());
        }
    }

    public void write(Path file) throws IOException {
        ObjectNode n = JSON.createObjectNode();
        n.put("architecture", architecture.saeLensName());
        n.put("d_in", dIn);
        n.put("d_sae", dSae);
        if (architecture == SaeArchitecture.TOPK) {
            n.put("k", k);
            n.putObject("activation_fn_kwargs").put("k", k);
        }
        n.put("apply_b_dec_to_input", applyBDecToInput);
        n.put("normalize_activations", "none");
        n.put("dtype", "float32");
        n.put("hook_name", hookName);
        n.put("model_name", modelName);
        Files.createDirectories(file.toAbsolutePath().getParent());
        JSON.writerWithDefaultPrettyPrinter().writeValue(file.toFile(), n);
    }
}
