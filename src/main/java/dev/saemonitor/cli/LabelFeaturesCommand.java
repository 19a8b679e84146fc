package dev.saemonitor.cli;

import dev.saemonitor.activations.ActivationFiles;
import dev.saemonitor.activations.TextActivations;
import dev.saemonitor.calibration.LabelledText;
import dev.saemonitor.labeling.FeatureCardWriter;
import dev.saemonitor.labeling.FeatureStats;
import dev.saemonitor.modelpack.FeatureCard;
import dev.saemonitor.modelpack.ModelPack;
import dev.saemonitor.modelpack.PackWriter;
import dev.saemonitor.scoring.SafetyScorer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code label-features}: corpus texts (and, with {@code --data}, labelled texts) through the pack's
 * reader and SAE → feature cards in the pack's features.jsonl: firing rate, share of corpus texts
 * fired on, share of each category's positives and of benign texts fired on, top contexts, and a
 * label from the phrases that distinguish the top contexts (manual labels are kept); the pack is
 * re-sealed. Contexts come from the texts given here, never from traffic.
 */
@Command(name = "label-features", mixinStandardHelpOptions = true,
        description = "Write feature cards (firing shares, category association, top contexts, phrase label) into the pack's features.jsonl.")
public class LabelFeaturesCommand implements Callable<Integer> {
    @Mixin
    PackOptions packOptions;
    @Mixin
    TextInput input;
    @Mixin
    ActivationOptions activationOptions;
    @Option(names = "--data-activations", arity = "1..*", paramLabel = "PREFIX", description = "activation files of "
            + "the --data texts (as --activations, with --data's ids); --activations then holds the corpus texts'")
    List<Path> dataActivations;
    @Option(names = "--max-texts", defaultValue = "2000", description = "corpus texts to read (default: ${DEFAULT-VALUE})")
    int maxTexts;
    @Option(names = "--data", description = "labelled JSONL ({\"text\", \"labels\": [...]}, no labels = benign): "
            + "adds categoryAssociation to every card, and its texts to the contexts")
    Path data;
    @Option(names = "--contexts", defaultValue = "5", description = "top contexts written per card (default: ${DEFAULT-VALUE})")
    int contexts;
    @Option(names = "--label-contexts", defaultValue = "20", description = "top contexts whose phrases make the label (default: ${DEFAULT-VALUE})")
    int labelContexts;
    @Option(names = "--window-words", defaultValue = "3", description = "words each side of the peak token that make its context (default: ${DEFAULT-VALUE})")
    int windowWords;
    @Option(names = "--batch", defaultValue = "32", description = "texts per reader batch (default: ${DEFAULT-VALUE})")
    int batch;

    @Override
    public Integer call() throws Exception {
        if (contexts < 0 || labelContexts < 1 || windowWords < 0 || batch < 1) {
            throw new BadInputException("expected --contexts >= 0, --label-contexts >= 1, --window-words >= 0, --batch >= 1");
        }
        List<String> texts = new ArrayList<>();
        java.util.Map<String, String> corpusIds = new java.util.LinkedHashMap<>();
        input.forEach(System.in, item -> {
            if (texts.size() < maxTexts && !item.text().isBlank()) {
                texts.add(item.text());
                corpusIds.putIfAbsent(item.id(), item.text());
            }
        });
        if (texts.isEmpty()) {
            throw new BadInputException("no corpus texts given (use --file or arguments)");
        }
        List<String> groups = new ArrayList<>(List.of(FeatureCardWriter.CORPUS));
        List<int[]> textGroups = new ArrayList<>();
        texts.forEach(t -> textGroups.add(new int[] {0}));
        if (data != null) {
            List<LabelledText> labelled = readLabelled(data);
            groups.addAll(LabelledText.categories(labelled));
            groups.add(FeatureCard.BENIGN);
            for (LabelledText t : labelled) {
                texts.add(t.text());
                textGroups.add(t.benign() ? new int[] {groups.size() - 1}
                        : t.labels().stream().mapToInt(groups::indexOf).sorted().toArray());
            }
        }
        if (activationOptions.writeTexts(texts)) {
            return MonitorCli.OK;
        }
        List<ActivationFiles.Source> sources = new ArrayList<>();
        if (activationOptions.given()) {
            activationOptions.activations.forEach(p -> sources.add(new ActivationFiles.Source(p, corpusIds)));
        }
        if (dataActivations != null) {
            if (data == null) {
                throw new BadInputException("--data-activations needs --data");
            }
            var dataIds = ActivationOptions.named(List.of(data));
            dataActivations.forEach(p -> sources.add(new ActivationFiles.Source(p, dataIds)));
        }
        ModelPack pack = packOptions.load();
        Path features = pack.dir().resolve(pack.manifest().features());
        FeatureStats stats = new FeatureStats(pack.sae().config().dSae(), Math.max(labelContexts, contexts), groups);
        try (SafetyScorer scorer = activationOptions.open(packOptions, pack, sources, texts)) {
            Progress progress = new Progress(System.err, "texts", texts.size());
            for (int from = 0; from < texts.size(); from += batch) {
                List<String> part = texts.subList(from, Math.min(texts.size(), from + batch));
                SafetyScorer.EncodedTexts enc = scorer.encodeTexts(new ArrayList<>(part));
                int row = 0;
                for (int i = 0; i < part.size(); i++) {
                    TextActivations a = enc.activations().get(i);
                    stats.add(from + i, textGroups.get(from + i), enc.codes(), row, row + a.tokens(), a.charStart(), a.charEnd());
                    row += a.tokens();
                }
                progress.add(part.size(), null);
            }
            progress.finish(null);
        }
        var settings = new FeatureCardWriter.Settings(contexts, labelContexts, windowWords);
        long t0 = System.nanoTime();
        var cards = FeatureCardWriter.cards(stats, texts, settings, FeatureCardWriter.manualCards(features));
        System.err.printf("labelled %d features in %.1fs%n", cards.size(), (System.nanoTime() - t0) / 1e9);
        FeatureCardWriter.write(features, cards);
        PackWriter.seal(pack.dir(), pack.name(), pack.version(), pack.reader(), packOptions.readers());
        long alive = cards.stream().filter(c -> c.firingRate() > 0).count();
        long generic = cards.stream().filter(FeatureCard::generic).count();
        System.out.printf("%d feature cards (%d fired, %d generic) from %d texts (%s) -> %s%n", cards.size(), alive,
                generic, texts.size(), describe(stats), features);
        return MonitorCli.OK;
    }

    private static List<LabelledText> readLabelled(Path file) throws java.io.IOException {
        try {
            return LabelledText.read(file).stream().filter(t -> !t.text().isBlank()).toList();
        } catch (IllegalArgumentException e) {
            throw new BadInputException(e.getMessage());
        }
    }

    private static String describe(FeatureStats stats) {
        StringBuilder sb = new StringBuilder();
        for (int g = 0; g < stats.groups().size(); g++) {
            sb.append(g == 0 ? "" : ", ").append(stats.groups().get(g)).append(' ').append(stats.texts(g));
        }
        return sb.toString();
    }
}
