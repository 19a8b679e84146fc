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
        Path pack = TestPacks.write(tmp.resolve("pack"), SaeArchitecture.TOPK, 512, 5);
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
        CliRun eval = CliRun.of("eval", "--pack", pack.toString(), "--data", labelled.toString(), "--scores-out",
                out.toString(), "--context-sizes", "1");
        assertThat(eval.code()).as(eval.err()).isZero();
        List<Map<String, Double>> viaEval = new ArrayList<>();
        for (String line : Files.readAllLines(out)) {
            Map<String, Double> m = new LinkedHashMap<>();
            JSON.readTree(line).path("scores").properties().forEach(e -> m.put(e.getKey(), e.getValue().asDouble()));
            viaEval.add(m);
        }
        assertThat(viaScore).hasSize(texts.size());
        assertThat(viaEval).isEqualTo(viaScore);
        assertThat(viaScore.stream().map(m -> m.get("deception")).distinct().count()).isGreaterThan(1);
    }

    private static Map<String, Double> scores(JsonNode cats) {
        Map<String, Double> m = new LinkedHashMap<>();
        cats.forEach(c -> m.put(c.path("name").asText(), c.path("score").asDouble()));
        return m;
    }
}
