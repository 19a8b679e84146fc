package dev.saemonitor.activations;

import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.util.Locale;

/**
 * How ONNX Runtime sessions run: threads, execution provider (cpu or cuda) and what to do when CUDA
 * is asked for but unavailable, the padded-token budget of one reader run, and whether ONNX Runtime's
 * worker threads spin between runs (fastest alone, wasteful beside other busy threads).
 */
public record InferenceSettings(int intraOpThreads, String provider, boolean cudaFallbackToCpu, int maxBatchTokens,
                                boolean spinWait) {

    public InferenceSettings(int intraOpThreads, String provider, boolean cudaFallbackToCpu, int maxBatchTokens) {
        this(intraOpThreads, provider, cudaFallbackToCpu, maxBatchTokens, true);
    }

    public static InferenceSettings defaults() {
        return new InferenceSettings(Runtime.getRuntime().availableProcessors(), "cpu", true, 512);
    }

    /** The same settings with another intra-op thread count. */
    public InferenceSettings withThreads(int threads) {
        return new InferenceSettings(threads, provider, cudaFallbackToCpu, maxBatchTokens, spinWait);
    }

    /** Session options and the provider they actually selected. */
    public record Resolved(OrtSession.SessionOptions options, String provider) {
    }

    public Resolved sessionOptions() {
        try {
            OrtSession.SessionOptions o = new OrtSession.SessionOptions();
            o.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            o.setIntraOpNumThreads(Math.max(1, intraOpThreads));
            o.setInterOpNumThreads(1);
            // spinning intra-op threads burn the cores that Kafka and HTTP threads need in the service
            o.addConfigEntry("session.intra_op.allow_spinning", spinWait ? "1" : "0");
            if ("cuda".equals(provider.toLowerCase(Locale.ROOT))) {
                try {
                    o.addCUDA(0);
                    return new Resolved(o, "cuda");
                } catch (OrtException | RuntimeException | UnsatisfiedLinkError e) {
                    if (!cudaFallbackToCpu) {
                        o.close();
                        throw new IllegalStateException("CUDA execution provider requested but unavailable ("
                                + e.getMessage() + "); set monitor.onnx.cuda-fallback=cpu to run on CPU", e);
                    }
                }
            }
            return new Resolved(o, "cpu");
        } catch (OrtException e) {
            throw new IllegalStateException("ONNX Runtime session options: " + e.getMessage(), e);
        }
    }
}
