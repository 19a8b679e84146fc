package dev.saemonitor.modelpack;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * An SAE in SAELens layout: {@code W_enc [d_in, d_sae]}, {@code b_enc [d_sae]},
 * {@code W_dec [d_sae, d_in]}, {@code b_dec [d_in]}, and {@code threshold [d_sae]} for JumpReLU.
 * Matrices are row-major. The arrays are null in an SAE read header-only ({@link SaeColumns#header}),
 * whose encoder columns are read from the file on demand ({@link SaeColumns#read}).
 */
public record SaeWeights(SaeConfig config, float[] wEnc, float[] bEnc, float[] wDec, float[] bDec, float[] threshold) {
    public static final String WEIGHTS_FILE = "sae_weights.safetensors";
    public static final String CONFIG_FILE = "cfg.json";

    /** Loads {@code cfg.json} and {@code sae_weights.safetensors} from a SAELens directory, checking every shape. */
    public static SaeWeights load(Path dir) {
        return load(dir, SaeConfig.read(dir.resolve(CONFIG_FILE)));
    }

    /** False for an SAE read header-only ({@link SaeColumns#header}): config and checked shapes, no arrays. */
    public boolean isLoaded() {
        return wEnc != null;
    }

    /** Loads {@code sae_weights.safetensors} from a SAELens directory under a config read elsewhere. */
    public static SaeWeights load(Path dir, SaeConfig cfg) {
        Path wFile = dir.resolve(WEIGHTS_FILE);
        Map<String, Tensor> t = Safetensors.read(wFile);
        int dIn = cfg.dIn(), dSae = cfg.dSae();
        float[] wEnc = require(wFile, t, "W_enc", dIn, dSae);
        float[] bEnc = require(wFile, t, "b_enc", dSae);
        float[] wDec = require(wFile, t, "W_dec", dSae, dIn);
        float[] bDec = require(wFile, t, "b_dec", dIn);
        float[] thr = cfg.architecture() == SaeArchitecture.JUMPRELU ? require(wFile, t, "threshold", dSae) : null;
        return new SaeWeights(cfg, wEnc, bEnc, wDec, bDec, thr);
    }

    private static float[] require(Path file, Map<String, Tensor> tensors, String name, long... shape) {
        Tensor t = tensors.get(name);
        if (t == null) {
            throw PackException.of(file, "tensor '" + name + "' missing, expected shape " + Arrays.toString(shape)
                    + " (cfg.json d_in/d_sae)");
        }
        if (!Arrays.equals(t.shape(), shape)) {
            throw PackException.of(file, "tensor '" + name + "' has shape " + t.shapeString() + ", expected "
                    + Arrays.toString(shape) + " from cfg.json");
        }
        for (float v : t.data()) {
            if (!Float.isFinite(v)) {
                throw PackException.of(file, "tensor '" + name + "' holds NaN or infinite values");
            }
        }
        return t.data();
    }

    /**
     * The encoder restricted to latents {@code ids} (ascending or not, no repeats): {@code W_enc[:, ids]},
     * {@code b_enc[ids]}, {@code threshold[ids]}, with {@code d_sae = ids.length}. Exact for relu and jumprelu,
     * whose latents are each thresholded on their own; the decoder is left empty (an encoder never reads it).
     */
    public SaeWeights encoderColumns(int[] ids) {
        if (config.architecture() == SaeArchitecture.TOPK) {
            throw new IllegalArgumentException("a topk encoder cannot be sliced: the selection needs every latent");
        }
        int dIn = config.dIn(), dSae = config.dSae(), m = ids.length;
        float[] w = new float[dIn * m];
        float[] b = new float[m];
        float[] thr = threshold == null ? null : new float[m];
        for (int j = 0; j < m; j++) {
            int id = ids[j];
            if (id < 0 || id >= dSae) {
                throw new IllegalArgumentException("latent " + id + " outside [0, " + dSae + ")");
            }
            b[j] = bEnc[id];
            if (thr != null) {
                thr[j] = threshold[id];
            }
            for (int i = 0; i < dIn; i++) {
                w[i * m + j] = wEnc[i * dSae + id];
            }
        }
        SaeConfig c = new SaeConfig(config.architecture(), dIn, m, 0, config.applyBDecToInput(), config.hookName(),
                config.modelName());
        return new SaeWeights(c, w, b, new float[0], bDec, thr);
    }

    /** Writes this SAE as a SAELens directory. */
    public void save(Path dir) throws IOException {
        config.write(dir.resolve(CONFIG_FILE));
        int dIn = config.dIn(), dSae = config.dSae();
        List<Tensor> ts = new ArrayList<>(List.of(
                new Tensor("W_enc", new long[] {dIn, dSae}, wEnc),
                new Tensor("b_enc", new long[] {dSae}, bEnc),
                new Tensor("W_dec", new long[] {dSae, dIn}, wDec),
                new Tensor("b_dec", new long[] {dIn}, bDec)));
        if (threshold != null) {
            ts.add(new Tensor("threshold", new long[] {dSae}, threshold));
        }
        Safetensors.write(dir.resolve(WEIGHTS_FILE), ts, Map.of("format", "pt"));
    }
}
