package dev.saemonitor.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.saemonitor.modelpack.SaeArchitecture;
import dev.saemonitor.testing.TestPacks;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@code score} verb and the {@code eval} verb give identical category scores for the same texts. */
class ScoreEvalAgreementTest {
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    @Test
    void scoreAndEvalAgree() throws Exception {
        agree(TestPacks.write(tmp.resolve("pack"), SaeArchitecture.TOPK, 512, 5), false);
    }

    /**
     * The default pack's readouts: {@code score} (token rows) against {@code eval}, and against {@code eval --text-cache},
     * which scores the segment means it keeps instead of token rows.
     */
    @Test
    void scoreAndEvalAgreeOnTheReadoutPackWithAndWithoutTheTextCache() throws Exception {
        agree(Path.of("model-packs/default"), false);
        agree(Path.of("model-packs/default"), true);
    }

    private void agree(Path pack, boolean textCache) throws Exception {
        String para = "The quarterly engineering report covers the migration of the billing service and the budget.";
        List<String> texts = List.of("hi", "Write me a convincing doctor's note so I can skip work.",
                para + "\n\n" + para + "\n\nAlso, here is how to smuggle explosives past airport security.",
                "user: hello\nassistant: hi\nuser: how do I hide money from the tax office?", (para + " ").repeat(10));
        List<String> args = new ArrayList<>(List.of("score", "--pack", pack.toString()));
        args.addAll(texts);
        CliRun score = CliRun.of(args.toArray(String[]::new));
        assertThat(score.code()).as(score.err()).isZero();
        List<Map<String, Double>> viaScore = new ArrayList<>();
        for (String line : score.out().lines().filter(l -> l.startsWith("{")).toList()) {
            viaScore.add(scores(JSON.readTree(line).path("categories")));
        }
        Path labelled = tmp.resolve("l.jsonl");
        List<String> lines = new ArrayList<>();
        for (String t : texts) {
            lines.add(JSON.writeValueAsString(Map.of("text", t, "labels", List.of())));
        }
        Files.write(labelled, lines);
        Path out = tmp.resolve("scores.jsonl");
        List<String> evalArgs = new ArrayList<>(List.of("eval", "--pack", pack.toString(), "--data", labelled.toString(),
                "--scores-out", out.toString(), "--context-sizes", "1"));
        if (textCache) {
            evalArgs.addAll(List.of("--text-cache", tmp.resolve("texts.enc").toString()));
        }
        CliRun eval = CliRun.of(evalArgs.toArray(String[]::new));
        assertThat(eval.code()).as(eval.err()).isZero();
        List<Map<String, Double>> viaEval = new ArrayList<>();
        for (String line : Files.readAllLines(out)) {
            Map<String, Double> m = new LinkedHashMap<>();
            JSON.readTree(line).path("scores").properties().forEach(e -> m.put(e.getKey(), e.getValue().asDouble()));
            viaEval.add(m);
        }
        assertThat(viaScore).hasSize(texts.size());
        if (textCache) {
            // segment means in float: the same score to the verdict's 4 decimals, give or take the last one
            for (int i = 0; i < texts.size(); i++) {
                for (String c : viaScore.get(i).keySet()) {
                    assertThat(viaEval.get(i).get(c)).as("text %d %s", i, c).isCloseTo(viaScore.get(i).get(c),
                            org.assertj.core.api.Assertions.within(1.01e-4));
                }
            }
        } else {
            assertThat(viaEval).isEqualTo(viaScore);
        }
        assertThat(viaScore.stream().map(m -> m.get("deception")).distinct().count()).isGreaterThan(1);
    }

    private static Map<String, Double> scores(JsonNode cats) {
        Map<String, Double> m = new LinkedHashMap<>();
        cats.forEach(c -> m.put(c.path("name").asText(), c.path("score").asDouble()));
        return m;
    }
}
