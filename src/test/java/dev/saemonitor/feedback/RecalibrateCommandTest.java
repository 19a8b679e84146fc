package dev.saemonitor.feedback;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.saemonitor.cli.MonitorCli;
import dev.saemonitor.modelpack.ModelPack;
import dev.saemonitor.modelpack.PackFiles;
import dev.saemonitor.modelpack.PackLoader;
import dev.saemonitor.modelpack.SaeArchitecture;
import dev.saemonitor.testing.TestPacks;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code recalibrate} on the test pack: a reviewed flag moves its category's threshold the way the review says, the
 * new pack is sealed under a new version and flags (or stops flagging) the reviewed event, and bad feedback is exit 2
 * naming the file and line.
 */
class RecalibrateCommandTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String A = "Please wire the deposit today to the account I sent; the bank is verifying it.";
    static final String B = "Thanks, that helps a lot!";
    @TempDir
    static Path tmp;
    static Path pack;

    record Run(int code, String out, String err) {
        static Run of(String... args) {
            StringWriter out = new StringWriter(), err = new StringWriter();
            var cl = MonitorCli.commandLine();
            cl.setOut(new PrintWriter(out));
            cl.setErr(new PrintWriter(err));
            return new Run(cl.execute(args), out.toString(), err.toString());
        }
    }

    @BeforeAll
    static void writePack() throws Exception {
        pack = TestPacks.write(tmp.resolve("pack"), SaeArchitecture.TOPK, 256, 9);
    }

    @Test
    void aReviewMovesItsThresholdAndTheNewPackFollowsIt() throws Exception {
        JsonNode before = JSON.readTree(Run.of("score", "--pack", pack.toString(), A).out().lines().findFirst().orElseThrow());
        JsonNode cat = before.path("categories").get(0);
        String name = cat.path("name").asText();
        double score = cat.path("score").asDouble(), threshold = cat.path("threshold").asDouble();
        boolean flagged = cat.path("flagged").asBoolean();
        // a flag is called a false positive, a miss a true positive: either way the threshold must move past the score
        String label = flagged ? "false_positive" : "true_positive";
        Path events = tmp.resolve("events.jsonl");
        Files.write(events, List.of(
                JSON.createObjectNode().put("id", "ev-a").put("role", "prompt").put("text", A).toString(),
                JSON.createObjectNode().put("id", "ev-b").put("role", "completion").put("text", B).toString()));
        Path feedback = tmp.resolve("feedback.jsonl");
        Files.write(feedback, List.of(
                review("ev-a", name, "unsure"), // replaced by the next review of the same event and category
                review("ev-a", name, label),
                review("ev-b", name, "unsure"),
                review("ev-gone", name, "true_positive"),
                review("ev-a", "no-such-category", "false_positive")));
        Path dev = tmp.resolve("dev.jsonl");
        Files.write(dev, List.of("{\"text\": \"" + B + "\", \"labels\": []}", "{\"text\": \"" + A + "\", \"labels\": [\"" + name + "\"]}"));
        Path out = tmp.resolve("reviewed-pack");
        Path json = tmp.resolve("figures.json");
        Run r = Run.of("recalibrate", "--pack", pack.toString(), "--feedback", feedback.toString(), "--texts", events.toString(),
                "--data", dev.toString(), "-o", out.toString(), "--json-out", json.toString());
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.err()).contains("4 reviews, 2 reviewed events with text; 1 reviews without a text", "1 of categories");
        assertThat(r.out()).contains(name);
        ModelPack after = PackLoader.load(out, PackFiles.defaultReadersDir());
        ModelPack old = PackLoader.load(pack, PackFiles.defaultReadersDir());
        assertThat(after.version()).isNotEqualTo(old.version());
        double moved = after.catalog().categories().get(0).threshold();
        if (flagged) {
            assertThat(moved).isGreaterThan(threshold).isGreaterThan(score - 1e-4);
        } else {
            assertThat(moved).isLessThan(threshold).isCloseTo(score, org.assertj.core.data.Offset.offset(1e-4));
        }
        assertThat(after.catalog().categories().get(0).thresholdChoice().method()).startsWith("reviews:");
        // the other categories had no judged review: their thresholds stay
        for (int c = 1; c < old.catalog().categories().size(); c++) {
            assertThat(after.catalog().categories().get(c).threshold()).isEqualTo(old.catalog().categories().get(c).threshold());
        }
        JsonNode now = JSON.readTree(Run.of("score", "--pack", out.toString(), A).out().lines().findFirst().orElseThrow());
        assertThat(now.path("categories").get(0).path("flagged").asBoolean()).isEqualTo(!flagged);
        JsonNode fig = JSON.readTree(json.toFile()).path("categories").path(name);
        assertThat(fig.path(flagged ? "reviewedFalsePositivesFlaggedAfter" : "reviewedTruePositivesFlaggedAfter").asInt())
                .isEqualTo(flagged ? 0 : 1);
        assertThat(fig.path("devRecallAfter").asDouble()).isEqualTo(flagged ? 0.0 : 1.0);
    }

    @Test
    void badFeedbackIsExit2NamingTheLineAndAnExistingOutIsRefused() throws Exception {
        Path events = tmp.resolve("events-bad.jsonl");
        Files.writeString(events, JSON.createObjectNode().put("id", "ev-a").put("text", A) + "\n");
        Path feedback = tmp.resolve("bad.jsonl");
        Files.write(feedback, List.of(review("ev-a", "deception", "true_positive"), review("ev-a", "deception", "maybe")));
        Run r = Run.of("recalibrate", "--pack", pack.toString(), "--feedback", feedback.toString(), "--texts",
                events.toString(), "-o", tmp.resolve("x").toString(), "--data", events.toString());
        assertThat(r.code()).isEqualTo(MonitorCli.BAD_INPUT);
        assertThat(r.err()).contains("bad.jsonl line 2", "true_positive, false_positive or unsure").doesNotContain(A);
        Files.createDirectories(tmp.resolve("exists"));
        Run exists = Run.of("recalibrate", "--pack", pack.toString(), "--feedback", feedback.toString(), "--texts",
                events.toString(), "-o", tmp.resolve("exists").toString());
        assertThat(exists.code()).isEqualTo(MonitorCli.BAD_INPUT);
        assertThat(exists.err()).contains("exists");
    }

    static String review(String eventId, String category, String label) {
        return JSON.createObjectNode().put("eventId", eventId).put("category", category).put("label", label)
                .put("reviewer", "alice").put("time", "2026-12-02T03:00:00Z").put("packVersion", "0.4.0").toString();
    }
}
