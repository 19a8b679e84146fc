package dev.saemonitor.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.saemonitor.activations.InferenceSettings;
import dev.saemonitor.calibration.ConversationTurns;
import dev.saemonitor.calibration.EncodedCorpus;
import dev.saemonitor.calibration.LabelledConversation;
import dev.saemonitor.conversation.ConversationScorer;
import dev.saemonitor.conversation.ConversationVerdict;
import dev.saemonitor.conversation.TurnFeatures;
import dev.saemonitor.modelpack.Catalog;
import dev.saemonitor.modelpack.ModelPack;
import dev.saemonitor.modelpack.PackLoader;
import dev.saemonitor.scoring.SafetyScorer;
import dev.saemonitor.scoring.ScoreRequest;
import dev.saemonitor.scoring.StageListener;
import dev.saemonitor.scoring.Verdict;
import dev.saemonitor.testing.TestPacks;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * On the real default pack: {@code calibrate --conversations-only} adds a conversation section without touching
 * the event heads, and the three ways a conversation gets scored agree exactly: the service's path
 * ({@link SafetyScorer#score} → {@link Verdict#turn} → {@link ConversationScorer#score}), calibrate's (encoded
 * texts → {@link ConversationTurns}) and {@code eval --scores-out}.
 */
class ConversationPathsAgreementTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final Path DEFAULT_PACK = Path.of("model-packs/default");

    @TempDir
    Path tmp;

    @Test
    void calibrateEvalAndServiceScoreConversationsAlike() throws Exception {
        Path pack = copy(DEFAULT_PACK, tmp.resolve("pack"));
        Catalog before = PackLoader.load(pack, TestPacks.readersDir()).catalog();
        Path train = head(Path.of("data/seed/conversations_train.jsonl"), 120, tmp.resolve("train.jsonl"));
        Path dev = head(Path.of("data/seed/conversations_dev.jsonl"), 12, tmp.resolve("dev.jsonl"));

        // a target above what the turns' own review flags reach on benign conversations (0.30 on these 120 with pack
        // 0.6.0), so heads are fitted: this test is about the paths agreeing, not about the heads' quality
        CliRun cal = CliRun.of("calibrate", "--pack", pack.toString(), "--conversations-only", "--conversations",
                train.toString(), "--threads", "2", "--target-fpr", "0.4");
        assertThat(cal.code()).as(cal.err()).isZero();
        ModelPack p = PackLoader.load(pack, TestPacks.readersDir());
        assertThat(p.catalog().categories()).isEqualTo(before.categories());
        assertThat(p.catalog().conversation()).isNotNull();
        assertThat(p.catalog().conversation().categories()).hasSize(4).allSatisfy(h -> {
            assertThat(h.threshold()).isStrictlyBetween(0.0, 1.0);
            assertThat(h.features()).hasSizeLessThanOrEqualTo(32);
            assertThat(h.features()).allSatisfy(f -> assertThat(f.weight()).isPositive());
        });

        Path scores = tmp.resolve("scores.jsonl");
        Path figures = tmp.resolve("eval.json");
        CliRun eval = CliRun.of("eval", "--pack", pack.toString(), "--data", dev.toString(), "--scores-out",
                scores.toString(), "--json-out", figures.toString(), "--threads", "2");
        assertThat(eval.code()).as(eval.err()).isZero();
        JsonNode fig = JSON.readTree(figures.toFile());
        assertThat(fig.path("conversationHead").asBoolean()).isTrue();
        assertThat(fig.path("head").path("categories").size()).isEqualTo(4);
        assertThat(fig.path("baseline").path("unionBenignFpr").isNumber()).isTrue();
        List<Map<String, Double>> viaEval = new ArrayList<>();
        for (String line : Files.readAllLines(scores)) {
            viaEval.add(scores(JSON.readTree(line).path("scores")));
        }

        List<LabelledConversation> convs = LabelledConversation.read(dev);
        List<Map<String, Double>> viaService = new ArrayList<>(), viaCalibrate = new ArrayList<>(), baseline = new ArrayList<>();
        try (SafetyScorer scorer = SafetyScorer.open(p, InferenceSettings.defaults())) {
            ConversationScorer conv = scorer.conversationScorer();
            ConversationScorer base = new ConversationScorer(p.catalog().withConversation(null), p.sae().config().dSae());
            EncodedCorpus enc = EncodedCorpus.encode(scorer, LabelledConversation.turnTexts(convs), 32, n -> { });
            List<List<TurnFeatures>> calTurns = ConversationTurns.of(convs, enc, scorer.categoryScorer(), conv);
            for (int k = 0; k < convs.size(); k++) {
                LabelledConversation c = convs.get(k);
                List<ScoreRequest> reqs = new ArrayList<>();
                for (int t = 0; t < c.turns().size(); t++) {
                    reqs.add(new ScoreRequest(LabelledConversation.eventId(c, t), c.conversationId(), null,
                            c.turns().get(t).role(), c.turns().get(t).text(), null));
                }
                List<TurnFeatures> turns = scorer.score(reqs, false, StageListener.NONE).stream().map(Verdict::turn).toList();
                for (int t = 0; t < turns.size(); t++) {
                    TurnFeatures a = turns.get(t), b = calTurns.get(k).get(t);
                    assertThat(b.features()).isEqualTo(a.features());
                    assertThat(b.values()).isEqualTo(a.values());
                    // readout scores from calibrate's float window means vs the service's token rows: equal up to rounding
                    assertThat(b.eventScores()).containsExactly(a.eventScores(), org.assertj.core.api.Assertions.within(1e-6));
                    for (int cat = 0; cat < a.segmentTerms().length; cat++) {
                        assertThat(b.segmentTerms()[cat]).containsExactly(a.segmentTerms()[cat],
                                org.assertj.core.api.Assertions.within(1e-4f));
                    }
                    assertThat(b.spans()).isEqualTo(a.spans());
                }
                for (int t = 1; t <= turns.size(); t++) {
                    viaService.add(scores(conv.score(c.conversationId(), t, turns.subList(0, t), scorer.packRef())));
                    viaCalibrate.add(scores(conv.score(c.conversationId(), t, calTurns.get(k).subList(0, t), scorer.packRef())));
                    baseline.add(scores(base.score(c.conversationId(), t, turns.subList(0, t), scorer.packRef())));
                }
            }
        }
        assertThat(viaService).hasSize(convs.stream().mapToInt(c -> c.turns().size()).sum());
        assertThat(viaEval).isEqualTo(viaService);
        // calibrate scores a readout from the window means it keeps (float), the service from token rows: the same
        // number up to rounding
        assertThat(viaCalibrate).hasSameSizeAs(viaService);
        for (int i = 0; i < viaService.size(); i++) {
            for (String c : viaService.get(i).keySet()) {
                assertThat(viaCalibrate.get(i).get(c)).as("turn %d %s", i, c)
                        .isCloseTo(viaService.get(i).get(c), org.assertj.core.api.Assertions.within(1e-6));
            }
        }
        assertThat(viaService).as("the conversation head, not the baseline, scored them").isNotEqualTo(baseline);
    }

    private static Map<String, Double> scores(ConversationVerdict v) {
        Map<String, Double> m = new LinkedHashMap<>();
        v.categories().forEach(c -> m.put(c.name(), c.score()));
        return m;
    }

    private static Map<String, Double> scores(JsonNode node) {
        Map<String, Double> m = new LinkedHashMap<>();
        node.properties().forEach(e -> m.put(e.getKey(), e.getValue().asDouble()));
        return m;
    }

    private static Path head(Path from, int lines, Path to) throws Exception {
        Files.write(to, Files.readAllLines(from).subList(0, lines));
        return to;
    }

    private static Path copy(Path from, Path to) throws Exception {
        try (Stream<Path> s = Files.walk(from)) {
            for (Path src : s.toList()) {
                Path dst = to.resolve(from.relativize(src).toString());
                if (Files.isDirectory(src)) {
                    Files.createDirectories(dst);
                } else {
                    Files.copy(src, dst);
                }
            }
        }
        return to;
    }
}
