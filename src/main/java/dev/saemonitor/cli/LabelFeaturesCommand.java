package dev.saemonitor.cli;

import dev.saemonitor.activations.TextActivations;
import dev.saemonitor.labeling.FeatureCardWriter;
import dev.saemonitor.labeling.FeatureStats;
import dev.saemonitor.modelpack.ModelPack;
import dev.saemonitor.modelpack.PackWriter;
import dev.saemonitor.sae.SparseCodes;
import dev.saemonitor.scoring.SafetyScorer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code label-features}: corpus texts through the pack's reader and SAE → feature cards in the
 * pack's features.jsonl (firing rate, mean activation, top contexts, automatic label; manual labels
 * are kept); the pack is re-sealed. Contexts come from the corpus given here, never from traffic.
 */
@Command(name = "label-features", mixinStandardHelpOptions = true,
        description = "Write feature cards (firing rate, top contexts, auto label) into the pack's features.jsonl.")
public class LabelFeaturesCommand implements Callable<Integer> {
    @Mixin
    PackOptions packOptions;
    @Mixin
    TextInput input;
    @Option(names = "--max-texts", defaultValue = "2000", description = "corpus texts to read (default: ${DEFAULT-VALUE})")
    int maxTexts;
    @Option(names = "--contexts", defaultValue = "5", description = "top contexts per card (default: ${DEFAULT-VALUE})")
    int contexts;
    @Option(names = "--batch", defaultValue = "32", description = "texts per reader batch (default: ${DEFAULT-VALUE})")
    int batch;

    @Override
    public Integer call() throws Exception {
        List<String> texts = new ArrayList<>();
        input.forEach(System.in, item -> {
            if (texts.size() < maxTexts && !item.text().isBlank()) {
                texts.add(item.text());
            }
        });
        if (texts.isEmpty()) {
            throw new BadInputException("no corpus texts given (use --file or arguments)");
        }
        ModelPack pack = packOptions.load();
        Path features = pack.dir().resolve(pack.manifest().features());
        FeatureStats stats = new FeatureStats(pack.sae().config().dSae(), Math.max(20, contexts));
        try (SafetyScorer scorer = SafetyScorer.open(pack, packOptions.settings())) {
            Progress progress = new Progress(System.err, "texts", texts.size());
            for (int from = 0; from < texts.size(); from += batch) {
                List<String> part = texts.subList(from, Math.min(texts.size(), from + batch));
                SafetyScorer.EncodedTexts enc = scorer.encodeTexts(new ArrayList<>(part));
                List<TextActivations> acts = enc.activations();
                SparseCodes codes = enc.codes();
                int row = 0;
                for (int i = 0; i < part.size(); i++) {
                    TextActivations a = acts.get(i);
                    stats.add(from + i, part.get(i), codes, row, row + a.tokens(), a.charStart(), a.charEnd());
                    row += a.tokens();
                }
                progress.add(part.size(), null);
            }
            progress.finish(null);
        }
        var cards = FeatureCardWriter.cards(stats, texts, contexts, FeatureCardWriter.manualLabels(features));
        FeatureCardWriter.write(features, cards);
        PackWriter.seal(pack.dir(), pack.name(), pack.version(), pack.reader(), packOptions.readers());
        long alive = cards.stream().filter(c -> c.firingRate() > 0).count();
        System.out.printf("%d feature cards (%d fired on %d texts) -> %s%n", cards.size(), alive, texts.size(), features);
        return MonitorCli.OK;
    }
}
