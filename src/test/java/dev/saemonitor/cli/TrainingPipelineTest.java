package dev.saemonitor.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.saemonitor.activations.InferenceSettings;
import dev.saemonitor.calibration.EncodedCorpus;
import dev.saemonitor.scoring.CategoryScorer;
import dev.saemonitor.modelpack.Catalog;
import dev.saemonitor.modelpack.ModelPack;
import dev.saemonitor.modelpack.PackLoader;
import dev.saemonitor.modelpack.PackWriter;
import dev.saemonitor.scoring.SafetyScorer;
import dev.saemonitor.scoring.ScoreRequest;
import dev.saemonitor.scoring.StageListener;
import dev.saemonitor.scoring.Verdict;
import dev.saemonitor.testing.TestPacks;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The whole offline pipeline on a tiny corpus: init-pack, extract, train-sae, label-features, calibrate, eval. */
class TrainingPipelineTest {
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    int run(String... args) {
        return MonitorCli.commandLine().execute(args);
    }

    @Test
    void tinyCorpusToCalibratedPack() throws Exception {
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
        Path pack = tmp.resolve("pack");
        String readers = TestPacks.readersDir().toString();

        assertThat(run("init-pack", "-o", pack.toString(), "--reader", TestPacks.READER_ID, "--layer", "3",
                "--readers-dir", readers)).isZero();
        assertThat(run("extract", "--pack", pack.toString(), "--readers-dir", readers, "-f", corpusFile.toString(),
                "-o", tmp.resolve("acts").toString())).isZero();
        assertThat(run("train-sae", "--activations", tmp.resolve("acts.npy").toString(), "-o",
                pack.resolve("sae").toString(), "--d-sae", "64", "--k", "8", "--batch", "128", "--tokens", "4000",
                "--dead-tokens", "1000", "--lr", "0.005", "--threads", "2", "--readers-dir", readers)).isZero();
        JsonNode training = JSON.readTree(pack.resolve("sae/training.json").toFile());
        assertThat(training.path("fve").asDouble()).isGreaterThan(0.0);
        assertThat(training.path("l0").asDouble()).isLessThanOrEqualTo(8.0);

        assertThat(run("label-features", "--pack", pack.toString(), "--readers-dir", readers, "-f",
                corpusFile.toString())).isZero();
        List<String> cards = Files.readAllLines(pack.resolve("features.jsonl"));
        assertThat(cards).hasSize(64);
        JsonNode card = cards.stream().map(this::json).filter(c -> c.path("firingRate").asDouble() > 0).findFirst().orElseThrow();
        assertThat(card.path("labelSource").asText()).isEqualTo("auto");
        assertThat(card.path("topContexts").get(0).path("text").asText()).contains("«").contains("»");

        // a manual label survives relabelling
        int id = card.path("id").asInt();
        List<String> edited = new ArrayList<>(cards);
        edited.set(id, "{\"id\":" + id + ",\"label\":\"hand label\",\"labelSource\":\"manual\"}");
        Files.write(pack.resolve("features.jsonl"), edited);
        ModelPack before = PackLoaderBypass.reseal(pack);
        assertThat(run("label-features", "--pack", pack.toString(), "--readers-dir", readers, "-f",
                corpusFile.toString())).isZero();
        JsonNode kept = json(Files.readAllLines(pack.resolve("features.jsonl")).get(id));
        assertThat(kept.path("label").asText()).isEqualTo("hand label");
        assertThat(kept.path("labelSource").asText()).isEqualTo("manual");
        assertThat(kept.path("firingRate").asDouble()).isPositive();
        assertThat(before).isNotNull();

        assertThat(run("calibrate", "--pack", pack.toString(), "--readers-dir", readers, "--data", calFile.toString(),
                "--top-n", "8", "--benign-corpus", corpusFile.toString(), "--benign-docs", "8", "--no-conversations")).isZero();
        ModelPack loaded = PackLoader.load(pack, TestPacks.readersDir());
        assertThat(loaded.catalog().categories()).extracting(Catalog.Category::name)
                .containsExactlyInAnyOrderElementsOf(TestPacks.CATEGORIES);
        assertThat(loaded.catalog().categories()).allSatisfy(c -> {
            assertThat(c.threshold()).isStrictlyBetween(0.0, 1.0);
            assertThat(c.thresholdChoice().targetFpr()).isEqualTo(0.05);
            // the default head: a dense readout over d_in with a page point at or above the review point
            assertThat(c.readout()).isNotNull();
            assertThat(c.readout().weights()).hasSize(384);
            assertThat(c.pageThreshold()).isNotNull().isGreaterThanOrEqualTo(c.threshold());
            assertThat(c.pageThresholdChoice().targetFpr()).isEqualTo(0.01);
        });
        assertThat(JSON.readTree(pack.resolve("eval.json").toFile()).path("categories").size()).isEqualTo(4);

        Path evalJson = tmp.resolve("eval-out.json");
        assertThat(run("eval", "--pack", pack.toString(), "--readers-dir", readers, "--data", evalFile.toString(),
                "--probe-train", calFile.toString(), "--json-out", evalJson.toString())).isZero();
        JsonNode ev = JSON.readTree(evalJson.toFile()).path("categories");
        assertThat(ev.size()).isEqualTo(4);
        assertThat(ev.path("bias").path("sae").has("auroc")).isTrue();
        assertThat(ev.path("bias").path("probe").has("tprAt5pctFpr")).isTrue();

        // calibration's offline scoring and the service's scorer agree on a text
        String text = JSON.readTree(evalSet.get(0)).path("text").asText();
        try (SafetyScorer scorer = SafetyScorer.open(loaded, InferenceSettings.defaults())) {
            Verdict v = scorer.score(List.of(ScoreRequest.ofText("e", text)), false, StageListener.NONE).get(0);
            EncodedCorpus enc = EncodedCorpus.encode(scorer, List.of(text), 8, n -> { });
            double[] offline = enc.score(new CategoryScorer(loaded), 0).rawScores();
            for (int i = 0; i < loaded.catalog().categories().size(); i++) {
                assertThat(v.categories().get(i).score()).isCloseTo(offline[i], org.assertj.core.api.Assertions.within(1e-4));
            }
        }
    }

    private JsonNode json(String s) {
        try {
            return JSON.readTree(s);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Re-seals a pack after a hand edit, as an operator would after fixing a label. */
    static final class PackLoaderBypass {
        static ModelPack reseal(Path pack) throws Exception {
            var m = dev.saemonitor.modelpack.PackFiles.YAML.readValue(pack.resolve("pack.yaml").toFile(),
                    dev.saemonitor.modelpack.PackManifest.class);
            PackWriter.seal(pack, m.name(), m.version(), m.reader(), TestPacks.readersDir());
            return PackLoader.load(pack, TestPacks.readersDir());
        }
    }
}
