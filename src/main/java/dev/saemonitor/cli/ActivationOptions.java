package dev.saemonitor.cli;

import dev.saemonitor.activations.ActivationFiles;
import dev.saemonitor.activations.ActivationTexts;
import dev.saemonitor.modelpack.ModelPack;
import dev.saemonitor.scoring.SafetyScorer;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import picocli.CommandLine.Option;

/**
 * Activation files in place of the pack's reader, for the offline verbs: {@code --activations} (extract's format,
 * joined to the texts by id) and {@code --texts-out} (the texts a verb reads, for the served model to export).
 * The files replace only the reader step: the verb then runs the same SAE, segments and heads as with texts.
 */
public class ActivationOptions {
    @Option(names = "--activations", arity = "1..*", paramLabel = "PREFIX", description = "read activations from "
            + "PREFIX.npy ([tokens, d], f32 or f16) and PREFIX.index.jsonl (one line per row: text id, token, start, end in "
            + "code points: what extract writes) instead of running the reader; text ids are the --data lines' \"id\" "
            + "(else line number) or the ids --texts-out writes. Required for a pack with an external reader")
    List<Path> activations;

    @Option(names = "--texts-out", paramLabel = "FILE", description = "write every text this command would read (also "
            + "the ones it builds: embedded positives, concatenations) as JSONL {\"id\", \"text\"} and stop; export "
            + "their activations (or run extract --jsonl on it) and pass them with --activations")
    Path textsOut;

    boolean given() {
        return activations != null && !activations.isEmpty();
    }

    /** With --texts-out: writes the texts and says so; the verb then stops. */
    boolean writeTexts(Collection<String> texts) throws IOException {
        if (textsOut == null) {
            return false;
        }
        int n = ActivationTexts.writeTexts(textsOut, texts);
        System.err.println("wrote " + n + " distinct texts to " + textsOut + "; export their activations and run "
                + "again with --activations");
        return true;
    }

    /**
     * Opens the scorer: over activation files joined to {@code named} (each file with the same ids) and the content
     * ids of {@code texts}, or over the pack's reader; an external-reader pack without files is refused.
     */
    SafetyScorer open(PackOptions packOptions, ModelPack pack, Map<String, String> named, Collection<String> texts)
            throws IOException {
        List<ActivationFiles.Source> sources = new ArrayList<>();
        if (given()) {
            activations.forEach(p -> sources.add(new ActivationFiles.Source(p, named)));
        }
        return open(packOptions, pack, sources, texts);
    }

    SafetyScorer open(PackOptions packOptions, ModelPack pack, List<ActivationFiles.Source> sources,
                      Collection<String> texts) throws IOException {
        if (sources.isEmpty()) {
            if (pack.externalReader()) {
                throw new BadInputException("pack " + pack.name() + " has an external reader (" + pack.reader().id()
                        + ", layer " + pack.reader().layer() + "): give --activations (write the texts to export with "
                        + "--texts-out; docs/byo-model.md)");
            }
            return SafetyScorer.open(pack, packOptions.settings());
        }
        ActivationFiles files = ActivationFiles.load(sources, texts, pack.sae().config().dIn());
        return SafetyScorer.open(pack, packOptions.settings(), false, files);
    }

    /**
     * The ids labelled JSONL files give their texts ("id", else line number); an id that two files give different
     * texts is left out (join those files by --texts-out ids, or give their lines unique ids).
     */
    static Map<String, String> named(List<Path> files) throws IOException {
        Map<String, String> out = new LinkedHashMap<>();
        Set<String> ambiguous = new HashSet<>();
        for (Path f : files) {
            ActivationTexts.idsOf(f).forEach((id, text) -> {
                String prev = out.putIfAbsent(id, text);
                if (prev != null && !prev.equals(text)) {
                    ambiguous.add(id);
                }
            });
        }
        ambiguous.forEach(out::remove);
        return out;
    }
}
