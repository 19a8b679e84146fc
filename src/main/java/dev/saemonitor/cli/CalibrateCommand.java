package dev.saemonitor.cli;

import dev.saemonitor.calibration.CalibrationSet;
import dev.saemonitor.calibration.CalibrationText;
import dev.saemonitor.calibration.Calibrator;
import dev.saemonitor.calibration.ReadoutCalibrator;
import dev.saemonitor.calibration.ConversationCalibrator;
import dev.saemonitor.calibration.EncodedCorpus;
import dev.saemonitor.calibration.EncodedCorpusCache;
import dev.saemonitor.calibration.LabelledText;
import dev.saemonitor.modelpack.Catalog;
import dev.saemonitor.modelpack.ModelPack;
import dev.saemonitor.modelpack.PackWriter;
import dev.saemonitor.scoring.SafetyScorer;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code calibrate}: labelled JSONL (+ a benign corpus) → per-category sparse heads fitted on segments and
 * thresholds that keep the share of benign events flagged in any category at the target; then, over those
 * event heads, the conversation heads fitted on labelled conversations ({@code --conversations}, default the
 * seed train conversations when present) with their own joint thresholds on benign conversations. Written to
 * the pack's catalog.yaml and eval.json; the pack is then re-sealed. {@code --conversations-only} refits only
 * the conversation section over the pack's existing event heads.
 */
@Command(name = "calibrate", mixinStandardHelpOptions = true,
        description = "Fit segment-level catalog heads and joint thresholds from labelled JSONL and a benign corpus, then "
                + "the conversation heads from labelled conversations; rewrites catalog.yaml and eval.json and re-seals the pack.")
public class CalibrateCommand implements Callable<Integer> {
    public static final int DEFAULT_SEGMENT_WIDTH = 32;
    static final int DEFAULT_BENIGN_DOCS = 1500;
    public static final int DEFAULT_SEGMENT_STRIDE = 8;
    /** Readout segments: chosen on external-dev (docs/training.md), 64 tokens every 16. */
    public static final int READOUT_SEGMENT_WIDTH = 64;
    public static final int READOUT_SEGMENT_STRIDE = 16;

    @Mixin
    PackOptions packOptions;
    @Mixin
    ActivationOptions activationOptions;
    @Option(names = "--data", arity = "1..*", description = "labelled JSONL file(s): {\"text\", \"labels\": [...]} (required unless --conversations-only)")
    List<Path> data;
    @Option(names = "--conversations", arity = "1..*", description = "labelled conversation JSONL: {\"conversationId\", "
            + "\"turns\": [{\"role\", \"text\"}], \"labels\": [...]} (default: data/seed/conversations_train.jsonl when present)")
    List<Path> conversations;
    @Option(names = "--conversations-only", description = "fit only the conversation heads, over the pack's existing event heads")
    boolean conversationsOnly;
    @Option(names = "--no-conversations", description = "fit only the event heads (the catalog then has no conversation section)")
    boolean noConversations;
    @Option(names = "--conversation-window", defaultValue = "6", description = "most recent turns a conversation head pools (default: ${DEFAULT-VALUE})")
    int conversationWindow;
    @Option(names = "--conversation-max-parts", defaultValue = "2", description = "most turns the event heads are applied across at once (default: ${DEFAULT-VALUE})")
    int conversationMaxParts;
    @Option(names = "--conversation-max-features", defaultValue = "32", description = "most features per conversation head (default: ${DEFAULT-VALUE})")
    int conversationMaxFeatures;
    @Option(names = "--conversation-max-benign-share", defaultValue = "0.5", description = "features firing in more benign turns than this share may not enter a conversation head (default: ${DEFAULT-VALUE})")
    double conversationMaxBenignShare;
    @Option(names = "--conversation-event-input", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "the window's max event logit is an input of the conversation heads (default: ${DEFAULT-VALUE})")
    boolean conversationEventInput;
    @Option(names = "--conversation-cache", description = "keep the conversations' encoded turns here (default: --encoded-cache + '.conversations')")
    Path conversationCache;
    @Option(names = "--benign-corpus", description = "plain text, one benign document a line: long benign texts and the "
            + "context positives are embedded in (default: the labelled benign texts)")
    Path benignCorpus;
    @Option(names = "--benign-docs", defaultValue = "" + DEFAULT_BENIGN_DOCS, description = "corpus documents used as benign events (default: ${DEFAULT-VALUE}); the rest of the corpus is embedding context")
    int benignDocs;
    @Option(names = "--target-fpr", defaultValue = "0.05", description = "share of benign events flagged in any category (default: ${DEFAULT-VALUE})")
    double targetFpr;
    @Option(names = "--max-features", defaultValue = "32", description = "most features per head (default: ${DEFAULT-VALUE})")
    int maxFeatures;
    @Option(names = "--max-benign-share", defaultValue = "0.5", description = "features firing in more benign segments than this share may not enter a head (default: ${DEFAULT-VALUE})")
    double maxBenignShare;
    @Option(names = "--top-n", defaultValue = "256", description = "candidate columns per head after screening; L1 then picks among them (default: ${DEFAULT-VALUE})")
    int topN;
    @Option(names = "--segment-width", description = "tokens per segment (default: " + READOUT_SEGMENT_WIDTH
            + " for readouts, " + DEFAULT_SEGMENT_WIDTH + " for sparse heads)")
    Integer segmentWidth;
    @Option(names = "--segment-stride", description = "tokens between segment starts (default: " + READOUT_SEGMENT_STRIDE
            + " for readouts, " + DEFAULT_SEGMENT_STRIDE + " for sparse heads)")
    Integer segmentStride;
    @Option(names = "--benign-only", description = "negatives are benign texts only (default: benign plus other categories' positives)")
    boolean benignOnly;
    @Option(names = "--categories", split = ",", description = "categories to fit (default: every label in --data)")
    List<String> categories;
    @Option(names = "--batch", defaultValue = "32", description = "texts per reader batch (default: ${DEFAULT-VALUE})")
    int batch;
    @Option(names = "--encoded-cache", description = "keep the texts' reader and SAE codes in this file and reuse them "
            + "while the reader, SAE and texts are unchanged (for tuning runs)")
    Path encodedCache;
    @Option(names = "--benign-concat", split = ",", defaultValue = "3,6", description = "also calibrate on the labelled "
            + "benign texts joined this many at a time, and on every positive among this many of them; empty: none "
            + "(default: ${DEFAULT-VALUE})")
    List<Integer> benignConcat;
    @Option(names = "--union-per-group", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "--target-fpr holds separately for short messages, single texts and joined texts, not only "
                    + "over the whole benign pool (default: ${DEFAULT-VALUE})")
    boolean unionPerGroup;
    @Option(names = "--hard-negatives", defaultValue = "0", description = "after a first fit, add each negative text's "
            + "this many highest-scoring segments to the training rows and fit again (default: ${DEFAULT-VALUE})")
    int hardNegatives;
    @Option(names = "--threshold-split", defaultValue = "equal", description = "how the union budget is split between "
            + "categories: equal (the same benign FPR each) or recall (greedily, for the most mean out-of-fold recall) "
            + "(default: ${DEFAULT-VALUE})")
    String thresholdSplit;
    @Option(names = "--head", defaultValue = "readout", description = "readout: a dense readout of the reader's "
            + "activations per category, explained by the SAE; sparse: a sparse head over SAE features (packs before 0.6) "
            + "(default: ${DEFAULT-VALUE})")
    String head;
    @Option(names = "--readout-c", defaultValue = "0.05", description = "readout: inverse L2 strength on standardised "
            + "activations (default: ${DEFAULT-VALUE})")
    double readoutC;
    @Option(names = "--keep-positive", defaultValue = "0.34", description = "readout: share of a long positive's "
            + "segments kept positive after a first fit (1: all) (default: ${DEFAULT-VALUE})")
    double keepPositive;
    @Option(names = "--block-windows", negatable = true, defaultValue = "false", fallbackValue = "true",
            description = "readout: also cut windows inside each newline-separated block (default: ${DEFAULT-VALUE})")
    boolean blockWindows;
    @Option(names = "--min-block-tokens", defaultValue = "24", description = "readout, with --block-windows: blocks "
            + "shorter than this many tokens get no windows of their own (default: ${DEFAULT-VALUE})")
    int minBlockTokens;
    @Option(names = "--train-embedded", negatable = true, defaultValue = "false", fallbackValue = "true",
            description = "readout: train on the windows of positives embedded in benign context too (default: ${DEFAULT-VALUE})")
    boolean trainEmbedded;
    @Option(names = "--page-fpr", defaultValue = "0.01", description = "readout: share of benign events flagged in any "
            + "category at the page point, per group; --target-fpr is the review point's (default: ${DEFAULT-VALUE})")
    double pageFpr;
    @Option(names = "--pack-version", description = "pack version to seal (default: keep)")
    String packVersion;

    @Override
    public Integer call() throws Exception {
        if (!(targetFpr > 0 && targetFpr < 1)) {
            throw new BadInputException("--target-fpr must be in (0, 1), got " + targetFpr);
        }
        if (conversationWindow < 1) {
            throw new BadInputException("--conversation-window must be at least 1, got " + conversationWindow);
        }
        if (conversationsOnly) {
            return conversationsOnly();
        }
        if (data == null) {
            throw new BadInputException("--data is required (or --conversations-only)");
        }
        if (!List.of("readout", "sparse").contains(head)) {
            throw new BadInputException("--head must be readout or sparse, got " + head);
        }
        if (!(pageFpr > 0 && pageFpr <= targetFpr)) {
            throw new BadInputException("--page-fpr must be in (0, --target-fpr], got " + pageFpr);
        }
        if (!(keepPositive > 0 && keepPositive <= 1)) {
            throw new BadInputException("--keep-positive must be in (0, 1], got " + keepPositive);
        }
        if (!List.of("equal", "recall").contains(thresholdSplit)) {
            throw new BadInputException("--threshold-split must be equal or recall, got " + thresholdSplit);
        }
        boolean readout = "readout".equals(head);
        if (segmentWidth == null) {
            segmentWidth = readout ? READOUT_SEGMENT_WIDTH : DEFAULT_SEGMENT_WIDTH;
        }
        if (segmentStride == null) {
            segmentStride = readout ? READOUT_SEGMENT_STRIDE : DEFAULT_SEGMENT_STRIDE;
        }
        if (segmentStride < 1 || segmentStride > segmentWidth) {
            throw new BadInputException("--segment-stride must be in [1, --segment-width], got " + segmentStride);
        }
        List<LabelledText> labelled = readLabelled(data);
        List<String> cats = categories != null ? categories : LabelledText.categories(labelled);
        List<String> corpus = readCorpus(benignCorpus);
        List<CalibrationText> texts = calibrationTexts(labelled, corpus, benignDocs, benignConcat);
        List<String> raw = texts.stream().map(CalibrationText::text).toList();
        List<Path> convFiles = conversationFiles();
        List<String> read = new java.util.ArrayList<>(raw);
        if (convFiles != null) {
            read.addAll(dev.saemonitor.calibration.LabelledConversation.turnTexts(ConversationFit.read(convFiles)));
        }
        if (activationOptions.writeTexts(read)) {
            return MonitorCli.OK;
        }
        ModelPack pack = packOptions.load();
        Calibrator.Options opts = new Calibrator.Options(new Catalog.Segmentation(segmentWidth, segmentStride), maxFeatures,
                topN, maxBenignShare, targetFpr, benignOnly, unionPerGroup, hardNegatives,
                "recall".equals(thresholdSplit));
        Calibrator.Result result;
        try (SafetyScorer scorer = activationOptions.open(packOptions, pack, ActivationOptions.named(data), read)) {
            // the cache is keyed by the reader, not by activation files, which can change under the same name
            Path cache = activationOptions.given() ? null : encodedCache;
            Catalog.Segmentation meansAt = readout ? readoutSegmentation() : null;
            String key = cache == null ? null : EncodedCorpusCache.key(pack, raw, meansAt);
            EncodedCorpus enc = key == null ? null : EncodedCorpusCache.loadPrefix(cache, pack, raw, meansAt);
            if (enc == null || enc.count() < raw.size()) {
                int done = enc == null ? 0 : enc.count();
                Progress progress = new Progress(System.err, "tokens", 0);
                EncodedCorpus rest = EncodedCorpus.encode(scorer, raw.subList(done, raw.size()), batch, n -> progress.add(n, null),
                        meansAt);
                enc = enc == null ? rest : enc.append(rest);
                progress.finish("encoded " + (raw.size() - done) + " texts (" + done + " from the cache)");
                if (key != null) {
                    EncodedCorpusCache.save(cache, key, enc);
                }
            }
            try {
                result = "readout".equals(head)
                        ? new ReadoutCalibrator(new ReadoutCalibrator.Options(readoutSegmentation(), readoutC, keepPositive,
                                targetFpr, pageFpr, benignOnly, trainEmbedded)).calibrate(pack, enc, texts, cats, names(data), System.err::println)
                        : new Calibrator(opts).calibrate(pack, enc, texts, cats, names(data), System.err::println);
            } catch (IllegalArgumentException e) {
                throw new BadInputException(e.getMessage());
            }
            if (convFiles != null) {
                // the conversation heads read the new event heads' scores, so they are fitted over those
                ModelPack recalibrated = withCatalog(pack, result.catalog());
                ConversationCalibrator.Result conv = ConversationFit.fit(scorer, recalibrated, convFiles,
                        conversationCache(), batch, conversationOptions());
                Map<String, Object> metrics = new LinkedHashMap<>(result.metrics());
                metrics.put("conversation", conv.metrics());
                result = new Calibrator.Result(result.catalog().withConversation(conv.conversation()), metrics);
            }
        }
        Path dir = pack.dir();
        PackWriter.writeCatalog(dir.resolve("catalog.yaml"), result.catalog());
        Map<String, Object> eval = new LinkedHashMap<>();
        eval.put("data", names(data));
        eval.put("benignCorpus", benignCorpus == null ? null : benignCorpus.getFileName().toString());
        eval.put("texts", texts.size());
        eval.put("targetFpr", targetFpr);
        eval.put("maxFeatures", maxFeatures);
        eval.put("maxBenignShare", maxBenignShare);
        eval.put("negatives", benignOnly ? "benign" : "benign + other categories");
        eval.putAll(result.metrics());
        TrainSaeCommand.JSON.writeValue(dir.resolve("eval.json").toFile(), eval);
        PackWriter.seal(dir, pack.name(), packVersion != null ? packVersion : pack.version(), pack.reader(), packOptions.readers());
        System.out.println(TrainSaeCommand.JSON.writeValueAsString(eval));
        return MonitorCli.OK;
    }

    private Catalog.Segmentation readoutSegmentation() {
        return new Catalog.Segmentation(segmentWidth, segmentStride, blockWindows, blockWindows ? minBlockTokens : null);
    }

    /** Refits only the catalog's conversation section; the event heads, their thresholds and eval figures stay. */
    private int conversationsOnly() throws Exception {
        List<Path> convFiles = conversationFiles();
        if (convFiles == null) {
            throw new BadInputException("--conversations-only needs --conversations (no " + ConversationFit.DEFAULT_CONVERSATIONS + ")");
        }
        List<String> turns = dev.saemonitor.calibration.LabelledConversation.turnTexts(ConversationFit.read(convFiles));
        if (activationOptions.writeTexts(turns)) {
            return MonitorCli.OK;
        }
        ModelPack pack = packOptions.load();
        ConversationCalibrator.Result conv;
        try (SafetyScorer scorer = activationOptions.open(packOptions, pack, java.util.Map.of(), turns)) {
            conv = ConversationFit.fit(scorer, pack, convFiles, conversationCache(), batch, conversationOptions());
        }
        Path dir = pack.dir();
        PackWriter.writeCatalog(dir.resolve("catalog.yaml"), pack.catalog().withConversation(conv.conversation()));
        Path evalFile = dir.resolve("eval.json");
        Map<String, Object> eval = new LinkedHashMap<>();
        if (java.nio.file.Files.isRegularFile(evalFile)) {
            @SuppressWarnings("unchecked")
            Map<String, Object> old = TrainSaeCommand.JSON.readValue(evalFile.toFile(), Map.class);
            eval.putAll(old);
        }
        eval.put("conversation", conv.metrics());
        TrainSaeCommand.JSON.writeValue(evalFile.toFile(), eval);
        PackWriter.seal(dir, pack.name(), packVersion != null ? packVersion : pack.version(), pack.reader(), packOptions.readers());
        System.out.println(TrainSaeCommand.JSON.writeValueAsString(conv.metrics()));
        return MonitorCli.OK;
    }

    /** The conversation files to fit on, or null when there are none (or --no-conversations). */
    private List<Path> conversationFiles() {
        if (noConversations && !conversationsOnly) {
            return null;
        }
        if (conversations != null) {
            return conversations;
        }
        return java.nio.file.Files.isRegularFile(ConversationFit.DEFAULT_CONVERSATIONS)
                ? List.of(ConversationFit.DEFAULT_CONVERSATIONS) : null;
    }

    private Path conversationCache() {
        if (activationOptions.given()) {
            return null; // keyed by the reader, not by activation files
        }
        if (conversationCache != null) {
            return conversationCache;
        }
        return encodedCache == null ? null : encodedCache.resolveSibling(encodedCache.getFileName() + ".conversations");
    }

    private ConversationCalibrator.Options conversationOptions() {
        return new ConversationCalibrator.Options(conversationWindow, conversationMaxParts, conversationMaxFeatures, topN,
                conversationMaxBenignShare, targetFpr, conversationEventInput);
    }

    static ModelPack withCatalog(ModelPack p, Catalog catalog) {
        return new ModelPack(p.dir(), p.manifest(), p.sha256(), p.readerOnnx(), p.tokenizer(), p.sae(), catalog,
                p.featureLabels(), p.featureCards());
    }

    static String names(List<Path> files) {
        return String.join(",", files.stream().map(p -> p.getFileName().toString()).toList());
    }

    static List<LabelledText> readLabelled(List<Path> files) throws java.io.IOException {
        List<LabelledText> out = new java.util.ArrayList<>();
        for (Path f : files) {
            out.addAll(readLabelled(f));
        }
        return out;
    }

    static List<LabelledText> readLabelled(Path file) throws java.io.IOException {
        try {
            return LabelledText.read(file);
        } catch (IllegalArgumentException e) {
            throw new BadInputException(e.getMessage());
        }
    }

    /**
     * The texts heads are fitted and thresholded on; {@code eval --dense-head} builds them the same way, so its
     * dense head is calibrate's method on calibrate's texts (and hits calibrate's --encoded-cache).
     */
    static List<CalibrationText> calibrationTexts(List<LabelledText> labelled, List<String> corpus, int benignDocs,
                                                  List<Integer> benignConcat) {
        return CalibrationSet.build(labelled, corpus, benignDocs, benignConcat == null ? List.of() : benignConcat, 7);
    }

    static List<String> readCorpus(Path file) throws java.io.IOException {
        if (file == null) {
            return List.of();
        }
        if (!java.nio.file.Files.isRegularFile(file)) {
            throw new BadInputException("--benign-corpus " + file + ": no such file");
        }
        return java.nio.file.Files.readAllLines(file).stream().map(String::strip).filter(s -> !s.isEmpty()).toList();
    }
}
