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
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Reader(String id, String onnx, String onnxSha256, String tokenizer, String tokenizerSha256, int layer,
                         int maxTokens, int stride) {
    }

    /** Where the SAE lives inside the pack and in which layout. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Sae(String format, String path) {
    }
}
