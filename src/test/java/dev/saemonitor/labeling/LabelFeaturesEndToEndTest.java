package dev.saemonitor.labeling;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.saemonitor.cli.MonitorCli;
import dev.saemonitor.modelpack.FeatureCard;
import dev.saemonitor.modelpack.ModelPack;
import dev.saemonitor.modelpack.PackFiles;
import dev.saemonitor.modelpack.PackLoader;
import dev.saemonitor.modelpack.PackManifest;
import dev.saemonitor.modelpack.PackWriter;
import dev.saemonitor.modelpack.SaeArchitecture;
import dev.saemonitor.testing.TestPacks;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** label-features on the test pack (real reader, seeded SAE) with a corpus and labelled seed data. */
class LabelFeaturesEndToEndTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final int D_SAE = 64;

    @TempDir
    Path tmp;

    @Test
    void cardsCarryFiringSharesAndCategoryAssociationAndAManualLabelSurvives() throws Exception {
        Path pack = TestPacks.write(tmp.resolve("pack"), SaeArchitecture.TOPK, D_SAE, 11);
        Map<String, Integer> taken = new HashMap<>();
        List<String> labelled = new ArrayList<>(), corpus = new ArrayList<>();
        for (String line : Files.readAllLines(Path.of("data/seed/train.jsonl"))) {
            JsonNode n = JSON.readTree(line);
            String key = n.path("labels").isEmpty() ? FeatureCard.BENIGN : n.path("labels").get(0).asText();
            int count = taken.merge(key, 1, Integer::sum);
            if (count <= 4) {
                labelled.add(line);
            } else if (count <= 8 && key.equals(FeatureCard.BENIGN)) {
                corpus.add(n.path("text").asText().replace('\n', ' '));
            }
        }
        Path corpusFile = Files.write(tmp.resolve("corpus.txt"), corpus);
        Path dataFile = Files.write(tmp.resolve("labelled.jsonl"), labelled);
        String[] args = {"label-features", "--pack", pack.toString(), "--readers-dir", TestPacks.readersDir().toString(),
                "-f", corpusFile.toString(), "--data", dataFile.toString(), "--contexts", "3"};
        assertThat(MonitorCli.commandLine().execute(args)).isZero();

        ModelPack loaded = PackLoader.load(pack, TestPacks.readersDir());
        assertThat(loaded.featureCards()).hasSize(D_SAE);
        List<FeatureCard> fired = loaded.featureCards().values().stream().filter(c -> c.firingRate() > 0).toList();
        assertThat(fired).isNotEmpty();
        assertThat(fired).allSatisfy(c -> {
            assertThat(c.labelSource()).isEqualTo(FeatureCard.AUTO);
            assertThat(c.label()).isNotBlank();
            assertThat(c.generic()).isEqualTo(c.label().startsWith("diffuse"));
            assertThat(c.benignFiringShare()).isBetween(0.0, 1.0);
            assertThat(c.categoryAssociation().keySet())
                    .containsExactlyInAnyOrder("deception", "sycophancy", "bias", "dangerous_content", "benign");
            assertThat(c.categoryAssociation().values()).allSatisfy(v -> assertThat(v).isBetween(0.0, 1.0));
            assertThat(c.topContexts()).hasSizeBetween(1, 3);
        });
        // a text-level share can only be positive where the feature fired on some token
        assertThat(fired).anySatisfy(c -> assertThat(c.benignFiringShare()).isPositive());
        int id = fired.get(0).id();
        assertThat(loaded.card(id)).contains(fired.get(0));

        // a person's label and generic flag survive relabelling
        List<String> lines = new ArrayList<>(Files.readAllLines(pack.resolve("features.jsonl")));
        lines.set(id, "{\"id\":" + id + ",\"label\":\"hand label\",\"labelSource\":\"manual\",\"generic\":true}");
        Files.write(pack.resolve("features.jsonl"), lines);
        PackManifest m = PackFiles.YAML.readValue(pack.resolve(PackManifest.FILE).toFile(), PackManifest.class);
        PackWriter.seal(pack, m.name(), m.version(), m.reader(), TestPacks.readersDir());
        assertThat(MonitorCli.commandLine().execute(args)).isZero();
        FeatureCard kept = PackLoader.load(pack, TestPacks.readersDir()).card(id).orElseThrow();
        assertThat(kept.label()).isEqualTo("hand label");
        assertThat(kept.manual()).isTrue();
        assertThat(kept.generic()).isTrue();
        assertThat(kept.firingRate()).isPositive();
        assertThat(kept.categoryAssociation()).isNotEmpty();
    }
}
