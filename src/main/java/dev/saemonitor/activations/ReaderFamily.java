package dev.saemonitor.activations;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * How a reader graph names the residual stream after block N (0-based; the pack's {@code layer} is N + 1, HF
 * {@code hidden_states[layer]}) and whether its attention is causal. The names are those the usual exporters write
 * (the TorchScript-based {@code torch.onnx.export} and Optimum name nodes by module scope): the block's last
 * residual {@code Add}. A pack may give its own {@code residualPattern} (one capture group: the block index).
 */
public enum ReaderFamily {
    /** BERT-style encoders (MiniLM, BGE, …): the block's output LayerNorm, bidirectional attention. */
    bert("/encoder/layer\\.(\\d+)/output/LayerNorm/Add_1_output_0", false),
    /** Llama, Qwen, Mistral, Gemma, Phi-3 ({@code /model/layers.N/}): second residual add of the block. */
    llama("/model/layers\\.(\\d+)/Add_1_output_0", true),
    /** GPT-2 and GPT-Neo style ({@code /transformer/h.N/}): second residual add of the block. */
    gpt2("/transformer/h\\.(\\d+)/Add_1_output_0", true);

    private final Pattern residual;
    private final boolean causal;

    ReaderFamily(String residual, boolean causal) {
        this.residual = Pattern.compile(residual);
        this.causal = causal;
    }

    public Pattern residual() {
        return residual;
    }

    public boolean causal() {
        return causal;
    }

    /** The family named in pack.yaml, or null for {@code auto} / absent (detected from the graph's node names). */
    public static ReaderFamily parse(String name) {
        if (name == null || name.isBlank() || name.equalsIgnoreCase("auto")) {
            return null;
        }
        for (ReaderFamily f : values()) {
            if (f.name().equals(name.toLowerCase(Locale.ROOT))) {
                return f;
            }
        }
        throw new IllegalArgumentException("reader family '" + name + "', expected auto, bert, llama or gpt2");
    }
}
