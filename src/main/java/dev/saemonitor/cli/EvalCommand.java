package dev.saemonitor.cli;

import dev.saemonitor.calibration.CalibrationText;
import dev.saemonitor.calibration.Calibrator;
import dev.saemonitor.calibration.DetectorMetrics;
import dev.saemonitor.calibration.EncodedCorpus;
import dev.saemonitor.calibration.EncodedCorpusCache;
import dev.saemonitor.calibration.EvalFigures;
import dev.saemonitor.calibration.EvalSets;
import dev.saemonitor.calibration.LabelledText;
import dev.saemonitor.calibration.LongContext;
import dev.saemonitor.calibration.RawProbe;
import dev.saemonitor.modelpack.Catalog;
import dev.saemonitor.scoring.CategoryScorer;
import dev.saemonitor.scoring.SafetyScorer;
import dev.saemonitor.scoring.ScoreRequest;
import dev.saemonitor.scoring.StageListener;
import dev.saemonitor.scoring.Verdict;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code eval}: labelled JSONL → per category AUROC, TPR at the catalog threshold and at 1%/5% FPR, confusion;
 * long-context recall (each positive among 1, 3 and 6 of the file's benign texts), evidence localisation,
 * FPR on benign concatenations and the union FPR over all categories. Every verdict comes from the service's
 * scoring path ({@link SafetyScorer#score}); with {@code --text-cache}, from the same {@link CategoryScorer} over
 * codes the reader and SAE produced once (only the reader run is skipped). With {@code --probe-train}, beside each category: a raw-activation
 * probe and a dense SAE head (no feature cap) fitted like the pack's, to show what sparsity costs.
 */
@Command(name = "eval", mixinStandardHelpOptions = true,
        description = "Per-category AUROC, TPR at threshold and at 1%%/5%% FPR, long-context recall, evidence localisation, "
                + "union FPR; optionally beside a raw-activation probe and a dense head. On conversation JSONL: "
                + "conversation-level AUROC, recall at threshold and benign-conversation FPR, head beside baseline.")
public class EvalCommand implements Callable<Integer> {
    private static final com.fasterxml.jackson.databind.ObjectMapper LINES = new com.fasterxml.jackson.databind.ObjectMapper();
    @Mixin
    PackOptions packOptions;
    @Mixin
    ActivationOptions activationOptions;
    @Option(names = "--data", required = true, arity = "1..*", description = "labelled JSONL file(s) to evaluate on")
    List<Path> data;
    @Option(names = "--probe-train", arity = "1..*", description = "labelled JSONL to train the raw probe and the dense head on (usually calibrate's --data)")
    List<Path> probeTrain;
    @Option(names = "--probe-corpus", description = "benign corpus for the dense head (usually calibrate's --benign-corpus)")
    Path probeCorpus;
    @Option(names = "--target-fpr", defaultValue = "0.05", description = "benign FPR for the probe's threshold and the dense head's union target (default: ${DEFAULT-VALUE})")
    double targetFpr;
    @Option(names = "--context-sizes", split = ",", defaultValue = "1,3,6", description = "benign neighbours per embedded positive (default: ${DEFAULT-VALUE})")
    List<Integer> contextSizes;
    @Option(names = "--json-out", description = "write the figures as JSON here")
    Path jsonOut;
    @Option(names = "--scores-out", description = "write each bare text's category scores as JSONL here")
    Path scoresOut;
    @Option(names = "--encoded-cache", description = "reuse calibrate's --encoded-cache for the dense head's texts")
    Path encodedCache;
    @Option(names = "--dense-head", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "with --probe-train, also fit the dense head (slow: a full calibration without the feature cap); "
                    + "--no-dense-head: the raw probe only (default: ${DEFAULT-VALUE})")
    boolean denseHead;
    @Option(names = "--dense-top-n", defaultValue = "512", description = "candidate columns of the dense head (default: ${DEFAULT-VALUE})")
    int denseTopN;
    @Option(names = "--dense-benign-concat", split = ",", defaultValue = "3,6", description = "the dense head's "
            + "calibration texts include benign texts joined this many at a time, as calibrate's --benign-concat "
            + "(default: ${DEFAULT-VALUE}, calibrate's default; the same texts hit calibrate's --encoded-cache)")
    List<Integer> denseBenignConcat;
    @Option(names = "--batch", defaultValue = "32", description = "texts per reader batch (default: ${DEFAULT-VALUE})")
    int batch;
    @Option(names = "--conversations", description = "--data is conversation JSONL ({\"conversationId\", \"turns\": "
            + "[{\"role\", \"text\"}], \"labels\"}); detected from the first line's \"turns\" without this option")
    boolean conversations;
    @Option(names = "--text-cache", description = "encode every evaluated text (bare, embedded, concatenated) once, keep "
            + "the reader and SAE codes here, and score them with the pack's CategoryScorer: re-calibrated catalogs on "
            + "the same reader and SAE evaluate without the reader")
    Path textCache;
    /** With --text-cache: all evaluated texts encoded, and where the next requested set starts in it. */
    private EncodedCorpus cachedTexts;
    private int cachedNext;

    @Override
    public Integer call() throws Exception {
        if (conversations || allConversationFiles(data)) {
            return conversationEval();
        }
        List<LabelledText> texts = CalibrateCommand.readLabelled(data);
        List<String> read = textsRead(texts);
        if (activationOptions.writeTexts(read)) {
            return MonitorCli.OK;
        }
        Map<String, Object> out = new LinkedHashMap<>();
        PrintStream o = System.out;
        try (SafetyScorer scorer = activationOptions.open(packOptions, packOptions.load(), ActivationOptions.named(data),
                read)) {
            List<Catalog.Category> cats = scorer.pack().catalog().categories();
            out.put("pack", Map.of("name", scorer.pack().name(), "version", scorer.pack().version(),
                    "sha256", scorer.pack().sha256(), "reader", scorer.pack().reader().id(),
                    "layer", scorer.pack().reader().layer()));
            out.put("data", CalibrateCommand.names(data));
            Progress progress = new Progress(System.err, "texts", 0);
            List<EvalSets.EvalText> bare = EvalSets.bare(texts);
            if (textCache != null) {
                cachedTexts = encodeAll(scorer, texts, bare);
            }
            List<Verdict> bareV = verdicts(scorer, bare, progress);
            List<Verdict> flaggedPool = new ArrayList<>(bareV);
            Map<String, Object> catOut = new LinkedHashMap<>();
            o.printf("%-18s %-6s %5s %5s %7s %7s %7s %7s %9s   %s%n", "category", "model", "pos", "neg", "AUROC",
                    "TPR@thr", "TPR@1%", "TPR@5%", "FPR@thr", "tp/fp/tn/fn");
            for (Catalog.Category c : cats) {
                Map<String, Object> m = new LinkedHashMap<>();
                DetectorMetrics sae = DetectorMetrics.of(EvalFigures.scores(bareV, c.name()), texts, c.name(), c.threshold());
                m.put("sae", sae);
                m.put("bareRecall", EvalFigures.recall(bare, bareV, c.name()));
                if (c.pageThreshold() != null) {
                    m.put("page", DetectorMetrics.of(EvalFigures.scores(bareV, c.name()), texts, c.name(), c.pageThreshold()));
                    m.put("bareRecallPage", EvalFigures.recall(bare, bareV, c.name(), true));
                }
                row(o, c.name(), "sae", sae);
                catOut.put(c.name(), m);
            }
            Map<String, Object> longCtx = new LinkedHashMap<>();
            for (String sep : List.of(LongContext.SAME_PARAGRAPH, LongContext.OWN_PARAGRAPH)) {
                String sepName = sep.equals(LongContext.SAME_PARAGRAPH) ? "sameParagraph" : "ownParagraph";
                for (int k : contextSizes) {
                    List<EvalSets.EvalText> emb = EvalSets.embedded(texts, k, sep, 11);
                    List<Verdict> v = verdicts(scorer, emb, progress);
                    flaggedPool.addAll(v);
                    for (Catalog.Category c : cats) {
                        @SuppressWarnings("unchecked")
                        Map<String, Object> m = (Map<String, Object>) catOut.get(c.name());
                        m.put("recall_" + sepName + "_" + k, EvalFigures.recall(emb, v, c.name()));
                        m.put("recallPage_" + sepName + "_" + k, EvalFigures.recall(emb, v, c.name(), true));
                        m.put("localisation_" + sepName + "_" + k, EvalFigures.localisation(emb, v, c.name()));
                    }
                    longCtx.put(sepName + "_" + k, emb.size());
                }
            }
            Map<String, Object> union = new LinkedHashMap<>();
            union.put("benignBare", EvalFigures.unionFpr(bare, bareV, null));
            union.put("benignBareCount", EvalFigures.benignCount(bare, null));
            union.put("benignShort", EvalFigures.unionFpr(bare, bareV, true));
            union.put("benignShortCount", EvalFigures.benignCount(bare, true));
            union.put("benignLonger", EvalFigures.unionFpr(bare, bareV, false));
            union.put("benignBarePage", EvalFigures.unionFpr(bare, bareV, null, true));
            union.put("benignShortPage", EvalFigures.unionFpr(bare, bareV, true, true));
            union.put("benignLongerPage", EvalFigures.unionFpr(bare, bareV, false, true));
            for (int k : List.of(3, 6)) {
                List<EvalSets.EvalText> cc = EvalSets.benignConcatenations(texts, k, LongContext.SAME_PARAGRAPH, 13);
                List<Verdict> v = verdicts(scorer, cc, progress);
                union.put("benignConcat_" + k, EvalFigures.unionFpr(cc, v, null));
                union.put("benignConcat_" + k + "_count", cc.size());
                union.put("benignConcatPage_" + k, EvalFigures.unionFpr(cc, v, null, true));
                for (Catalog.Category c : cats) {
                    @SuppressWarnings("unchecked")
                    Map<String, Object> m = (Map<String, Object>) catOut.get(c.name());
                    m.put("fprBenignConcat_" + k, EvalFigures.benignFpr(cc, v, c.name()));
                }
            }
            progress.finish(null);
            if (probeTrain != null) {
                compare(scorer, texts, catOut, o);
            }
            o.println();
            o.printf("%-18s %7s %7s %7s %7s %7s %7s %7s%n", "long context", "bare", "+1", "+3", "+6", "+3 par", "local", "FPR cat6");
            for (Catalog.Category c : cats) {
                @SuppressWarnings("unchecked")
                Map<String, Object> m = (Map<String, Object>) catOut.get(c.name());
                o.printf("%-18s %7.3f %7.3f %7.3f %7.3f %7.3f %7.3f %7.3f%n", c.name(), m.get("bareRecall"),
                        m.getOrDefault("recall_sameParagraph_1", Double.NaN), m.getOrDefault("recall_sameParagraph_3", Double.NaN),
                        m.getOrDefault("recall_sameParagraph_6", Double.NaN), m.getOrDefault("recall_ownParagraph_3", Double.NaN),
                        m.getOrDefault("localisation_sameParagraph_3", Double.NaN), m.get("fprBenignConcat_6"));
            }
            o.printf("union FPR (any category): benign %.3f (short %.3f, longer %.3f), concatenations of 3 %.3f, of 6 %.3f%n",
                    union.get("benignBare"), union.get("benignShort"), union.get("benignLonger"),
                    union.get("benignConcat_3"), union.get("benignConcat_6"));
            if (cats.stream().anyMatch(c -> c.pageThreshold() != null)) {
                o.printf("%-18s %7s %7s %7s %7s %9s%n", "page point", "TPR", "+1", "+3", "+6", "FPR@page");
                for (Catalog.Category c : cats) {
                    @SuppressWarnings("unchecked")
                    Map<String, Object> m = (Map<String, Object>) catOut.get(c.name());
                    DetectorMetrics pm = (DetectorMetrics) m.get("page");
                    o.printf("%-18s %7.3f %7.3f %7.3f %7.3f %9.3f%n", c.name(), m.getOrDefault("bareRecallPage", Double.NaN),
                            m.getOrDefault("recallPage_sameParagraph_1", Double.NaN),
                            m.getOrDefault("recallPage_sameParagraph_3", Double.NaN),
                            m.getOrDefault("recallPage_sameParagraph_6", Double.NaN), pm == null ? Double.NaN : pm.fprAtThreshold());
                }
                o.printf("union FPR at page: benign %.3f (short %.3f, longer %.3f), concatenations of 3 %.3f, of 6 %.3f%n",
                        union.get("benignBarePage"), union.get("benignShortPage"), union.get("benignLongerPage"),
                        union.get("benignConcatPage_3"), union.get("benignConcatPage_6"));
            }
            List<Map<String, Object>> top = EvalFigures.topEvidenceLabels(flaggedPool, 20);
            o.println("top evidence labels: " + top);
            out.put("categories", catOut);
            out.put("longContextSets", longCtx);
            out.put("unionFpr", union);
            out.put("topEvidenceLabels", top);
            if (scoresOut != null) {
                writeScores(bareV);
            }
        }
        if (jsonOut != null) {
            TrainSaeCommand.JSON.writeValue(jsonOut.toFile(), out);
        }
        return MonitorCli.OK;
    }

    /** Conversation-level figures (head beside baseline), table on stdout and the same as JSON. */
    private int conversationEval() throws Exception {
        List<String> turns = dev.saemonitor.calibration.LabelledConversation.turnTexts(ConversationFit.read(data));
        if (activationOptions.writeTexts(turns)) {
            return MonitorCli.OK;
        }
        Map<String, Object> out = new LinkedHashMap<>();
        try (SafetyScorer scorer = activationOptions.open(packOptions, packOptions.load(), Map.of(), turns)) {
            out.put("pack", Map.of("name", scorer.pack().name(), "version", scorer.pack().version(),
                    "sha256", scorer.pack().sha256()));
            out.put("data", CalibrateCommand.names(data));
            out.putAll(ConversationEval.run(scorer, data, batch, scoresOut, System.out));
        }
        if (jsonOut != null) {
            TrainSaeCommand.JSON.writeValue(jsonOut.toFile(), out);
        }
        return MonitorCli.OK;
    }

    private static boolean allConversationFiles(List<Path> files) throws java.io.IOException {
        for (Path f : files) {
            if (!java.nio.file.Files.isRegularFile(f) || !dev.saemonitor.calibration.LabelledConversation.isConversationFile(f)) {
                return false;
            }
        }
        return !files.isEmpty();
    }

    /** Every text this run reads: the sets, and with --probe-train the probe's and the dense head's texts. */
    private List<String> textsRead(List<LabelledText> texts) throws java.io.IOException {
        List<String> all = new ArrayList<>(sets(texts, EvalSets.bare(texts)).stream().flatMap(List::stream)
                .map(EvalSets.EvalText::text).toList());
        if (probeTrain != null) {
            List<LabelledText> train = CalibrateCommand.readLabelled(probeTrain);
            train.forEach(t -> all.add(t.text()));
            if (denseHead) {
                denseTexts(train).forEach(t -> all.add(t.text()));
            }
        }
        return all;
    }

    /** The dense head's calibration texts: calibrate's, with its default --benign-docs. */
    private List<CalibrationText> denseTexts(List<LabelledText> train) throws java.io.IOException {
        return CalibrateCommand.calibrationTexts(train, CalibrateCommand.readCorpus(probeCorpus),
                CalibrateCommand.DEFAULT_BENIGN_DOCS, denseBenignConcat);
    }

    /** Every set {@link #call} evaluates, in the order it asks for their verdicts. */
    private List<List<EvalSets.EvalText>> sets(List<LabelledText> texts, List<EvalSets.EvalText> bare) {
        List<List<EvalSets.EvalText>> sets = new ArrayList<>();
        sets.add(bare);
        for (String sep : List.of(LongContext.SAME_PARAGRAPH, LongContext.OWN_PARAGRAPH)) {
            for (int k : contextSizes) {
                sets.add(EvalSets.embedded(texts, k, sep, 11));
            }
        }
        for (int k : List.of(3, 6)) {
            sets.add(EvalSets.benignConcatenations(texts, k, LongContext.SAME_PARAGRAPH, 13));
        }
        return sets;
    }

    private EncodedCorpus encodeAll(SafetyScorer scorer, List<LabelledText> texts, List<EvalSets.EvalText> bare)
            throws Exception {
        List<String> all = sets(texts, bare).stream().flatMap(List::stream).map(EvalSets.EvalText::text).toList();
        String key = EncodedCorpusCache.key(scorer.pack(), all);
        EncodedCorpus enc = EncodedCorpusCache.load(textCache, key, all);
        if (enc == null) {
            Progress p = new Progress(System.err, "tokens", 0);
            enc = EncodedCorpus.encode(scorer, all, batch, n -> p.add(n, null));
            p.finish("encoded " + all.size() + " eval texts");
            EncodedCorpusCache.save(textCache, key, enc);
        }
        return enc;
    }

    private List<Verdict> verdicts(SafetyScorer scorer, List<EvalSets.EvalText> texts, Progress progress) throws Exception {
        if (cachedTexts != null) {
            // the sets arrive in the order sets() lists them; check the texts to be sure
            int from = cachedNext;
            cachedNext += texts.size();
            for (int i = 0; i < texts.size(); i++) {
                if (!cachedTexts.texts().get(from + i).equals(texts.get(i).text())) {
                    throw new IllegalStateException("eval text cache out of step at text " + (from + i));
                }
            }
            return dev.saemonitor.calibration.CachedVerdicts.of(cachedTexts, from, cachedNext, scorer.categoryScorer(),
                    scorer.packRef());
        }
        List<Verdict> out = new ArrayList<>();
        for (int from = 0; from < texts.size(); from += batch) {
            List<ScoreRequest> reqs = new ArrayList<>();
            for (int i = from; i < Math.min(texts.size(), from + batch); i++) {
                reqs.add(ScoreRequest.ofText("eval-" + i, texts.get(i).text()));
            }
            out.addAll(scorer.score(reqs, false, StageListener.NONE));
            progress.add(reqs.size(), null);
        }
        return out;
    }

    /** The raw probe and a dense head, trained on --probe-train, on the bare texts. */
    private void compare(SafetyScorer scorer, List<LabelledText> texts, Map<String, Object> catOut, PrintStream o)
            throws Exception {
        List<LabelledText> train = CalibrateCommand.readLabelled(probeTrain);
        Progress progress = new Progress(System.err, "tokens", 0);
        EncodedCorpus evalEnc = EncodedCorpus.encode(scorer, texts.stream().map(LabelledText::text).toList(), batch,
                n -> progress.add(n, null));
        EncodedCorpus trainEnc = EncodedCorpus.encode(scorer, train.stream().map(LabelledText::text).toList(), batch,
                n -> progress.add(n, null));
        List<String> names = scorer.pack().catalog().categories().stream().map(Catalog.Category::name).toList();
        Catalog denseCat = null;
        double[][] denseScores = null;
        if (denseHead) {
            var calTexts = denseTexts(train);
            List<String> calRaw = calTexts.stream().map(t -> t.text()).toList();
            String key = encodedCache == null ? null : EncodedCorpusCache.key(scorer.pack(), calRaw);
            EncodedCorpus cached = key == null ? null : EncodedCorpusCache.load(encodedCache, key, calRaw);
            EncodedCorpus calEnc = cached != null ? cached
                    : EncodedCorpus.encode(scorer, calRaw, batch, n -> progress.add(n, null));
            Catalog.Segmentation seg = scorer.pack().catalog().segmentation();
            // calibrate's method (union target per benign group) without the feature cap and the generic filter
            Calibrator dense = new Calibrator(new Calibrator.Options(seg, 100_000, denseTopN, 1.0, targetFpr, false,
                    true, 0, false));
            denseCat = dense.calibrate(scorer.pack(), calEnc, calTexts, names, "probe-train", s -> { }).catalog();
            CategoryScorer denseScorer = new CategoryScorer(denseCat, evalEnc.dSae(), scorer.pack()::labelOf);
            denseScores = new double[names.size()][texts.size()];
            for (int i = 0; i < texts.size(); i++) {
                double[] raw = evalEnc.score(denseScorer, i).rawScores();
                for (int c = 0; c < names.size(); c++) {
                    denseScores[c][i] = raw[c];
                }
            }
        }
        progress.finish(null);
        for (int c = 0; c < names.size(); c++) {
            String name = names.get(c);
            @SuppressWarnings("unchecked")
            Map<String, Object> m = (Map<String, Object>) catOut.get(name);
            RawProbe probe = RawProbe.train(trainEnc, train, name, targetFpr);
            DetectorMetrics pm = DetectorMetrics.of(probe.scores(evalEnc), texts, name, probe.threshold());
            m.put("probe", pm);
            row(o, name, "probe", pm);
            if (denseCat == null) {
                continue;
            }
            Catalog.Category dc = denseCat.categories().get(c);
            DetectorMetrics dm = DetectorMetrics.of(denseScores[c], texts, name, dc.threshold());
            m.put("denseHead", dm);
            m.put("denseHeadFeatures", dc.features().size());
            row(o, name, "dense", dm);
        }
    }

    private void writeScores(List<Verdict> verdicts) throws java.io.IOException {
        try (var w = java.nio.file.Files.newBufferedWriter(scoresOut)) {
            for (int i = 0; i < verdicts.size(); i++) {
                Map<String, Object> line = new LinkedHashMap<>();
                line.put("index", i);
                Map<String, Double> s = new LinkedHashMap<>();
                verdicts.get(i).categories().forEach(c -> s.put(c.name(), c.score()));
                line.put("scores", s);
                w.write(LINES.writeValueAsString(line));
                w.newLine();
            }
        }
    }

    private static void row(PrintStream o, String cat, String model, DetectorMetrics m) {
        var c = m.confusion();
        o.printf("%-18s %-6s %5d %5d %7.3f %7.3f %7.3f %7.3f %9.3f   %d/%d/%d/%d%n", cat, model, m.positives(),
                m.negatives(), m.auroc(), m.tprAtThreshold(), m.tprAt1pctFpr(), m.tprAt5pctFpr(), m.fprAtThreshold(),
                c.tp(), c.fp(), c.tn(), c.fn());
    }
}
