package dev.saemonitor.modelpack.importers;

import dev.saemonitor.activations.Npy;
import dev.saemonitor.modelpack.PackException;
import dev.saemonitor.modelpack.SaeArchitecture;
import dev.saemonitor.modelpack.SaeConfig;
import dev.saemonitor.modelpack.SaeWeights;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * Gemma Scope 1 {@code params.npz}: {@code W_enc [d_in, d_sae]}, {@code W_dec [d_sae, d_in]}, {@code b_enc},
 * {@code b_dec}, {@code threshold}; {@code f = relu(pre) * (pre > threshold)}, {@code pre = x W_enc + b_enc}
 * (no decoder bias subtracted at the input), which is the pack's jumprelu with apply_b_dec_to_input false.
 */
final class GemmaScopeNpz {
    private GemmaScopeNpz() {
    }

    static SaeWeights read(Path npz, SaeSource.Options o) {
        Map<String, Npy.Matrix> arrays = new HashMap<>();
        try (ZipFile zip = new ZipFile(npz.toFile())) {
            for (String name : new String[] {"W_enc", "W_dec", "b_enc", "b_dec", "threshold"}) {
                ZipEntry e = zip.getEntry(name + ".npy");
                if (e == null) {
                    throw PackException.of(npz, "array '" + name + "' missing, expected W_enc, W_dec, b_enc, b_dec, threshold");
                }
                try (var in = zip.getInputStream(e)) {
                    arrays.put(name, Npy.read(in, npz + ":" + name, e.getSize()));
                }
            }
        } catch (Npy.NpyException e) {
            throw new PackException(e.getMessage(), e);
        } catch (IOException e) {
            throw PackException.of(npz, "unreadable npz (" + e.getMessage() + ")");
        }
        Npy.Matrix wEnc = arrays.get("W_enc");
        int dIn = wEnc.rows(), dSae = wEnc.cols();
        check(npz, arrays, "W_dec", dSae, dIn);
        check(npz, arrays, "b_enc", 1, dSae);
        check(npz, arrays, "b_dec", 1, dIn);
        check(npz, arrays, "threshold", 1, dSae);
        SaeConfig cfg = new SaeConfig(SaeArchitecture.JUMPRELU, dIn, dSae, 0, false, o.hookName(), o.modelName());
        return new SaeWeights(cfg, wEnc.data(), arrays.get("b_enc").data(), arrays.get("W_dec").data(),
                arrays.get("b_dec").data(), arrays.get("threshold").data());
    }

    private static void check(Path npz, Map<String, Npy.Matrix> a, String name, int rows, int cols) {
        Npy.Matrix m = a.get(name);
        if (m.rows() != rows || m.cols() != cols) {
            throw PackException.of(npz, name + " has shape [" + m.rows() + ", " + m.cols() + "], expected ["
                    + rows + ", " + cols + "] from W_enc");
        }
    }
}
