package dev.saemonitor.modelpack.importers;

import dev.saemonitor.modelpack.PackException;
import dev.saemonitor.modelpack.SaeArchitecture;
import dev.saemonitor.modelpack.SaeConfig;
import dev.saemonitor.modelpack.SaeWeights;
import dev.saemonitor.modelpack.SafetensorsFile;
import java.nio.file.Path;

/**
 * Gemma Scope 2 {@code params.safetensors}: lower-case {@code w_enc}, {@code w_dec}, {@code b_enc},
 * {@code b_dec}, {@code threshold}; JumpReLU {@code f = relu(pre) * (pre > threshold)}, {@code pre = x w_enc + b_enc},
 * no decoder bias at the input. d_in is {@code b_dec}'s length, d_sae {@code b_enc}'s; the matrices are oriented
 * by shape. Transcoders ({@code affine_skip_connection}) are refused: their output is not a reconstruction.
 */
final class GemmaScope2 {
    static final String WEIGHTS = "params.safetensors";

    private GemmaScope2() {
    }

    static SaeWeights read(Path file, SaeSource.Options o) {
        try (SafetensorsFile f = SafetensorsFile.open(file)) {
            if (f.entries().containsKey("affine_skip_connection")) {
                throw PackException.of(file, "tensor 'affine_skip_connection' present: a Gemma Scope 2 transcoder, "
                        + "expected an SAE (w_enc, w_dec, b_enc, b_dec, threshold)");
            }
            int dIn = Orientation.length(f, "b_dec");
            int dSae = Orientation.length(f, "b_enc");
            float[] wEnc = Orientation.matrix(f, "w_enc", dIn, dSae);
            float[] wDec = Orientation.matrix(f, "w_dec", dSae, dIn);
            float[] thr = Orientation.vector(f, "threshold", dSae);
            SaeConfig cfg = new SaeConfig(SaeArchitecture.JUMPRELU, dIn, dSae, 0, false, o.hookName(), o.modelName());
            return new SaeWeights(cfg, wEnc, f.floats("b_enc").data(), wDec, f.floats("b_dec").data(), thr);
        }
    }
}
