package dev.saemonitor.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.saemonitor.activations.InferenceSettings;
import dev.saemonitor.modelpack.ModelPack;
import dev.saemonitor.modelpack.PackLoader;
import dev.saemonitor.modelpack.SaeArchitecture;
import dev.saemonitor.scoring.SafetyScorer;
import dev.saemonitor.scoring.ScoreRequest;
import dev.saemonitor.scoring.StageListener;
import dev.saemonitor.scoring.Verdict;
import dev.saemonitor.testing.TestPacks;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Events under a pack whose reader is external: the parser the service builds for the pack ({@link EventParser#forPack})
 * dead-letters an event without activations as {@code activations_required}, and one of another model, layer or width
 * as {@code activations_mismatch}; the scorer (no ONNX reader opened) scores carried activations and refuses texts.
 */
class ExternalReaderEventsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String SECRET = "Tell nobody: the launch code is 0000";

    @TempDir
    static Path tmp;
    static ModelPack pack;
    static EventParser parser;

    @BeforeAll
    static void pack() throws Exception {
        pack = PackLoader.loadHeaderOnly(TestPacks.writeExternal(tmp.resolve("ext"), SaeArchitecture.RELU, 128, 21), tmp);
        parser = EventParser.forPack(pack, 1 << 20);
    }

    static Map<String, Object> block(String reader, int layer, int rows, int cols, boolean f16) {
        Random r = new Random(rows);
        ByteBuffer bb = ByteBuffer.allocate(rows * cols * (f16 ? 2 : 4)).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < rows * cols; i++) {
            float v = (float) r.nextGaussian();
            if (f16) {
                bb.putShort(Float.floatToFloat16(v));
            } else {
                bb.putFloat(v);
            }
        }
        Map<String, Object> b = new LinkedHashMap<>();
        b.put("readerId", reader);
        b.put("layer", layer);
        b.put("dtype", f16 ? "f16" : "f32");
        b.put("shape", List.of(rows, cols));
        b.put("data", Base64.getEncoder().encodeToString(bb.array()));
        return b;
    }

    static ParseResult parse(Map<String, Object> event) throws Exception {
        return parser.parse(JSON.writeValueAsBytes(event), Map.of(), "conv-1", "llm.events-0-7", Instant.EPOCH);
    }

    @Test
    void anEventWithoutActivationsIsDeadLetteredAsActivationsRequired() throws Exception {
        for (Map<String, Object> e : List.of(Map.<String, Object>of("id", "e1", "text", SECRET),
                Map.<String, Object>of("id", "e2", "messages", List.of(Map.of("role", "user", "content", SECRET))),
                Map.<String, Object>of("id", "e3", "text", SECRET, "activations", "null-is-not-a-block"))) {
            ParseResult r = parse(e);
            assertThat(r.valid()).as(e.get("id").toString()).isFalse();
            if (e.containsKey("activations")) {
                assertThat(r.reason()).isEqualTo(DeadLetterReason.ACTIVATIONS_MISMATCH);
                continue;
            }
            assertThat(r.reason()).as(r.detail()).isEqualTo(DeadLetterReason.ACTIVATIONS_REQUIRED);
            assertThat(DeadLetterReason.ACTIVATIONS_REQUIRED.label()).isEqualTo("activations_required");
            assertThat(r.detail()).contains("reader 'test-org/served-lm-8b'").contains("layer 3").contains("[T, 384]")
                    .doesNotContain("launch code");
        }
        // the ONNX-reader default pack still reads text-only events
        EventParser onnx = new EventParser(1 << 20, TestPacks.READER_ID, 3, 384);
        assertThat(onnx.parse(JSON.writeValueAsBytes(Map.of("text", SECRET)), Map.of(), "k", "f", Instant.EPOCH).valid())
                .isTrue();
    }

    @Test
    void activationsOfAnotherModelLayerOrWidthAreAMismatch() throws Exception {
        Map<String, String> expected = Map.of(
                "readerId", "readerId does not match the pack's reader 'test-org/served-lm-8b'",
                "layer", "layer does not match the pack's layer 3",
                "width", "shape must be [T, 384]");
        Map<String, Map<String, Object>> blocks = Map.of(
                "readerId", block(TestPacks.READER_ID, 3, 4, 384, false),
                "layer", block("test-org/served-lm-8b", 12, 4, 384, false),
                "width", block("test-org/served-lm-8b", 3, 4, 4096, true));
        Map<String, Object> badSpans = new LinkedHashMap<>(block("test-org/served-lm-8b", 3, 2, 384, false));
        badSpans.put("spans", List.of(List.of(0, 4)));
        ParseResult spans = parse(Map.of("id", "s", "text", SECRET, "activations", badSpans));
        assertThat(spans.reason()).isEqualTo(DeadLetterReason.ACTIVATIONS_MISMATCH);
        assertThat(spans.detail()).contains("spans must be T pairs");
        badSpans.put("spans", List.of(List.of(0, 4), List.of(5, 400)));
        assertThat(parse(Map.of("id", "s", "text", SECRET, "activations", badSpans)).detail()).contains("within the event's text");
        for (var b : blocks.entrySet()) {
            ParseResult r = parse(Map.of("id", "m", "text", SECRET, "activations", b.getValue()));
            assertThat(r.reason()).as(b.getKey()).isEqualTo(DeadLetterReason.ACTIVATIONS_MISMATCH);
            assertThat(r.detail()).as(b.getKey()).contains(expected.get(b.getKey())).doesNotContain("launch code");
        }
    }

    @Test
    void carriedActivationsAreScoredWithoutAReaderAndTextsAreRefused() throws Exception {
        Map<String, Object> good = new LinkedHashMap<>(block("test-org/served-lm-8b", 3, 7, 384, true));
        // "Tell nobody: the launch code is 0000" in 7 word tokens
        good.put("spans", List.of(List.of(0, 4), List.of(5, 12), List.of(13, 16), List.of(17, 23), List.of(24, 28),
                List.of(29, 31), List.of(32, 36)));
        ParseResult ok = parse(Map.of("id", "good", "text", SECRET, "activations", good));
        assertThat(ok.valid()).as(String.valueOf(ok.detail())).isTrue();
        try (SafetyScorer scorer = SafetyScorer.open(pack, InferenceSettings.defaults(), true)) {
            assertThat(scorer.reader()).isNull();
            LlmEvent e = ok.event();
            Verdict v = scorer.score(List.of(new ScoreRequest(e.id(), e.conversationId(), null, e.role(), e.text(),
                    e.activations())), false, StageListener.NONE).get(0);
            assertThat(v.tokens()).isEqualTo(7);
            assertThat(e.activations().hasSpans()).isTrue();
            v.evidence().forEach(ev -> assertThat(ev.span().end()).isLessThanOrEqualTo(SECRET.length()));
            assertThat(v.categories()).hasSize(TestPacks.CATEGORIES.size());
            assertThatThrownBy(() -> scorer.score(List.of(ScoreRequest.ofText("t", SECRET)), false, StageListener.NONE))
                    .hasMessageContaining("external reader (test-org/served-lm-8b)").hasMessageContaining("activations")
                    .hasMessageNotContaining("launch code");
        }
    }
}
