package dev.saemonitor.modelpack.importers;

import dev.saemonitor.modelpack.PackException;
import dev.saemonitor.modelpack.SaeWeights;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * {@code import-sae}'s entry: tells a published SAE's layout by its files and converts it to the pack's
 * SAELens layout (float32, raw activations in, features in the published units).
 * <ul>
 *   <li>SAELens directory: {@code cfg.json} + {@code sae_weights.safetensors} ({@link SaeLensDir});</li>
 *   <li>Gemma Scope 1: {@code params.npz} ({@link GemmaScopeNpz});</li>
 *   <li>Gemma Scope 2: {@code params.safetensors}, file or directory ({@link GemmaScope2});</li>
 *   <li>EleutherAI sparsify: {@code cfg.json} + {@code sae.safetensors} ({@link Sparsify});</li>
 *   <li>Llama Scope: {@code hyperparams.json} + {@code checkpoints/final.safetensors} ({@link LlamaScope}).</li>
 * </ul>
 */
public final class SaeSource {
    /** What the caller adds: names to record, and a SAELens norm scaling factor when the SAE lacks one. */
    public record Options(String hookName, String modelName, Double normScalingFactor) {
    }

    private SaeSource() {
    }

    public static SaeWeights read(Path from, Options o) {
        if (Files.isDirectory(from)) {
            if (Files.isRegularFile(from.resolve(SaeWeights.WEIGHTS_FILE))) {
                return SaeLensDir.read(from, o);
            }
            if (Files.isRegularFile(from.resolve(Sparsify.WEIGHTS))) {
                return Sparsify.read(from, o);
            }
            if (Files.isRegularFile(from.resolve(LlamaScope.HYPERPARAMS))) {
                return LlamaScope.read(from, o);
            }
            if (Files.isRegularFile(from.resolve(GemmaScope2.WEIGHTS))) {
                return GemmaScope2.read(from.resolve(GemmaScope2.WEIGHTS), o);
            }
            if (Files.isRegularFile(from.resolve("params.npz"))) {
                return GemmaScopeNpz.read(from.resolve("params.npz"), o);
            }
            throw PackException.of(from, "no SAE layout found: expected sae_weights.safetensors + cfg.json (SAELens), "
                    + "sae.safetensors + cfg.json (sparsify), hyperparams.json + checkpoints/final.safetensors (Llama Scope), "
                    + "params.safetensors (Gemma Scope 2) or params.npz (Gemma Scope)");
        }
        String name = from.getFileName().toString();
        if (name.endsWith(".npz")) {
            return GemmaScopeNpz.read(from, o);
        }
        if (name.endsWith(".safetensors")) {
            return GemmaScope2.read(from, o);
        }
        throw PackException.of(from, "expected an SAE directory, a Gemma Scope params.npz or a Gemma Scope 2 params.safetensors");
    }
}
