package dev.saemonitor.cli;

import ai.onnxruntime.OrtEnvironment;
import dev.saemonitor.activations.Npy;
import dev.saemonitor.modelpack.PackLoader;
import dev.saemonitor.modelpack.SaeWeights;
import dev.saemonitor.sae.SaeEncoder;
import dev.saemonitor.sae.SparseCodes;
import java.io.BufferedWriter;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code encode}: activations {@code .npy} + SAE → sparse codes as JSONL
 * {@code {"row": r, "features": [[id, value], ...]}}, so Python tools can cross-check the encoder.
 */
@Command(name = "encode", mixinStandardHelpOptions = true,
        description = "Activations .npy [rows, d_in] -> sparse SAE codes as JSONL {row, features: [[id, value], ...]}.")
public class EncodeCommand implements Callable<Integer> {
    @Option(names = {"-a", "--activations"}, required = true, description = "float .npy of shape [rows, d_in]")
    Path activations;
    @ArgGroup(exclusive = true)
    Source source = new Source();
    @Mixin
    PackOptions packOptions;
    @Option(names = {"-o", "--out"}, description = "output JSONL (default: stdout)")
    Path out;

    static class Source {
        @Option(names = "--sae", description = "a SAELens directory (cfg.json + sae_weights.safetensors) instead of a pack")
        Path sae;
    }

    @Override
    public Integer call() throws Exception {
        SaeWeights w = source.sae != null ? SaeWeights.load(source.sae)
                : PackLoader.load(packOptions.pack, packOptions.readers()).sae();
        Npy.Matrix m;
        try {
            m = Npy.read(activations);
        } catch (Npy.NpyException e) {
            throw new BadInputException(e.getMessage());
        }
        if (m.cols() != w.config().dIn()) {
            throw new BadInputException(activations + ": rows have width " + m.cols() + ", expected the SAE's d_in "
                    + w.config().dIn());
        }
        try (SaeEncoder enc = new SaeEncoder(OrtEnvironment.getEnvironment(), packOptions.settings().sessionOptions().options(), w);
             Writer wr = out == null ? new BufferedWriter(new OutputStreamWriter(System.out, StandardCharsets.UTF_8))
                     : Files.newBufferedWriter(out)) {
            int chunk = 2048;
            for (int from = 0; from < m.rows(); from += chunk) {
                int n = Math.min(chunk, m.rows() - from);
                float[] x = java.util.Arrays.copyOfRange(m.data(), from * m.cols(), (from + n) * m.cols());
                SparseCodes c = enc.encode(x, n);
                StringBuilder sb = new StringBuilder();
                for (int r = 0; r < n; r++) {
                    sb.setLength(0);
                    sb.append("{\"row\":").append(from + r).append(",\"features\":[");
                    for (int i = c.rowStart()[r]; i < c.rowStart()[r + 1]; i++) {
                        if (i > c.rowStart()[r]) {
                            sb.append(',');
                        }
                        sb.append('[').append(c.features()[i]).append(',').append(c.values()[i]).append(']');
                    }
                    sb.append("]}\n");
                    wr.write(sb.toString());
                }
            }
        }
        return MonitorCli.OK;
    }
}
