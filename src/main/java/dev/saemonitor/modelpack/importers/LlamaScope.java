package dev.saemonitor.modelpack.importers;

import com.fasterxml.jackson.databind.JsonNode;
import dev.saemonitor.modelpack.PackException;
import dev.saemonitor.modelpack.SaeArchitecture;
import dev.saemonitor.modelpack.SaeConfig;
import dev.saemonitor.modelpack.SaeWeights;
import dev.saemonitor.modelpack.SafetensorsFile;
import java.nio.file.Path;

/**
 * Llama Scope (OpenMOSS lm-saes): {@code hyperparams.json} + {@code checkpoints/final.safetensors} with
 * {@code encoder.weight [d_sae, d_model]}, {@code encoder.bias}, {@code decoder.weight [d_model, d_sae]},
 * {@code decoder.bias} (nn.Linear layout, so both transposed against SAELens; oriented by shape).
 *
 * <p>Published formula, with {@code c = sqrt(d_model) / dataset_average_activation_norm.in} and
 * {@code n_j = |W_D[j]|} when {@code sparsity_include_decoder_norm} (else 1), {@code W_E = encoder.weight^T}:
 * <pre>
 *   p   = (c x) W_E + b_E                        (c x - b_D instead of c x if apply_decoder_bias_to_pre_encoder)
 *   f_j = p_j * [p_j n_j > theta]                (jumprelu: the gate sees p n, the code is (p n)/n = p)
 *   x^  = (f W_D + b_D) / c_out,  c_out = sqrt(d_model) / dataset_average_activation_norm.out
 * </pre>
 * Folded into the pack's {@code f_j = relu(p'_j) [p'_j > t_j]}, {@code p' = (x - b_dec?) W_enc + b_enc}:
 * {@code W_enc = c W_E} (since (c x) W_E = x (c W_E)), {@code b_enc = b_E}, so {@code p' = p} and the codes keep the
 * published units; {@code t_j = theta / n_j} (for n_j > 0, p n > theta iff p > theta / n; n_j = 0 never fires,
 * t_j = Float.MAX_VALUE); with theta >= 0 the pack's relu changes nothing (a gated p exceeds theta / n >= 0).
 * The decoder in raw units: {@code W_dec = W_D / c_out}, {@code b_dec = b_D / c_out}; with the decoder bias applied
 * at the input, {@code c x - b_D = c (x - b_D / c)} needs {@code b_dec = b_D / c}, the same vector only when
 * in = out, otherwise refused. topk checkpoints ({@code act_fn: topk}, {@code top_k}) fold the same way (top-k of
 * p is unchanged); token-wise input norms are per token and cannot be folded, so they are refused.
 */
final class LlamaScope {
    static final String HYPERPARAMS = "hyperparams.json";
    static final String WEIGHTS = "checkpoints/final.safetensors";

    private LlamaScope() {
    }

    static SaeWeights read(Path dir, SaeSource.Options o) {
        Path hpFile = dir.resolve(HYPERPARAMS);
        JsonNode hp = SaeConfigJson.read(hpFile);
        int dModel = positive(hpFile, hp, "d_model"), dSae = positive(hpFile, hp, "d_sae");
        String act = hp.path("act_fn").asText("jumprelu");
        SaeArchitecture arch = switch (act) {
            case "jumprelu" -> SaeArchitecture.JUMPRELU;
            case "topk" -> SaeArchitecture.TOPK;
            case "relu" -> SaeArchitecture.RELU;
            default -> throw PackException.of(hpFile, "'act_fn' is '" + act + "', expected jumprelu, topk or relu");
        };
        double theta = hp.path("jump_relu_threshold").asDouble(0);
        if (arch == SaeArchitecture.JUMPRELU && !(theta >= 0)) {
            throw PackException.of(hpFile, "'jump_relu_threshold' is " + theta + ", expected >= 0");
        }
        double cIn = 1, cOut = 1;
        String norm = hp.path("norm_activation").asText("none");
        switch (norm) {
            case "dataset-wise" -> {
                cIn = Math.sqrt(dModel) / averageNorm(hpFile, hp, "in");
                cOut = Math.sqrt(dModel) / averageNorm(hpFile, hp, "out");
            }
            case "none", "inference" -> { }
            default -> throw PackException.of(hpFile, "'norm_activation' is '" + norm + "': a per-token norm cannot "
                    + "be folded into weights, expected 'dataset-wise' or 'none'");
        }
        boolean centre = hp.path("apply_decoder_bias_to_pre_encoder").asBoolean(false);
        if (centre && cIn != cOut) {
            throw PackException.of(hpFile, "'apply_decoder_bias_to_pre_encoder' is true with dataset_average_activation_norm "
                    + "in != out: one b_dec cannot serve the input (b_D / c_in) and the output (b_D / c_out)");
        }
        try (SafetensorsFile f = SafetensorsFile.open(dir.resolve(WEIGHTS))) {
            float[] wE = Orientation.matrix(f, name(f, "encoder.weight", "W_E"), dModel, dSae);
            float[] wD = Orientation.matrix(f, name(f, "decoder.weight", "W_D"), dSae, dModel);
            float[] bE = Orientation.vector(f, name(f, "encoder.bias", "b_E"), dSae);
            String bDName = f.entries().containsKey("decoder.bias") ? "decoder.bias" : f.entries().containsKey("b_D") ? "b_D" : null;
            float[] bD = bDName == null ? new float[dModel] : Orientation.vector(f, bDName, dModel);
            float[] thr = null;
            if (arch == SaeArchitecture.JUMPRELU) {
                boolean decNorm = hp.path("sparsity_include_decoder_norm").asBoolean(false);
                thr = new float[dSae];
                for (int j = 0; j < dSae; j++) {
                    double n = decNorm ? rowNorm(wD, j, dModel) : 1;
                    thr[j] = n > 0 ? (float) (theta / n) : Float.MAX_VALUE;
                }
            }
            SaeConfig cfg = new SaeConfig(arch, dModel, dSae, arch == SaeArchitecture.TOPK ? hp.path("top_k").asInt(0) : 0,
                    centre, o.hookName().isEmpty() ? hp.path("hook_point_in").asText("") : o.hookName(), o.modelName());
            return new SaeWeights(cfg, Orientation.scaled(wE, cIn), bE, Orientation.scaled(wD, 1 / cOut),
                    Orientation.scaled(bD, 1 / cOut), thr);
        } catch (IllegalArgumentException e) {
            throw PackException.of(hpFile, e.getMessage() + " ('top_k')");
        }
    }

    private static String name(SafetensorsFile f, String linear, String param) {
        return f.entries().containsKey(param) && !f.entries().containsKey(linear) ? param : linear;
    }

    private static double rowNorm(float[] m, int row, int cols) {
        double s = 0;
        for (int i = 0; i < cols; i++) {
            double v = m[row * cols + i];
            s += v * v;
        }
        return Math.sqrt(s);
    }

    private static int positive(Path file, JsonNode hp, String key) {
        if (!hp.path(key).canConvertToInt() || hp.path(key).asInt() <= 0) {
            throw PackException.of(file, "'" + key + "' missing or not a positive integer");
        }
        return hp.path(key).asInt();
    }

    private static double averageNorm(Path file, JsonNode hp, String side) {
        JsonNode n = hp.path("dataset_average_activation_norm");
        double v = n.isNumber() ? n.asDouble() : n.path(side).asDouble(Double.NaN);
        if (!(v > 0) || Double.isInfinite(v)) {
            throw PackException.of(file, "'dataset_average_activation_norm." + side + "' is " + n.path(side)
                    + ": norm_activation 'dataset-wise' needs a positive average norm");
        }
        return v;
    }
}
