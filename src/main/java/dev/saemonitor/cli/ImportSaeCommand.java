package dev.saemonitor.cli;

import dev.saemonitor.activations.Npy;
import dev.saemonitor.modelpack.SaeArchitecture;
import dev.saemonitor.modelpack.SaeConfig;
import dev.saemonitor.modelpack.SaeWeights;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code import-sae}: a SAELens directory, or a Gemma Scope {@code params.npz} (JumpReLU, no decoder
 * bias subtracted at the input), → the pack's SAE layout (float32 SAELens).
 */
@Command(name = "import-sae", mixinStandardHelpOptions = true,
        description = "Convert a SAELens directory or a Gemma Scope params.npz into the pack's SAE layout.")
public class ImportSaeCommand implements Callable<Integer> {
    @Option(names = "--from", required = true, description = "SAELens directory or Gemma Scope params.npz")
    Path from;
    @Option(names = {"-o", "--out"}, required = true, description = "output directory (the pack's sae/)")
    Path out;
    @Option(names = "--hook-name", description = "hook name to record (npz only)", defaultValue = "")
    String hookName;
    @Option(names = "--model-name", description = "model name to record (npz only)", defaultValue = "")
    String modelName;

    @Override
    public Integer call() throws Exception {
        SaeWeights w;
        if (Files.isDirectory(from)) {
            w = SaeWeights.load(from);
        } else if (from.toString().endsWith(".npz")) {
            w = fromGemmaScope(from);
        } else {
            throw new BadInputException(from + ": expected a SAELens directory or a .npz file");
        }
        Files.createDirectories(out);
        w.save(out);
        SaeWeights.load(out);
        System.err.printf("imported %s SAE d_in=%d d_sae=%d -> %s%n", w.config().architecture().saeLensName(),
                w.config().dIn(), w.config().dSae(), out);
        return MonitorCli.OK;
    }

    private SaeWeights fromGemmaScope(Path npz) throws IOException {
        Map<String, Npy.Matrix> arrays = new HashMap<>();
        try (ZipFile zip = new ZipFile(npz.toFile())) {
            for (String name : new String[] {"W_enc", "W_dec", "b_enc", "b_dec", "threshold"}) {
                ZipEntry e = zip.getEntry(name + ".npy");
                if (e == null) {
                    throw new BadInputException(npz + ": array '" + name + "' missing, expected W_enc, W_dec, b_enc, b_dec, threshold");
                }
                try {
                    arrays.put(name, readVectorOrMatrix(zip, e, npz + ":" + name));
                } catch (Npy.NpyException ex) {
                    throw new BadInputException(ex.getMessage());
                }
            }
        }
        Npy.Matrix wEnc = arrays.get("W_enc");
        int dIn = wEnc.rows(), dSae = wEnc.cols();
        check(arrays, "W_dec", dSae, dIn);
        check(arrays, "b_enc", 1, dSae);
        check(arrays, "b_dec", 1, dIn);
        check(arrays, "threshold", 1, dSae);
        SaeConfig cfg = new SaeConfig(SaeArchitecture.JUMPRELU, dIn, dSae, 0, false, hookName, modelName);
        return new SaeWeights(cfg, wEnc.data(), arrays.get("b_enc").data(), arrays.get("W_dec").data(),
                arrays.get("b_dec").data(), arrays.get("threshold").data());
    }

    private static Npy.Matrix readVectorOrMatrix(ZipFile zip, ZipEntry e, String name) throws IOException {
        try (var in = zip.getInputStream(e)) {
            return Npy.read(in, name, e.getSize());
        }
    }

    private void check(Map<String, Npy.Matrix> a, String name, int rows, int cols) {
        Npy.Matrix m = a.get(name);
        if (m.rows() != rows || m.cols() != cols) {
            throw new BadInputException(from + ": " + name + " has shape [" + m.rows() + ", " + m.cols() + "], expected ["
                    + rows + ", " + cols + "] from W_enc");
        }
    }
}
