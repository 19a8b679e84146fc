package dev.saemonitor.cli;

import dev.saemonitor.calibration.ConversationCalibrator;
import dev.saemonitor.calibration.EncodedCorpus;
import dev.saemonitor.calibration.EncodedCorpusCache;
import dev.saemonitor.calibration.LabelledConversation;
import dev.saemonitor.modelpack.ModelPack;
import dev.saemonitor.scoring.SafetyScorer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code calibrate}'s conversation half: reads labelled conversations, encodes their turns once (cached like
 * the event texts) and fits the conversation heads on the pack's current event heads.
 */
final class ConversationFit {
    /** The seed conversations calibrate uses when {@code --conversations} is not given and the file exists. */
    static final Path DEFAULT_CONVERSATIONS = Path.of("data/seed/conversations_train.jsonl");

    private ConversationFit() {
    }

    static List<LabelledConversation> read(List<Path> files) throws java.io.IOException {
        List<LabelledConversation> out = new ArrayList<>();
        for (Path f : files) {
            if (!Files.isRegularFile(f)) {
                throw new BadInputException("--conversations " + f + ": no such file");
            }
            try {
                out.addAll(LabelledConversation.read(f));
            } catch (IllegalArgumentException e) {
                throw new BadInputException(e.getMessage());
            }
        }
        return out;
    }

    /** Turn texts of {@code convs} run through the scorer's reader and SAE, from {@code cache} when it matches. */
    static EncodedCorpus encode(SafetyScorer scorer, ModelPack pack, List<LabelledConversation> convs, Path cache,
                                int batch) throws Exception {
        List<String> raw = LabelledConversation.turnTexts(convs);
        String key = cache == null ? null : EncodedCorpusCache.key(pack, raw);
        EncodedCorpus enc = key == null ? null : EncodedCorpusCache.load(cache, key, raw);
        if (enc == null) {
            Progress progress = new Progress(System.err, "tokens", 0);
            // segment means at the catalog being fitted over (the scorer may still hold the pack before calibration)
            enc = EncodedCorpus.encode(scorer, raw, batch, n -> progress.add(n, null), EncodedCorpus.meansFor(pack.catalog()));
            progress.finish("encoded " + raw.size() + " conversation turns");
            if (key != null) {
                EncodedCorpusCache.save(cache, key, enc);
            }
        }
        return enc;
    }

    /** @param pack the pack whose catalog holds the event heads the conversation heads are fitted over */
    static ConversationCalibrator.Result fit(SafetyScorer scorer, ModelPack pack, List<Path> files, Path cache,
                                             int batch, ConversationCalibrator.Options options) throws Exception {
        List<LabelledConversation> convs = read(files);
        EncodedCorpus enc = encode(scorer, pack, convs, cache, batch);
        try {
            return new ConversationCalibrator(options).calibrate(pack, enc, convs, CalibrateCommand.names(files),
                    System.err::println);
        } catch (IllegalArgumentException e) {
            throw new BadInputException(e.getMessage());
        }
    }
}
