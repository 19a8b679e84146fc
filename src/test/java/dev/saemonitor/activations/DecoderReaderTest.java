package dev.saemonitor.activations;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.onnxruntime.OrtEnvironment;
import dev.saemonitor.modelpack.PackException;
import dev.saemonitor.testing.TestPacks;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Decoder-LM readers on a random-weight decoder graph ({@link DecoderGraphs}): the residual stream after block N is
 * found by the family's names, position ids and an empty past are fed, and a text longer than the window is read
 * in causal windows whose first {@code overlap} tokens only give context, each token's row equal to the block run
 * on its own window; spans point into the text.
 */
class DecoderReaderTest {
    static final Path TOKENIZER = TestPacks.readersDir().resolve("all-minilm-l6-v2-q/all-minilm-l6-v2-q-tokenizer.json");
    static final String TEXT = "The quarterly report covers revenue, hiring and the new data centre; it also lists "
            + "the risks we see for next year, from supply chains to interest rates, and what each team plans to do. "
            + "Each section ends with the numbers behind it, so readers can check the sums themselves.";
    @TempDir
    Path tmp;

    @Test
    void llamaNamedDecoderExposesTheBlockAndReadsLongTextsInCausalWindows() throws Exception {
        DecoderGraphs graph = new DecoderGraphs(3, 7);
        Path onnx = graph.write(tmp.resolve("llama.onnx"), "/model/layers.");
        int maxTokens = 16, overlap = 6, layer = 2;
        long bos = 101;
        try (ReaderModel reader = ReaderModel.open(OrtEnvironment.getEnvironment(), InferenceSettings.defaults(), onnx,
                TOKENIZER, layer, maxTokens, overlap, new ReaderModel.Options(null, null, String.valueOf(bos)))) {
            assertThat(reader.causal()).isTrue();
            assertThat(reader.hiddenSize()).isEqualTo(DecoderGraphs.D);
            assertThat(reader.windowSize()).isEqualTo(maxTokens - 1); // BOS, no suffix
            TokenizedText t = reader.tokenize(TEXT);
            assertThat(t.length()).isGreaterThan(3 * reader.windowSize());
            TextActivations a = reader.run(List.of(t), 4096).get(0);
            List<TokenWindows.Window> windows = TokenWindows.planCausal(t.length(), reader.windowSize(), overlap);
            assertThat(a.windows()).isEqualTo(windows.size());
            int covered = 0;
            for (TokenWindows.Window w : windows) {
                long[] ids = new long[w.length() + 1];
                ids[0] = bos;
                System.arraycopy(t.ids(), w.start(), ids, 1, w.length());
                float[][] ref = graph.reference(ids, layer);
                for (int tok = w.ownFrom(); tok < w.ownTo(); tok++, covered++) {
                    // every token after the first window has at least `overlap` tokens of its window before it
                    assertThat(tok - w.start()).isGreaterThanOrEqualTo(w.start() == 0 ? 0 : overlap);
                    for (int d = 0; d < DecoderGraphs.D; d++) {
                        assertThat(a.rows()[tok * DecoderGraphs.D + d]).as("token %d dim %d", tok, d)
                                .isCloseTo(ref[tok - w.start() + 1][d], org.assertj.core.data.Offset.offset(1e-4f));
                    }
                }
            }
            assertThat(covered).isEqualTo(t.length()); // each token once
            // causality: a text's first tokens read the same whatever follows them
            TextActivations head = reader.run(List.of(reader.tokenize(TEXT.substring(0, TEXT.indexOf(" hiring")))), 4096).get(0);
            assertThat(head.tokens()).isGreaterThan(4);
            for (int i = 0; i < head.rows().length; i++) {
                assertThat(head.rows()[i]).isCloseTo(a.rows()[i], org.assertj.core.data.Offset.offset(1e-5f));
            }
            // spans point into the text
            for (int i = 0; i < t.length(); i++) {
                assertThat(TEXT.substring(t.charStart()[i], t.charEnd()[i])).isNotBlank();
            }
        }
    }

    @Test
    void gpt2NamesAreDetectedAndMissingLayersOrAmbiguousPatternsAreRefused() throws Exception {
        DecoderGraphs graph = new DecoderGraphs(2, 11);
        Path onnx = graph.write(tmp.resolve("gpt2.onnx"), "/transformer/h.");
        ReaderGraph.Exposed g = ReaderGraph.expose(onnx, 2);
        assertThat(g.family()).isEqualTo(ReaderFamily.gpt2);
        assertThat(g.layerCount()).isEqualTo(2);
        assertThat(g.hasPositionIds()).isTrue();
        assertThat(g.fixed()).extracting(ReaderGraph.FixedInput::name).containsExactly("past_key_values.0.key", "use_cache_branch");
        assertThatThrownBy(() -> ReaderGraph.expose(onnx, 3)).isInstanceOf(PackException.class)
                .hasMessageContaining("layers [1, 2]").hasMessageContaining("gpt2");
        assertThatThrownBy(() -> ReaderGraph.expose(onnx, 1, null, "/transformer/h\\.(\\d+)/Add_output_0"))
                .hasMessageContaining("reader.family");
        // a custom pattern: the first residual add of each block
        assertThat(ReaderGraph.expose(onnx, 1, ReaderFamily.gpt2, "/transformer/h\\.(\\d+)/Add_output_0").layerCount()).isEqualTo(2);
        // the residual stream after block 1 of an encoder: the family of the bundled reader
        assertThat(ReaderGraph.expose(TestPacks.readersDir().resolve("all-minilm-l6-v2-q/all-minilm-l6-v2-q.onnx"), 3).family())
                .isEqualTo(ReaderFamily.bert);
    }
}
