package dev.saemonitor.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.saemonitor.activations.Npy;
import dev.saemonitor.modelpack.PackFiles;
import dev.saemonitor.modelpack.PackManifest;
import dev.saemonitor.modelpack.SaeArchitecture;
import dev.saemonitor.training.PackScaffold;
import dev.saemonitor.training.SaeTrainer;
import dev.saemonitor.training.TrainingOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code train-sae}: activations .npy (from {@code extract}) → a SAELens SAE in {@code --out} plus
 * {@code training.json}. When {@code --out} is a pack's {@code sae/} directory, the pack's heads are
 * emptied and it is re-sealed, ready for {@code label-features} and {@code calibrate}.
 */
@Command(name = "train-sae", mixinStandardHelpOptions = true,
        description = "Train a TopK or ReLU+L1 sparse autoencoder on an activations .npy.")
public class TrainSaeCommand implements Callable<Integer> {
    static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    @Option(names = "--activations", required = true, description = "float .npy [tokens, d_in] (f32 or f16) from extract "
            + "or the served model's export; a prefix (PREFIX.npy beside PREFIX.index.jsonl) is taken too")
    Path activations;
    @Option(names = {"-o", "--out"}, required = true, description = "output SAE directory (a pack's sae/)")
    Path out;
    @Option(names = "--architecture", defaultValue = "topk", description = "topk or relu (default: ${DEFAULT-VALUE})")
    String architecture;
    @Option(names = "--d-sae", defaultValue = "4096", description = "dictionary size (default: ${DEFAULT-VALUE})")
    int dSae;
    @Option(names = "--k", defaultValue = "32", description = "active latents per token, topk (default: ${DEFAULT-VALUE})")
    int k;
    @Option(names = "--l1", defaultValue = "0.05", description = "L1 coefficient, relu (default: ${DEFAULT-VALUE})")
    float l1;
    @Option(names = "--lr", defaultValue = "0.0005", description = "Adam learning rate (default: ${DEFAULT-VALUE})")
    float lr;
    @Option(names = "--batch", defaultValue = "2048", description = "tokens per step (default: ${DEFAULT-VALUE})")
    int batch;
    @Option(names = "--tokens", description = "training tokens to see (default: --epochs passes over the training rows)")
    Long tokens;
    @Option(names = "--epochs", defaultValue = "1", description = "passes over the training rows when --tokens is absent (default: ${DEFAULT-VALUE})")
    double epochs;
    @Option(names = "--held-out", defaultValue = "0.05", description = "last fraction of rows kept for evaluation (default: ${DEFAULT-VALUE})")
    double heldOut;
    @Option(names = "--dead-tokens", defaultValue = "200000", description = "a latent silent this many tokens is dead (default: ${DEFAULT-VALUE})")
    long deadTokens;
    @Option(names = "--aux-k", defaultValue = "128", description = "dead latents in the AuxK loss, 0 disables (default: ${DEFAULT-VALUE})")
    int auxK;
    @Option(names = "--aux-alpha", defaultValue = "0.03125", description = "AuxK loss weight (default: ${DEFAULT-VALUE})")
    float auxAlpha;
    @Option(names = "--threads", description = "worker threads (default: CPU cores)")
    Integer threads;
    @Option(names = "--matmul", defaultValue = "ort", description = "encoder matmul: ort (ONNX Runtime SGEMM) or java (default: ${DEFAULT-VALUE})")
    String matmul;
    @Option(names = "--seed", defaultValue = "1", description = "random seed (default: ${DEFAULT-VALUE})")
    long seed;
    @Option(names = "--readers-dir", description = "readers directory, to re-seal the pack around --out (default: target/readers)")
    Path readersDir;

    @Override
    public Integer call() throws Exception {
        Npy.Matrix data;
        Path npy = dev.saemonitor.activations.ActivationFiles.Prefix.of(activations).npy();
        try {
            data = Npy.read(java.nio.file.Files.isRegularFile(activations) ? activations : npy);
        } catch (Npy.NpyException e) {
            throw new BadInputException(e.getMessage());
        }
        Path packDir = out.toAbsolutePath().getParent();
        boolean inPack = packDir != null && Files.isRegularFile(packDir.resolve(PackManifest.FILE));
        String model = "", hook = "";
        if (inPack) {
            PackManifest m = PackFiles.YAML.readValue(packDir.resolve(PackManifest.FILE).toFile(), PackManifest.class);
            model = m.reader().id();
            hook = "encoder.layer." + (m.reader().layer() - 1) + ".output";
            if (m.reader().hasExternal()) {
                var e = m.reader().external();
                model = e.modelId();
                hook = e.hook();
                if (data.cols() != e.dIn()) {
                    throw new BadInputException(activations + ": rows are " + data.cols() + " wide, expected the pack's "
                            + "reader.external.dIn " + e.dIn() + " (" + packDir.resolve(PackManifest.FILE) + ")");
                }
            }
        }
        long trainRows = data.rows() - Math.round(data.rows() * heldOut);
        TrainingOptions opts;
        try {
            opts = new TrainingOptions(SaeArchitecture.parse(architecture), dSae, k, l1, lr, batch,
                    tokens != null ? tokens : (long) (epochs * trainRows), heldOut, deadTokens, auxAlpha, auxK,
                    threads != null ? threads : Runtime.getRuntime().availableProcessors(), seed);
        } catch (IllegalArgumentException e) {
            throw new BadInputException(e.getMessage());
        }
        Progress progress = new Progress(System.err, "tokens", opts.tokens());
        SaeTrainer.Result result;
        try {
            result = new SaeTrainer(opts, !"java".equals(matmul)).train(data, hook, model, (step, steps, seen, mse, fve, l0, dead) ->
                    progress.add(opts.batch(), String.format("step %d/%d mse %.4f fve~%.3f L0 %.1f dead %.3f",
                            step, steps, mse, fve, l0, dead)));
        } catch (IllegalArgumentException e) {
            throw new BadInputException(e.getMessage());
        }
        Files.createDirectories(out);
        result.weights().save(out);
        JSON.writeValue(out.resolve("training.json").toFile(), result.report());
        if (inPack) {
            PackScaffold.afterNewSae(packDir, readersDir != null ? readersDir : PackFiles.defaultReadersDir());
        }
        progress.finish("done");
        System.out.println(JSON.writeValueAsString(result.report()));
        return MonitorCli.OK;
    }
}
