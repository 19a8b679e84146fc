package dev.saemonitor.cli;

import dev.saemonitor.activations.InferenceSettings;
import dev.saemonitor.modelpack.ModelPack;
import dev.saemonitor.modelpack.PackFiles;
import dev.saemonitor.modelpack.PackLoader;
import dev.saemonitor.scoring.SafetyScorer;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** Options shared by every verb that loads a pack. */
public class PackOptions {
    @Option(names = "--pack", description = "model pack directory (default: ${DEFAULT-VALUE})", defaultValue = "model-packs/default")
    Path pack;

    @Option(names = "--readers-dir", description = "where reader ONNX models live (default: $SAE_MONITOR_READERS_DIR or target/readers)")
    Path readersDir;

    @Option(names = "--threads", description = "ONNX Runtime intra-op threads (default: CPU cores)")
    Integer threads;

    @Option(names = "--batch-tokens", description = "padded tokens per reader run (default: ${DEFAULT-VALUE})", defaultValue = "512")
    int batchTokens;

    public Path readers() {
        return readersDir != null ? readersDir : PackFiles.defaultReadersDir();
    }

    public ModelPack load() {
        return PackLoader.load(pack, readers());
    }

    public InferenceSettings settings() {
        InferenceSettings d = InferenceSettings.defaults();
        return new InferenceSettings(threads != null ? threads : d.intraOpThreads(), "cpu", true, batchTokens);
    }

    public SafetyScorer open() {
        return SafetyScorer.open(load(), settings());
    }
}
