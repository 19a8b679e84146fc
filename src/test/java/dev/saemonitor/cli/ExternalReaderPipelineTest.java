package dev.saemonitor.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.saemonitor.activations.ActivationFiles;
import dev.saemonitor.activations.ActivationFixtures;
import dev.saemonitor.activations.InferenceSettings;
import dev.saemonitor.activations.Npy;
import dev.saemonitor.modelpack.ModelPack;
import dev.saemonitor.modelpack.PackFiles;
import dev.saemonitor.modelpack.PackLoader;
import dev.saemonitor.modelpack.PackManifest;
import dev.saemonitor.modelpack.PackWriter;
import dev.saemonitor.scoring.SafetyScorer;
import dev.saemonitor.scoring.ScoreRequest;
import dev.saemonitor.scoring.StageListener;
import dev.saemonitor.scoring.Verdict;
import dev.saemonitor.testing.TestPacks;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A pack with an external reader built end to end from activation files, beside the same pack with the test's ONNX
 * reader built from texts: the files hold exactly what that reader produces ({@code extract}), so every verb must give
 * identical results on both paths (train-sae, label-features, calibrate, eval, and verdicts with their evidence spans).
 * Then f16 files, a file of another width and a text the files lack.
 */
class ExternalReaderPipelineTest {
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;
    String readers = TestPacks.readersDir().toString();

    private static CliRun ok(String... args) {
        CliRun r = CliRun.of(args);
        assertThat(r.code()).as(String.join(" ", args) + "\n" + r.err()).isZero();
        return r;
    }

    private void extract(Path onnxPack, Path texts, boolean jsonl, Path out) {
        List<String> a = new ArrayList<>(List.of("extract", "--pack", onnxPack.toString(), "--readers-dir", readers,
                "-f", texts.toString(), "-o", out.toString()));
        if (jsonl) {
            a.add("--jsonl");
        }
        ok(a.toArray(String[]::new));
    }

    @Test
    void labelledJsonlAndExportedActivationsToASealedExternalPackThatScoresAsTheReaderDoes() throws Exception {
        List<String> seed = Files.readAllLines(Path.of("data/seed/train.jsonl"));
        Map<String, Integer> taken = new HashMap<>();
        List<String> cal = new ArrayList<>(), evalSet = new ArrayList<>(), corpus = new ArrayList<>();
        for (String line : seed) {
            JsonNode n = JSON.readTree(line);
            String key = n.path("labels").isEmpty() ? "benign" : n.path("labels").get(0).asText();
            int count = taken.merge(key, 1, Integer::sum);
            int perCat = key.equals("benign") ? 16 : 8;
            if (count <= perCat) {
                cal.add(line);
                corpus.add(n.path("text").asText().replace('\n', ' '));
            } else if (count <= perCat + 4) {
                evalSet.add(line);
            }
        }
        Path corpusFile = Files.write(tmp.resolve("corpus.txt"), corpus);
        Path calFile = Files.write(tmp.resolve("cal.jsonl"), cal);
        Path evalFile = Files.write(tmp.resolve("eval.jsonl"), evalSet);
        Path onnx = tmp.resolve("onnx-pack");
        Path ext = tmp.resolve("ext-pack");

        ok("init-pack", "-o", onnx.toString(), "--reader", TestPacks.READER_ID, "--layer", "3", "--readers-dir", readers);
        ok("init-pack", "-o", ext.toString(), "--external-model", "test-org/served-lm-8b", "--layer", "3", "--d-in", "384");
        ModelPack scaffold = PackLoader.load(ext, tmp);
        assertThat(scaffold.externalReader()).isTrue();
        assertThat(scaffold.reader().external().hook()).isEqualTo("blocks.2.hook_resid_post");

        // the served model's export, played by the test reader: corpus (line ids) and labelled data (line ids)
        Path corpusActs = tmp.resolve("corpus-acts");
        extract(onnx, corpusFile, false, corpusActs);
        Path calActs = tmp.resolve("cal-acts");
        extract(onnx, calFile, true, calActs);

        ok("train-sae", "--activations", corpusActs.toString(), "-o", ext.resolve("sae").toString(), "--d-sae", "64",
                "--k", "8", "--batch", "128", "--tokens", "4000", "--dead-tokens", "1000", "--lr", "0.005", "--threads", "2");
        JsonNode cfg = JSON.readTree(ext.resolve("sae/cfg.json").toFile());
        assertThat(cfg.path("hook_name").asText()).isEqualTo("blocks.2.hook_resid_post");
        assertThat(cfg.path("model_name").asText()).isEqualTo("test-org/served-lm-8b");
        // the same SAE in the ONNX-reader pack: the two packs then differ only in their reader
        for (String f : List.of("sae/cfg.json", "sae/sae_weights.safetensors", "catalog.yaml", "features.jsonl")) {
            Files.copy(ext.resolve(f), onnx.resolve(f), StandardCopyOption.REPLACE_EXISTING);
        }
        reseal(onnx);

        ok("label-features", "--pack", ext.toString(), "-f", corpusFile.toString(), "--activations", corpusActs.toString(),
                "--data", calFile.toString(), "--data-activations", calActs.toString());
        ok("label-features", "--pack", onnx.toString(), "--readers-dir", readers, "-f", corpusFile.toString(),
                "--data", calFile.toString());
        assertThat(Files.readAllLines(ext.resolve("features.jsonl")))
                .isEqualTo(Files.readAllLines(onnx.resolve("features.jsonl"))).hasSize(64);

        // calibrate builds texts (positives in context, concatenations): --texts-out lists them for the export
        List<String> calOpts = List.of("--data", calFile.toString(), "--top-n", "8", "--benign-corpus",
                corpusFile.toString(), "--benign-docs", "8", "--no-conversations");
        CliRun refused = CliRun.of(concat(List.of("calibrate", "--pack", ext.toString()), calOpts));
        assertThat(refused.code()).isEqualTo(MonitorCli.BAD_INPUT);
        assertThat(refused.err()).contains("external reader (test-org/served-lm-8b, layer 3)").contains("--activations");
        Path calTexts = tmp.resolve("calibrate-texts.jsonl");
        ok(concat(List.of("calibrate", "--pack", ext.toString(), "--texts-out", calTexts.toString()), calOpts));
        assertThat(Files.readAllLines(calTexts).size()).isGreaterThan(cal.size());
        Path builtActs = tmp.resolve("calibrate-acts");
        extract(onnx, calTexts, true, builtActs);
        ok(concat(List.of("calibrate", "--pack", ext.toString(), "--activations", calActs.toString(),
                builtActs.toString()), calOpts));
        ok(concat(List.of("calibrate", "--pack", onnx.toString(), "--readers-dir", readers), calOpts));
        assertThat(Files.readString(ext.resolve("catalog.yaml"))).isEqualTo(Files.readString(onnx.resolve("catalog.yaml")));
        assertThat(JSON.readTree(ext.resolve("eval.json").toFile())).isEqualTo(JSON.readTree(onnx.resolve("eval.json").toFile()));
        ModelPack events = PackLoader.load(ext, tmp);
        assertThat(events.catalog().categories()).allSatisfy(c -> assertThat(c.features()).isNotEmpty());

        // conversation heads over the event heads, from the turns' activations (each turn read alone, as events are)
        Path convs = Files.write(tmp.resolve("convs.jsonl"),
                Files.readAllLines(Path.of("data/seed/conversations_train.jsonl")).subList(0, 80));
        Path convTexts = tmp.resolve("conversation-texts.jsonl");
        ok("calibrate", "--pack", ext.toString(), "--conversations-only", "--conversations", convs.toString(),
                "--texts-out", convTexts.toString());
        Path convActs = tmp.resolve("conversation-acts");
        extract(onnx, convTexts, true, convActs);
        ok("calibrate", "--pack", ext.toString(), "--conversations-only", "--conversations", convs.toString(),
                "--activations", convActs.toString());
        ok("calibrate", "--pack", onnx.toString(), "--readers-dir", readers, "--conversations-only", "--conversations",
                convs.toString());
        // (with these few noisy event heads the turns' own flags may spend the budget and the heads be dropped:
        // then the figures that decided it must agree)
        assertThat(Files.readString(ext.resolve("catalog.yaml"))).isEqualTo(Files.readString(onnx.resolve("catalog.yaml")));
        JsonNode convMetrics = JSON.readTree(ext.resolve("eval.json").toFile()).path("conversation");
        assertThat(convMetrics.path("categories").size()).isEqualTo(TestPacks.CATEGORIES.size());
        assertThat(convMetrics).isEqualTo(JSON.readTree(onnx.resolve("eval.json").toFile()).path("conversation"));
        Path extConv = tmp.resolve("ext-conv.json"), onnxConv = tmp.resolve("onnx-conv.json");
        ok("eval", "--pack", ext.toString(), "--data", convs.toString(), "--activations", convActs.toString(),
                "--json-out", extConv.toString());
        ok("eval", "--pack", onnx.toString(), "--readers-dir", readers, "--data", convs.toString(), "--json-out",
                onnxConv.toString());
        JsonNode ec = JSON.readTree(extConv.toFile()), oc = JSON.readTree(onnxConv.toFile());
        assertThat(ec.path("head")).isEqualTo(oc.path("head")).isNotEmpty();
        assertThat(ec.path("baseline")).isEqualTo(oc.path("baseline"));
        ModelPack sealed = PackLoader.load(ext, tmp);

        // eval: bare texts, positives among 1/3/6 benign ones, benign concatenations; all from the files
        Path evalTexts = tmp.resolve("eval-texts.jsonl");
        ok("eval", "--pack", ext.toString(), "--data", evalFile.toString(), "--texts-out", evalTexts.toString());
        Path evalActs = tmp.resolve("eval-acts");
        extract(onnx, evalTexts, true, evalActs);
        Path extScores = tmp.resolve("ext-scores.jsonl"), onnxScores = tmp.resolve("onnx-scores.jsonl");
        Path extJson = tmp.resolve("ext-eval.json"), onnxJson = tmp.resolve("onnx-eval.json");
        ok("eval", "--pack", ext.toString(), "--data", evalFile.toString(), "--activations", evalActs.toString(),
                "--scores-out", extScores.toString(), "--json-out", extJson.toString());
        ok("eval", "--pack", onnx.toString(), "--readers-dir", readers, "--data", evalFile.toString(),
                "--scores-out", onnxScores.toString(), "--json-out", onnxJson.toString());
        assertThat(Files.readAllLines(extScores)).isEqualTo(Files.readAllLines(onnxScores)).hasSize(evalSet.size());
        JsonNode ej = JSON.readTree(extJson.toFile()), oj = JSON.readTree(onnxJson.toFile());
        for (String k : List.of("categories", "longContextSets", "unionFpr", "topEvidenceLabels")) {
            assertThat(ej.path(k)).as(k).isEqualTo(oj.path(k));
        }
        assertThat(ej.path("pack").path("reader").asText()).isEqualTo("test-org/served-lm-8b");

        // verdicts through the service's scoring call: same scores, evidence and spans into the text
        ModelPack onnxPack = PackLoader.load(onnx, TestPacks.readersDir());
        List<String> texts = evalSet.stream().map(l -> json(l).path("text").asText()).toList();
        ActivationFiles files = ActivationFiles.load(List.of(new ActivationFiles.Source(evalActs, Map.of())), texts, 384);
        try (SafetyScorer byFiles = SafetyScorer.open(sealed, InferenceSettings.defaults(), false, files);
             SafetyScorer byReader = SafetyScorer.open(onnxPack, InferenceSettings.defaults())) {
            List<ScoreRequest> reqs = new ArrayList<>();
            for (int i = 0; i < texts.size(); i++) {
                reqs.add(ScoreRequest.ofText("e" + i, texts.get(i)));
            }
            List<Verdict> a = byFiles.score(reqs, true, StageListener.NONE);
            List<Verdict> b = byReader.score(reqs, true, StageListener.NONE);
            int spans = 0;
            for (int i = 0; i < a.size(); i++) {
                assertThat(a.get(i).categories()).isEqualTo(b.get(i).categories());
                assertThat(a.get(i).evidence()).isEqualTo(b.get(i).evidence());
                assertThat(a.get(i).tokens()).isEqualTo(b.get(i).tokens());
                spans += a.get(i).evidence().size();
            }
            assertThat(spans).as("evidence compared").isPositive();

            // the service's path: the same rows carried in events (with their token spans) score as the files do
            var parser = dev.saemonitor.ingest.EventParser.forPack(sealed, 1 << 22);
            List<ScoreRequest> carried = new ArrayList<>();
            var rows = files.read(texts, dev.saemonitor.activations.ActivationSource.Stages.NONE);
            for (int i = 0; i < texts.size(); i++) {
                byte[] event = JSON.writeValueAsBytes(Map.of("id", "e" + i, "text", texts.get(i),
                        "activations", block(texts.get(i), rows.get(i))));
                var parsed = parser.parse(event, Map.of(), "k", "f", java.time.Instant.EPOCH);
                assertThat(parsed.valid()).as(String.valueOf(parsed.detail())).isTrue();
                var e = parsed.event();
                carried.add(new ScoreRequest(e.id(), null, null, e.role(), e.text(), e.activations()));
            }
            List<Verdict> c = byFiles.score(carried, true, StageListener.NONE);
            for (int i = 0; i < c.size(); i++) {
                assertThat(c.get(i).categories()).isEqualTo(b.get(i).categories());
                assertThat(c.get(i).evidence()).isEqualTo(b.get(i).evidence());
            }
        }

        // f16 files: the same verdicts up to half precision
        Path half = ActivationFixtures.toF16(evalActs, tmp.resolve("eval-acts-f16"));
        Path halfScores = tmp.resolve("f16-scores.jsonl");
        ok("eval", "--pack", ext.toString(), "--data", evalFile.toString(), "--activations", half.toString(),
                "--scores-out", halfScores.toString());
        double maxDiff = maxScoreDiff(halfScores, onnxScores);
        System.out.printf("external-reader parity: f32 files identical to the reader; f16 files max |score diff| %.2e%n",
                maxDiff);
        assertThat(maxDiff).isLessThan(0.02);

        // a file of another width, and files that lack some texts
        Path narrow = tmp.resolve("narrow");
        Npy.Matrix m = Npy.read(Path.of(evalActs + ".npy"));
        ActivationFixtures.writeNpy(Path.of(narrow + ".npy"), new float[m.rows() * 16], m.rows(), 16, false);
        Files.copy(Path.of(evalActs + ".index.jsonl"), Path.of(narrow + ".index.jsonl"));
        CliRun wide = CliRun.of("eval", "--pack", ext.toString(), "--data", evalFile.toString(), "--activations",
                narrow.toString());
        assertThat(wide.code()).isEqualTo(MonitorCli.BAD_INPUT);
        assertThat(wide.err()).contains("narrow.npy").contains("rows are 16 wide, expected the pack's d_in 384");
        List<String> more = new ArrayList<>(evalSet);
        more.add("{\"text\": \"A line added after the export.\", \"labels\": []}");
        Path moreFile = Files.write(tmp.resolve("eval-more.jsonl"), more);
        CliRun lacking = CliRun.of("eval", "--pack", ext.toString(), "--data", moreFile.toString(), "--activations",
                evalActs.toString());
        assertThat(lacking.code()).isEqualTo(MonitorCli.BAD_INPUT);
        assertThat(lacking.err()).contains("texts have no activations").contains("text id '" + more.size() + "'")
                .contains("--texts-out");
        // the labelled data's line ids are joined, and a span check catches files of another file's lines 1, 2, …
        CliRun otherFile = CliRun.of("eval", "--pack", ext.toString(), "--data", evalFile.toString(), "--activations",
                calActs.toString());
        assertThat(otherFile.code()).isEqualTo(MonitorCli.BAD_INPUT);
        // (the seed's cal line 3 is longer than eval line 3; were it not, the embedded texts would be missing instead)
        assertThat(otherFile.err()).satisfiesAnyOf(e -> assertThat(e).contains("cal-acts.index.jsonl: line ")
                .contains("does not lie in text id"), e -> assertThat(e).contains("texts have no activations"));
        CliRun noExtract = CliRun.of("extract", "--pack", ext.toString(), "-f", corpusFile.toString(), "-o",
                tmp.resolve("x").toString());
        assertThat(noExtract.code()).isEqualTo(MonitorCli.BAD_INPUT);
        assertThat(noExtract.err()).contains("external reader");
    }

    /** An event's activations block as a serving stack sends it: f32 rows and the tokens' code-point spans. */
    private static Map<String, Object> block(String text, dev.saemonitor.activations.TextActivations a) {
        java.nio.ByteBuffer bb = java.nio.ByteBuffer.allocate(a.rows().length * 4).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        for (float v : a.rows()) {
            bb.putFloat(v);
        }
        List<List<Integer>> spans = new ArrayList<>();
        for (int t = 0; t < a.tokens(); t++) {
            spans.add(List.of(text.codePointCount(0, a.charStart()[t]), text.codePointCount(0, a.charEnd()[t])));
        }
        return Map.of("readerId", "test-org/served-lm-8b", "layer", 3, "dtype", "f32", "shape", List.of(a.tokens(), a.d()),
                "data", java.util.Base64.getEncoder().encodeToString(bb.array()), "spans", spans);
    }

    @Test
    void importSaeIntoAnExternalPackReSealsIt() throws Exception {
        Path ext = TestPacks.writeExternal(tmp.resolve("ext"), dev.saemonitor.modelpack.SaeArchitecture.RELU, 64, 3);
        Path published = tmp.resolve("published");
        TestPacks.randomSae(dev.saemonitor.modelpack.SaeArchitecture.JUMPRELU, 384, 96, 0, false, 8).save(published);
        ok("import-sae", "--from", published.toString(), "-o", ext.resolve("sae").toString());
        ModelPack p = PackLoader.load(ext, tmp);
        assertThat(p.sae().config().dSae()).isEqualTo(96);
        assertThat(p.externalReader()).isTrue();
        assertThat(p.catalog().categories()).allSatisfy(c -> assertThat(c.features()).isEmpty());
    }

    private static String[] concat(List<String> a, List<String> b) {
        List<String> all = new ArrayList<>(a);
        all.addAll(b);
        return all.toArray(String[]::new);
    }

    private static double maxScoreDiff(Path a, Path b) throws Exception {
        List<String> la = Files.readAllLines(a), lb = Files.readAllLines(b);
        assertThat(la).hasSameSizeAs(lb);
        double max = 0;
        for (int i = 0; i < la.size(); i++) {
            JsonNode sa = json(la.get(i)).path("scores"), sb = json(lb.get(i)).path("scores");
            var names = sa.fieldNames();
            while (names.hasNext()) {
                String n = names.next();
                max = Math.max(max, Math.abs(sa.path(n).asDouble() - sb.path(n).asDouble()));
            }
        }
        return max;
    }

    private static void reseal(Path pack) throws Exception {
        PackManifest m = PackFiles.YAML.readValue(pack.resolve(PackManifest.FILE).toFile(), PackManifest.class);
        PackWriter.seal(pack, m.name(), m.version(), m.reader(), TestPacks.readersDir());
    }

    private static JsonNode json(String s) {
        try {
            return JSON.readTree(s);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
