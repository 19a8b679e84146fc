package dev.saemonitor.modelpack;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.Map;

/** {@code pack.yaml}: names the pack, its reader and layer, and the sha256 of every file it holds. */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record PackManifest(String name, String version, Reader reader, Sae sae, String catalog, String features,
                           String eval, Map<String, String> files) {
    public static final String FILE = "pack.yaml";

    /**
     * The reader: ONNX and tokenizer paths are relative to the readers directory (or absolute);
     * {@code layer} counts transformer blocks applied (HF {@code hidden_states[layer]});
     * {@code maxTokens} is the window including special tokens; {@code stride} the overlap between windows.
     * Optional, for decoder LMs and unusual exports (docs/byo-model.md): {@code family} ({@code auto} (default),
     * {@code bert}, {@code llama}, {@code gpt2}: how the residual stream is named and whether attention is causal),
     * {@code residualPattern} (a regex over tensor names, one group for the 0-based block), {@code bos}
     * ({@code tokenizer} (default): the tokenizer's own special tokens; {@code none}; or a token id) and
     * {@code template} ({@code plain}, the only one: chat messages joined by newlines, no role markers or chat
     * template, exactly the text the monitor scores).
     * Or {@code external} alone (no ONNX, no tokenizer): the served LLM is the reader, its activations arrive in the
     * events and, for the offline verbs, in activation files; the loader fills {@code id} and {@code layer} from it.
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Reader(String id, String onnx, String onnxSha256, String tokenizer, String tokenizerSha256,
                         @JsonInclude(JsonInclude.Include.NON_DEFAULT) int layer,
                         @JsonInclude(JsonInclude.Include.NON_DEFAULT) int maxTokens,
                         @JsonInclude(JsonInclude.Include.NON_DEFAULT) int stride, String family, String residualPattern,
                         String bos, String template, External external) {
        public Reader(String id, String onnx, String onnxSha256, String tokenizer, String tokenizerSha256, int layer,
                      int maxTokens, int stride) {
            this(id, onnx, onnxSha256, tokenizer, tokenizerSha256, layer, maxTokens, stride, null, null, null, null, null);
        }

        public Reader(String id, String onnx, String onnxSha256, String tokenizer, String tokenizerSha256, int layer,
                      int maxTokens, int stride, String family, String residualPattern, String bos, String template) {
            this(id, onnx, onnxSha256, tokenizer, tokenizerSha256, layer, maxTokens, stride, family, residualPattern, bos,
                    template, null);
        }

        /** An external reader: only {@code external} set (the loader fills id and layer from it). */
        public static Reader external(External e) {
            return new Reader(null, null, null, null, null, 0, 0, 0, null, null, null, null, e);
        }

        /** True when the served LLM is the reader (no ONNX): activations come with events and in activation files. */
        public boolean hasExternal() {
            return external != null;
        }

        /** The same reader with its files' checksums. */
        public Reader withChecksums(String onnxSha, String tokenizerSha) {
            return new Reader(id, onnx, onnxSha, tokenizer, tokenizerSha, layer, maxTokens, stride, family,
                    residualPattern, bos, template, external);
        }

        /** The same reader with {@code id} and {@code layer} (as the loader fills them for an external reader). */
        public Reader withIdAndLayer(String newId, int newLayer) {
            return new Reader(newId, onnx, onnxSha256, tokenizer, tokenizerSha256, newLayer, maxTokens, stride, family,
                    residualPattern, bos, template, external);
        }
    }

    /**
     * The served LLM as the reader: {@code modelId} is what events name as their activations' {@code readerId};
     * {@code layer} counts blocks applied (HF {@code hidden_states[layer]}, the events' {@code layer});
     * {@code hook} the same place by its TransformerLens / SAELens name ({@code blocks.<layer-1>.hook_resid_post});
     * {@code dIn} the residual width, which must equal the SAE's {@code d_in}.
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record External(String modelId, int layer, String hook, int dIn) {
    }

    /** Where the SAE lives inside the pack and in which layout. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Sae(String format, String path) {
    }
}
