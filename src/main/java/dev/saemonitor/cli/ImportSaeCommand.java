package dev.saemonitor.cli;

import dev.saemonitor.modelpack.SaeWeights;
import dev.saemonitor.modelpack.importers.SaeSource;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code import-sae}: a public SAE in its published layout ({@link SaeSource}: SAELens, Gemma Scope 1 and 2,
 * EleutherAI sparsify, Llama Scope) → the pack's SAE layout (float32 SAELens, raw activations in).
 */
@Command(name = "import-sae", mixinStandardHelpOptions = true,
        description = "Convert a public SAE (SAELens directory, Gemma Scope params.npz or params.safetensors, "
                + "sparsify cfg.json + sae.safetensors, Llama Scope hyperparams.json + checkpoints/final.safetensors) "
                + "into the pack's SAE layout.")
public class ImportSaeCommand implements Callable<Integer> {
    @Option(names = "--from", required = true, description = "the SAE's directory, params.npz or params.safetensors")
    Path from;
    @Option(names = {"-o", "--out"}, required = true, description = "output directory (the pack's sae/)")
    Path out;
    @Option(names = "--hook-name", description = "hook name to record (layouts without one)", defaultValue = "")
    String hookName;
    @Option(names = "--model-name", description = "model name to record (layouts without one)", defaultValue = "")
    String modelName;
    @Option(names = "--norm-scaling-factor", description = "SAELens normalize_activations=expected_average_only_in: "
            + "the input scaling factor to fold, when the directory has no activation_scaler.json")
    Double normScalingFactor;

    @Option(names = "--readers-dir", description = "readers directory, to re-seal the pack around --out (default: target/readers)")
    Path readersDir;

    @Override
    public Integer call() throws Exception {
        if (!Files.exists(from)) {
            throw new BadInputException(from + ": no such file or directory");
        }
        SaeWeights w = SaeSource.read(from, new SaeSource.Options(hookName, modelName, normScalingFactor));
        Files.createDirectories(out);
        w.save(out);
        SaeWeights.load(out);
        System.err.printf("imported %s SAE d_in=%d d_sae=%d -> %s%n", w.config().architecture().saeLensName(),
                w.config().dIn(), w.config().dSae(), out);
        Path packDir = out.toAbsolutePath().getParent();
        if (packDir != null && Files.isRegularFile(packDir.resolve(dev.saemonitor.modelpack.PackManifest.FILE))) {
            // as train-sae: the old heads' feature ids mean nothing for the new SAE
            dev.saemonitor.training.PackScaffold.afterNewSae(packDir, readersDir != null ? readersDir
                    : dev.saemonitor.modelpack.PackFiles.defaultReadersDir());
            System.err.println("re-sealed pack " + packDir + " around the new SAE (heads emptied until calibrate)");
        }
        return MonitorCli.OK;
    }
}
