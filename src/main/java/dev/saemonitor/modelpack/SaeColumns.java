package dev.saemonitor.modelpack;

import java.nio.file.Path;
import java.util.Arrays;

/**
 * A pack's SAE read piecewise from its mapped {@code sae_weights.safetensors} ({@link SafetensorsFile}): the
 * header alone at pack load ({@link #header}: every tensor's presence and shape checked, nothing read), then
 * only the encoder columns of the monitored latents ({@link #read}), so a service over an SAE of any width holds
 * {@code d_in x ids} floats of it, never {@code W_enc} or {@code W_dec} whole.
 */
public final class SaeColumns {
    private SaeColumns() {
    }

    /** The SAE's config with every tensor's shape checked against it; the returned weights hold no arrays. */
    public static SaeWeights header(Path dir) {
        SaeConfig cfg = SaeConfig.read(dir.resolve(SaeWeights.CONFIG_FILE));
        int dIn = cfg.dIn(), dSae = cfg.dSae();
        try (SafetensorsFile f = SafetensorsFile.open(dir.resolve(SaeWeights.WEIGHTS_FILE))) {
            shape(f, "W_enc", dIn, dSae);
            shape(f, "b_enc", dSae);
            shape(f, "W_dec", dSae, dIn);
            shape(f, "b_dec", dIn);
            if (cfg.architecture() == SaeArchitecture.JUMPRELU) {
                shape(f, "threshold", dSae);
            }
        }
        return new SaeWeights(cfg, null, null, null, null, null);
    }

    /**
     * The encoder of latents {@code ids} (ascending, distinct) as {@link SaeWeights#encoderColumns} gives it, read
     * from the file: {@code W_enc[:, ids]}, {@code b_enc[ids]}, {@code threshold[ids]}, {@code b_dec}; the values read
     * are checked finite.
     */
    public static SaeWeights read(Path dir, SaeConfig cfg, int[] ids) {
        if (cfg.architecture() == SaeArchitecture.TOPK) {
            throw new IllegalArgumentException("a topk encoder cannot be sliced: the selection needs every latent");
        }
        Path file = dir.resolve(SaeWeights.WEIGHTS_FILE);
        try (SafetensorsFile f = SafetensorsFile.open(file)) {
            float[] w = finite(file, "W_enc", f.columns("W_enc", ids));
            float[] b = finite(file, "b_enc", f.elements("b_enc", ids));
            float[] thr = cfg.architecture() == SaeArchitecture.JUMPRELU ? finite(file, "threshold", f.elements("threshold", ids)) : null;
            float[] bDec = finite(file, "b_dec", f.floats("b_dec").data());
            SaeConfig c = new SaeConfig(cfg.architecture(), cfg.dIn(), ids.length, 0, cfg.applyBDecToInput(), cfg.hookName(),
                    cfg.modelName());
            return new SaeWeights(c, w, b, new float[0], bDec, thr);
        }
    }

    private static void shape(SafetensorsFile f, String name, long... shape) {
        SafetensorsFile.Entry e = f.require(name, "shape " + Arrays.toString(shape) + " (cfg.json d_in/d_sae)");
        if (!Arrays.equals(e.shape(), shape)) {
            throw PackException.of(f.file(), "tensor '" + name + "' has shape " + Arrays.toString(e.shape()) + ", expected "
                    + Arrays.toString(shape) + " from cfg.json");
        }
    }

    private static float[] finite(Path file, String name, float[] v) {
        for (float x : v) {
            if (!Float.isFinite(x)) {
                throw PackException.of(file, "tensor '" + name + "' holds NaN or infinite values");
            }
        }
        return v;
    }
}
