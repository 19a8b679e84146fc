package dev.saemonitor.modelpack.importers;

import com.fasterxml.jackson.databind.JsonNode;
import dev.saemonitor.modelpack.PackException;
import dev.saemonitor.modelpack.SaeArchitecture;
import dev.saemonitor.modelpack.SaeConfig;
import dev.saemonitor.modelpack.SaeWeights;
import dev.saemonitor.modelpack.SafetensorsFile;
import java.nio.file.Path;

/**
 * EleutherAI sparsify: {@code cfg.json} ({@code k}, {@code num_latents} or {@code expansion_factor}, {@code d_in})
 * and {@code sae.safetensors} with {@code encoder.weight [d_sae, d_in]}, {@code encoder.bias}, {@code W_dec
 * [d_sae, d_in]}, {@code b_dec}. Encoding: {@code topk(relu((x - b_dec) encoder.weight^T + encoder.bias), k)}, the
 * pack's topk with apply_b_dec_to_input (relu then top-k keeps the same non-zero codes as top-k then relu).
 * Skip connections and transcoders are refused, as are activations other than topk.
 */
final class Sparsify {
    static final String WEIGHTS = "sae.safetensors";
    static final String CONFIG = "cfg.json";

    private Sparsify() {
    }

    static SaeWeights read(Path dir, SaeSource.Options o) {
        Path cfgFile = dir.resolve(CONFIG);
        JsonNode c = SaeConfigJson.read(cfgFile);
        for (String flag : new String[] {"skip_connection", "transcode"}) {
            if (c.path(flag).asBoolean(false)) {
                throw PackException.of(cfgFile, "'" + flag + "' is true: expected a plain sparsify SAE (false), "
                        + "a " + flag.replace('_', ' ') + " is not a dictionary of the input");
            }
        }
        String act = c.path("activation").asText("topk");
        if (!act.equals("topk")) {
            throw PackException.of(cfgFile, "'activation' is '" + act + "', expected 'topk'");
        }
        int k = c.path("k").asInt(0);
        if (k <= 0) {
            throw PackException.of(cfgFile, "'k' missing or not a positive integer");
        }
        try (SafetensorsFile f = SafetensorsFile.open(dir.resolve(WEIGHTS))) {
            int dIn = c.has("d_in") ? c.path("d_in").asInt() : Orientation.length(f, "b_dec");
            int dSae = c.path("num_latents").asInt(0) > 0 ? c.path("num_latents").asInt()
                    : dIn * c.path("expansion_factor").asInt(0);
            if (dSae != Orientation.length(f, "encoder.bias")) {
                throw PackException.of(f.file(), "tensor 'encoder.bias' has " + Orientation.length(f, "encoder.bias")
                        + " latents, expected " + dSae + " from cfg.json (num_latents, or d_in x expansion_factor)");
            }
            float[] wEnc = Orientation.matrix(f, "encoder.weight", dIn, dSae);
            float[] wDec = Orientation.matrix(f, "W_dec", dSae, dIn);
            SaeConfig cfg = new SaeConfig(SaeArchitecture.TOPK, dIn, dSae, k, true, o.hookName(), o.modelName());
            return new SaeWeights(cfg, wEnc, f.floats("encoder.bias").data(), wDec,
                    Orientation.vector(f, "b_dec", dIn), null);
        } catch (IllegalArgumentException e) {
            throw PackException.of(cfgFile, e.getMessage());
        }
    }
}
