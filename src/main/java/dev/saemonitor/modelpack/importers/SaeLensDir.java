package dev.saemonitor.modelpack.importers;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.saemonitor.modelpack.PackException;
import dev.saemonitor.modelpack.SaeConfig;
import dev.saemonitor.modelpack.SaeWeights;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A SAELens directory ({@code cfg.json} + {@code sae_weights.safetensors}), with its {@code normalize_activations}:
 * <ul>
 *   <li>{@code none}: taken as is;</li>
 *   <li>{@code expected_average_only_in}: the SAE was trained on {@code S x}, S estimated once from the data
 *       ({@code activation_scaler.json} {@code scaling_factor}, or {@code --norm-scaling-factor}). Folded as SAELens's
 *       {@code fold_activation_norm_scaling_factor} does: {@code (S x - b_dec) W_enc = (x - b_dec / S)(S W_enc)}, so
 *       {@code W_enc * S}, {@code b_dec / S}, and the reconstruction {@code (f W_dec + b_dec) / S} gives
 *       {@code W_dec / S}; b_enc and threshold unchanged. Without a factor it is refused;</li>
 *   <li>{@code constant_norm_rescale}, {@code layer_norm}: per-token rescaling (x sqrt(d_in) / |x|, or
 *       standardisation), which no weights can hold; refused.</li>
 * </ul>
 */
final class SaeLensDir {
    static final String SCALER = "activation_scaler.json";

    private SaeLensDir() {
    }

    static SaeWeights read(Path dir, SaeSource.Options o) {
        Path cfgFile = dir.resolve(SaeWeights.CONFIG_FILE);
        JsonNode n = SaeConfigJson.read(cfgFile);
        String norm = n.path("normalize_activations").asText("none");
        ObjectNode plain = ((ObjectNode) n.deepCopy()).put("normalize_activations", "none");
        SaeConfig cfg = SaeConfig.fromJson(cfgFile, plain);
        switch (norm) {
            case "none", "" -> {
                return SaeWeights.load(dir, cfg);
            }
            case "expected_average_only_in" -> {
                double s = scalingFactor(dir, cfgFile, o);
                SaeWeights w = SaeWeights.load(dir, cfg);
                return new SaeWeights(cfg, Orientation.scaled(w.wEnc(), s), w.bEnc(), Orientation.scaled(w.wDec(), 1 / s),
                        Orientation.scaled(w.bDec(), 1 / s), w.threshold());
            }
            default -> throw PackException.of(cfgFile, "normalize_activations '" + norm + "' rescales every token by "
                    + "its own norm, which cannot be folded into weights; expected 'none' or 'expected_average_only_in'");
        }
    }

    private static double scalingFactor(Path dir, Path cfgFile, SaeSource.Options o) {
        if (o.normScalingFactor() != null) {
            return checked(cfgFile, o.normScalingFactor(), "--norm-scaling-factor");
        }
        Path scaler = dir.resolve(SCALER);
        if (Files.isRegularFile(scaler)) {
            JsonNode s = SaeConfig.readJson(scaler).path("scaling_factor");
            if (s.isNumber()) {
                return checked(scaler, s.asDouble(), "scaling_factor");
            }
        }
        throw PackException.of(cfgFile, "normalize_activations 'expected_average_only_in': the SAE expects inputs scaled "
                + "by a factor estimated in training, and neither " + SCALER + " (scaling_factor) nor "
                + "--norm-scaling-factor gives it");
    }

    private static double checked(Path file, double s, String key) {
        if (!(s > 0) || Double.isInfinite(s)) {
            throw PackException.of(file, "'" + key + "' is " + s + ", expected a positive scaling factor");
        }
        return s;
    }
}
