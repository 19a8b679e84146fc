package dev.saemonitor.activations;

import ai.onnxruntime.OrtException;
import java.util.ArrayList;
import java.util.List;

/**
 * Where a text's residual stream comes from: the pack's ONNX reader ({@link #of(ReaderModel, int)}), or activation
 * files the served model wrote ({@link ActivationFiles}). The one seam between texts and the SAE: everything after it
 * (SAE, segments, heads, spans) is the same code whichever source is used.
 */
public interface ActivationSource {
    /** Receives how long a step took ({@code tokenize}, {@code reader}), for the per-stage metrics. */
    @FunctionalInterface
    interface Stages {
        Stages NONE = (name, nanos) -> { };

        void stage(String name, long nanos);
    }

    /** Each text's activations at the pack's layer, in order, with its tokens' UTF-16 spans into the text. */
    List<TextActivations> read(List<String> texts, Stages stages) throws OrtException;

    /** The width of every row. */
    int dIn();

    /** The pack's reader: tokenize, then run the windows of all texts in batches of {@code maxBatchTokens}. */
    static ActivationSource of(ReaderModel reader, int maxBatchTokens) {
        return new ActivationSource() {
            @Override
            public List<TextActivations> read(List<String> texts, Stages stages) throws OrtException {
                long t0 = System.nanoTime();
                List<TokenizedText> toks = new ArrayList<>(texts.size());
                for (String t : texts) {
                    toks.add(reader.tokenize(t == null ? "" : t));
                }
                long t1 = System.nanoTime();
                stages.stage("tokenize", t1 - t0);
                List<TextActivations> out = reader.run(toks, maxBatchTokens);
                if (!toks.isEmpty()) {
                    stages.stage("reader", System.nanoTime() - t1);
                }
                return out;
            }

            @Override
            public int dIn() {
                return reader.hiddenSize();
            }
        };
    }
}
