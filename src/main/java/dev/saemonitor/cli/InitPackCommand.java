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
    @Option(names = "--reader", required = true, description = "reader id: a directory under --readers-dir")
    String reader;
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
        try {
            var r = PackScaffold.reader(readers, reader, layer, maxTokens, stride);
            PackScaffold.init(out, name != null ? name : out.getFileName().toString(), r, readers, dIn);
        } catch (IllegalArgumentException e) {
            throw new BadInputException(e.getMessage());
        }
        System.err.println("initialised pack " + out + " (reader " + reader + ", layer " + layer + ")");
        return MonitorCli.OK;
    }
}
