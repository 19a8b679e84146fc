package dev.saemonitor.testing;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.saemonitor.activations.Npy;
import dev.saemonitor.modelpack.Safetensors;
import dev.saemonitor.modelpack.Tensor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * Synthetic public SAEs written in their published layouts (names, orientations, config files), with seeded
 * random weights, for the import-sae checks against {@code scripts/public_sae_reference.py}.
 */
public final class PublishedSaes {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Llama Scope's input average norm: activations of {@link #activations} have about this norm. */
    public static final double LLAMA_NORM_IN = 3.0;

    private final Random r;
    private final int dIn;
    private final int dSae;

    public PublishedSaes(int dIn, int dSae, long seed) {
        this.r = new Random(seed);
        this.dIn = dIn;
        this.dSae = dSae;
    }

    /** Rows of norm about {@code norm}. */
    public float[] activations(int rows, double norm) {
        return gauss(rows * dIn, norm / Math.sqrt(dIn), 0);
    }

    public void gemmaScope1(Path dir) throws IOException {
        Files.createDirectories(dir);
        float[] wEnc = gauss(dIn * dSae, 1 / Math.sqrt(dIn), 0);
        try (ZipOutputStream z = new ZipOutputStream(Files.newOutputStream(dir.resolve("params.npz")))) {
            npy(z, "W_enc", dIn, dSae, wEnc);
            npy(z, "W_dec", dSae, dIn, gauss(dSae * dIn, 0.2, 0));
            npy(z, "b_enc", 1, dSae, gauss(dSae, 0.1, -0.1));
            npy(z, "b_dec", 1, dIn, gauss(dIn, 0.05, 0));
            npy(z, "threshold", 1, dSae, uniform(dSae, 0.4));
        }
    }

    public void gemmaScope2(Path dir) throws IOException {
        Safetensors.write(dir.resolve("params.safetensors"), List.of(
                t("w_enc", gauss(dIn * dSae, 1 / Math.sqrt(dIn), 0), dIn, dSae),
                t("b_enc", gauss(dSae, 0.1, -0.1), dSae),
                t("threshold", uniform(dSae, 0.4), dSae),
                t("w_dec", gauss(dSae * dIn, 0.2, 0), dSae, dIn),
                t("b_dec", gauss(dIn, 0.05, 0), dIn)), Map.of());
    }

    public void sparsify(Path dir, int k) throws IOException {
        ObjectNode cfg = JSON.createObjectNode().put("expansion_factor", dSae / dIn).put("normalize_decoder", true)
                .put("num_latents", dSae).put("k", k).put("multi_topk", false).put("skip_connection", false).put("d_in", dIn);
        Files.createDirectories(dir);
        JSON.writeValue(dir.resolve("cfg.json").toFile(), cfg);
        Safetensors.write(dir.resolve("sae.safetensors"), List.of(
                t("encoder.weight", gauss(dSae * dIn, 1 / Math.sqrt(dIn), 0), dSae, dIn),
                t("encoder.bias", gauss(dSae, 0.1, 0), dSae),
                t("W_dec", gauss(dSae * dIn, 0.2, 0), dSae, dIn),
                t("b_dec", gauss(dIn, 0.1, 0), dIn)), Map.of());
    }

    /** JumpReLU, dataset-wise norm (in {@link #LLAMA_NORM_IN}, out 5.25), decoder columns of norms 0.5 to 2. */
    public void llamaScope(Path dir, double threshold) throws IOException {
        ObjectNode hp = JSON.createObjectNode().put("d_model", dIn).put("d_sae", dSae).put("act_fn", "jumprelu")
                .put("jump_relu_threshold", threshold).put("norm_activation", "dataset-wise")
                .put("sparsity_include_decoder_norm", true).put("apply_decoder_bias_to_pre_encoder", false)
                .put("use_decoder_bias", true).put("top_k", 50).put("hook_point_in", "blocks.3.hook_resid_post");
        hp.putObject("dataset_average_activation_norm").put("in", LLAMA_NORM_IN).put("out", 5.25);
        Files.createDirectories(dir.resolve("checkpoints"));
        JSON.writeValue(dir.resolve("hyperparams.json").toFile(), hp);
        float[] dec = gauss(dIn * dSae, 1 / Math.sqrt(dIn), 0);
        for (int j = 0; j < dSae; j++) {
            float s = 0.5f + 1.5f * r.nextFloat();
            for (int i = 0; i < dIn; i++) {
                dec[i * dSae + j] *= s;
            }
        }
        Safetensors.write(dir.resolve("checkpoints/final.safetensors"), List.of(
                t("encoder.weight", gauss(dSae * dIn, 1 / Math.sqrt(dIn), 0), dSae, dIn),
                t("encoder.bias", gauss(dSae, 0.1, -0.1), dSae),
                t("decoder.weight", dec, dIn, dSae),
                t("decoder.bias", gauss(dIn, 0.1, 0), dIn)), Map.of());
    }

    /** A SAELens directory with the given normalize_activations and, when {@code scale} is set, activation_scaler.json. */
    public void saeLens(Path dir, String normalize, Double scale) throws IOException {
        ObjectNode cfg = JSON.createObjectNode().put("architecture", "jumprelu").put("d_in", dIn).put("d_sae", dSae)
                .put("apply_b_dec_to_input", true).put("normalize_activations", normalize);
        Files.createDirectories(dir);
        JSON.writeValue(dir.resolve("cfg.json").toFile(), cfg);
        if (scale != null) {
            JSON.writeValue(dir.resolve("activation_scaler.json").toFile(), JSON.createObjectNode().put("scaling_factor", scale));
        }
        Safetensors.write(dir.resolve("sae_weights.safetensors"), List.of(
                t("W_enc", gauss(dIn * dSae, 1 / Math.sqrt(dIn), 0), dIn, dSae),
                t("b_enc", gauss(dSae, 0.1, -0.1), dSae),
                t("W_dec", gauss(dSae * dIn, 0.2, 0), dSae, dIn),
                t("b_dec", gauss(dIn, 0.3, 0), dIn),
                t("threshold", uniform(dSae, 0.4), dSae)), Map.of());
    }

    private static Tensor t(String name, float[] data, long... shape) {
        return new Tensor(name, shape, data);
    }

    private float[] gauss(int n, double sd, double mean) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) (mean + sd * r.nextGaussian());
        }
        return v;
    }

    private float[] uniform(int n, double max) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) (max * r.nextDouble());
        }
        return v;
    }

    private static void npy(ZipOutputStream z, String name, int rows, int cols, float[] data) throws IOException {
        z.putNextEntry(new ZipEntry(name + ".npy"));
        Npy.writeHeader(z, rows, cols);
        Npy.writeRows(z, data, 0, data.length);
        z.closeEntry();
    }
}
