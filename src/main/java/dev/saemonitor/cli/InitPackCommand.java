package dev.saemonitor.cli;

import dev.saemonitor.modelpack.PackFiles;
import dev.saemonitor.training.PackScaffold;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code init-pack}: a new pack around a reader and layer, ready for {@code extract} and {@code train-sae}. */
@Command(name = "init-pack", mixinStandardHelpOptions = true,
        description = "Create a pack around a reader and layer (placeholder SAE, empty heads) to extract and train on.")
public class InitPackCommand implements Callable<Integer> {
    @Option(names = {"-o", "--out"}, required = true, description = "pack directory to create")
    Path out;
    @Option(names = "--name", description = "pack name (default: the directory name)")
    String name;
    @Option(names = "--reader", description = "reader id: a directory under --readers-dir (or --external-model)")
    String reader;
    @Option(names = "--external-model", description = "an external reader: the served model's id, which events name "
            + "as activations.readerId (no ONNX; activations come with the events and in activation files)")
    String externalModel;
    @Option(names = "--hook", description = "with --external-model: the hook's TransformerLens name (default: "
            + "blocks.<layer-1>.hook_resid_post)")
    String hook;
    @Option(names = "--layer", required = true, description = "residual stream after this many blocks (1-based)")
    int layer;
    @Option(names = "--max-tokens", defaultValue = "128", description = "reader window in tokens (default: ${DEFAULT-VALUE})")
    int maxTokens;
    @Option(names = "--stride", defaultValue = "32", description = "overlap between windows (default: ${DEFAULT-VALUE})")
    int stride;
    @Option(names = "--d-in", defaultValue = "384", description = "the reader's hidden size (default: ${DEFAULT-VALUE}, every shipped reader)")
    int dIn;
    @Option(names = "--readers-dir", description = "where reader ONNX models live (default: target/readers)")
    Path readersDir;

    @Override
    public Integer call() throws Exception {
        Path readers = readersDir != null ? readersDir : PackFiles.defaultReadersDir();
        if ((reader == null) == (externalModel == null)) {
            throw new BadInputException("give exactly one of --reader (an ONNX reader) or --external-model (the served model)");
        }
        try {
            var r = externalModel != null
                    ? dev.saemonitor.modelpack.PackManifest.Reader.external(new dev.saemonitor.modelpack.PackManifest.External(
                            externalModel, layer, hook != null ? hook : "blocks." + (layer - 1) + ".hook_resid_post", dIn))
                    : PackScaffold.reader(readers, reader, layer, maxTokens, stride);
            PackScaffold.init(out, name != null ? name : out.getFileName().toString(), r, readers, dIn);
        } catch (IllegalArgumentException e) {
            throw new BadInputException(e.getMessage());
        }
        System.err.println("initialised pack " + out + " (reader " + (reader != null ? reader : externalModel + ", external")
                + ", layer " + layer + ")");
        return MonitorCli.OK;
    }
}
