package dev.saemonitor.activations;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.huggingface.tokenizers.jni.CharSpan;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.saemonitor.modelpack.PackException;
import java.io.IOException;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Tokenizer + reader ONNX session, exposing the residual stream at one layer. Texts longer than the
 * window are cut into overlapping windows ({@link TokenWindows}); windows of many texts are sorted by
 * length and run in padded batches bounded by a token budget, so padding stays small.
 */
public final class ReaderModel implements AutoCloseable {
    private final HuggingFaceTokenizer tokenizer;
    private final OrtSession session;
    private final OrtEnvironment env;
    private final String outputName;
    private final boolean tokenTypeIds;
    private final long[] prefix;
    private final long[] suffix;
    private final int maxTokens;
    private final int overlap;
    private final int hiddenSize;
    private final boolean batchDependent;
    private final boolean causal;
    private final boolean positionIds;
    private final List<ReaderGraph.FixedInput> fixed;
    private final java.util.concurrent.ExecutorService pool;

    private ReaderModel(HuggingFaceTokenizer tokenizer, OrtEnvironment env, OrtSession session, ReaderGraph.Exposed g,
                        long[] prefix, long[] suffix, int maxTokens, int overlap, int parallel) throws OrtException {
        this.tokenizer = tokenizer;
        this.env = env;
        this.session = session;
        this.outputName = g.outputName();
        this.tokenTypeIds = g.hasTokenTypeIds();
        this.prefix = prefix;
        this.suffix = suffix;
        this.maxTokens = maxTokens;
        this.overlap = overlap;
        this.batchDependent = g.batchDependent();
        this.causal = g.causal();
        this.positionIds = g.hasPositionIds();
        this.fixed = g.fixed();
        this.pool = parallel > 1 ? java.util.concurrent.Executors.newFixedThreadPool(parallel,
                r -> Thread.ofPlatform().name("sae-reader").daemon().unstarted(r)) : null;
        this.hiddenSize = probeHiddenSize();
    }

    /**
     * What pack.yaml says of a reader beyond its files: its family (null: detected from the graph), the
     * residual-stream tensor pattern (null: the family's), and the tokens put before each window ({@code bos}:
     * null or {@code "tokenizer"}: the tokenizer's own special tokens, for an encoder [CLS] before and [SEP] after;
     * {@code "none"}; or a token id).
     */
    public record Options(ReaderFamily family, String residualPattern, String bos) {
        public static final Options DEFAULT = new Options(null, null, null);
    }

    /** Opens the reader, checking the graph's names and that the layer output runs. */
    public static ReaderModel open(OrtEnvironment env, InferenceSettings settings, Path onnx, Path tokenizerJson,
                                   int layer, int maxTokens, int overlap) {
        return open(env, settings, onnx, tokenizerJson, layer, maxTokens, overlap, Options.DEFAULT);
    }

    public static ReaderModel open(OrtEnvironment env, InferenceSettings settings, Path onnx, Path tokenizerJson,
                                   int layer, int maxTokens, int overlap, Options reader) {
        ReaderGraph.Exposed g = ReaderGraph.expose(onnx, layer, reader.family(), reader.residualPattern());
        // single-threaded calls side by side beat one call on many threads for these small encoders
        // (all-MiniLM-L6-v2-q layer 3, one window per call, 2 cores: 7.6k tokens/s with 2 intra-op threads,
        // 18.6k with 2 parallel calls); batched fp32 readers are no slower this way (docs/performance.md)
        int parallel = Math.max(1, settings.intraOpThreads());
        OrtSession.SessionOptions options = settings.withThreads(1).sessionOptions().options();
        HuggingFaceTokenizer tok;
        try {
            tok = HuggingFaceTokenizer.newInstance(tokenizerJson, Map.of("addSpecialTokens", "false",
                    "truncation", "false", "padding", "false", "modelMaxLength", "1000000000"));
        } catch (IOException | RuntimeException e) {
            throw PackException.of(tokenizerJson, "not a loadable tokenizer.json (" + e.getMessage() + ")");
        }
        long[][] around = specials(tok, tokenizerJson, g.causal(), reader.bos());
        try {
            OrtSession s = env.createSession(g.model(), options);
            return new ReaderModel(tok, env, s, g, around[0], around[1], maxTokens, overlap, parallel);
        } catch (OrtException e) {
            tok.close();
            throw PackException.of(onnx, "ONNX Runtime refused the reader graph (" + e.getMessage() + ")");
        }
    }

    /**
     * The tokens before and after each window's content. An encoder keeps the tokenizer's [CLS] … [SEP]; a causal
     * reader gets only a prefix (its BOS, if the tokenizer or pack.yaml gives one): nothing after the content can
     * change a causal model's activations of it, so a suffix would only cost compute.
     */
    private static long[][] specials(HuggingFaceTokenizer tok, Path tokenizerJson, boolean causal, String bos) {
        if (bos != null && !bos.equals("tokenizer")) {
            long[] prefix = bos.equals("none") ? new long[0] : new long[] {Long.parseLong(bos)};
            return new long[][] {prefix, new long[0]};
        }
        long[] specials = tok.encode("", true, false).getIds();
        if (causal) {
            return new long[][] {specials, new long[0]};
        }
        if (specials.length < 1) {
            tok.close();
            throw PackException.of(tokenizerJson, "tokenizer adds no special tokens; expected a BERT-style [CLS] ... [SEP]");
        }
        return new long[][] {{specials[0]}, java.util.Arrays.copyOfRange(specials, 1, specials.length)};
    }

    /** True when the reader's attention is causal (a decoder LM): see {@link TokenWindows#planCausal}. */
    public boolean causal() {
        return causal;
    }

    public int hiddenSize() {
        return hiddenSize;
    }

    /** True when the graph's activations depend on batch composition, so windows run one per call. */
    public boolean batchDependent() {
        return batchDependent;
    }

    /** Content tokens per window. */
    public int windowSize() {
        return maxTokens - prefix.length - suffix.length;
    }

    private int probeHiddenSize() throws OrtException {
        // a causal reader without BOS has no token to run on but content: one is enough to read the width
        long[] content = prefix.length + suffix.length == 0 ? new long[] {0} : new long[0];
        try (Batch b = new Batch(1, prefix.length + suffix.length + content.length)) {
            b.put(0, content);
            try (OrtSession.Result r = session.run(b.inputs(), java.util.Set.of(outputName))) {
                long[] shape = ((OnnxTensor) r.get(0)).getInfo().getShape();
                return (int) shape[2];
            }
        }
    }

    /** Tokenizes without special tokens; spans are UTF-16 offsets into {@code text}. */
    public TokenizedText tokenize(String text) {
        if (text.isEmpty()) {
            return TokenizedText.empty();
        }
        Encoding enc = tokenizer.encode(text, false, false);
        long[] ids = enc.getIds();
        long[] special = enc.getSpecialTokenMask();
        CharSpan[] spans = enc.getCharTokenSpans();
        int n = 0;
        for (int i = 0; i < ids.length; i++) {
            if (special[i] == 0) {
                n++;
            }
        }
        long[] outIds = new long[n];
        int[] start = new int[n];
        int[] end = new int[n];
        CharOffsets offsets = CharOffsets.of(text);
        for (int i = 0, j = 0; i < ids.length; i++) {
            if (special[i] != 0) {
                continue;
            }
            outIds[j] = ids[i];
            CharSpan sp = spans[i];
            start[j] = sp == null ? 0 : offsets.toUtf16(sp.getStart());
            end[j] = sp == null ? 0 : offsets.toUtf16(sp.getEnd());
            j++;
        }
        return new TokenizedText(outIds, start, end);
    }

    private record Job(int text, TokenWindows.Window window) {
    }

    /**
     * Runs the reader over every text, batching windows of all texts together.
     *
     * @param maxBatchTokens padded tokens per ONNX run (windows x longest window)
     */
    public List<TextActivations> run(List<TokenizedText> texts, int maxBatchTokens) throws OrtException {
        List<Job> jobs = new ArrayList<>();
        float[][] rows = new float[texts.size()][];
        int[] windowCounts = new int[texts.size()];
        for (int i = 0; i < texts.size(); i++) {
            TokenizedText t = texts.get(i);
            rows[i] = new float[t.length() * hiddenSize];
            for (TokenWindows.Window w : causal ? TokenWindows.planCausal(t.length(), windowSize(), overlap)
                    : TokenWindows.plan(t.length(), windowSize(), overlap)) {
                jobs.add(new Job(i, w));
                windowCounts[i]++;
            }
        }
        jobs.sort(Comparator.comparingInt((Job j) -> j.window().length()).reversed());
        int specials = prefix.length + suffix.length;
        List<java.util.concurrent.Callable<Void>> runs = new ArrayList<>();
        int from = 0;
        while (from < jobs.size()) {
            int len = jobs.get(from).window().length() + specials;
            int count = batchDependent ? 1 : Math.max(1, Math.min(jobs.size() - from, maxBatchTokens / len));
            List<Job> batch = jobs.subList(from, from + count);
            runs.add(() -> {
                runBatch(texts, batch, len, rows);
                return null;
            });
            from += count;
        }
        if (pool == null) {
            for (var r : runs) {
                call(r);
            }
        } else {
            // each run writes only its own windows' rows, so runs share the row arrays safely
            try {
                for (var f : pool.invokeAll(runs)) {
                    f.get();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new OrtException("interrupted while running the reader");
            } catch (java.util.concurrent.ExecutionException e) {
                throw e.getCause() instanceof OrtException oe ? oe : new OrtException(String.valueOf(e.getCause()));
            }
        }
        List<TextActivations> out = new ArrayList<>(texts.size());
        for (int i = 0; i < texts.size(); i++) {
            TokenizedText t = texts.get(i);
            out.add(new TextActivations(t.length(), hiddenSize, rows[i], t.charStart(), t.charEnd(), windowCounts[i]));
        }
        return out;
    }

    private static void call(java.util.concurrent.Callable<Void> c) throws OrtException {
        try {
            c.call();
        } catch (OrtException | RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new OrtException(e.toString());
        }
    }

    private void runBatch(List<TokenizedText> texts, List<Job> jobs, int len, float[][] rows) throws OrtException {
        try (Batch b = new Batch(jobs.size(), len)) {
            for (int k = 0; k < jobs.size(); k++) {
                Job j = jobs.get(k);
                long[] ids = texts.get(j.text()).ids();
                b.put(k, java.util.Arrays.copyOfRange(ids, j.window().start(), j.window().end()));
            }
            try (OrtSession.Result r = session.run(b.inputs(), java.util.Set.of(outputName))) {
                FloatBuffer out = ((OnnxTensor) r.get(0)).getFloatBuffer();
                for (int k = 0; k < jobs.size(); k++) {
                    Job j = jobs.get(k);
                    TokenWindows.Window w = j.window();
                    for (int t = w.ownFrom(); t < w.ownTo(); t++) {
                        int pos = prefix.length + (t - w.start());
                        out.get((k * len + pos) * hiddenSize, rows[j.text()], t * hiddenSize, hiddenSize);
                    }
                }
            }
        }
    }

    /** Padded input tensors for one run. */
    private final class Batch implements AutoCloseable {
        private final int size;
        private final int len;
        private final long[] ids;
        private final long[] mask;
        private final Map<String, OnnxTensor> tensors = new HashMap<>();

        Batch(int size, int len) {
            this.size = size;
            this.len = len;
            this.ids = new long[size * len];
            this.mask = new long[size * len];
        }

        void put(int row, long[] content) {
            int o = row * len;
            int p = 0;
            for (long id : prefix) {
                ids[o + p++] = id;
            }
            for (long id : content) {
                ids[o + p++] = id;
            }
            for (long id : suffix) {
                ids[o + p++] = id;
            }
            java.util.Arrays.fill(mask, o, o + p, 1L);
        }

        Map<String, OnnxTensor> inputs() throws OrtException {
            long[] shape = {size, len};
            tensors.put("input_ids", OnnxTensor.createTensor(env, LongBuffer.wrap(ids), shape));
            tensors.put("attention_mask", OnnxTensor.createTensor(env, LongBuffer.wrap(mask), shape));
            if (tokenTypeIds) {
                tensors.put("token_type_ids", OnnxTensor.createTensor(env, LongBuffer.wrap(new long[size * len]), shape));
            }
            if (positionIds) {
                // right padding: every row counts positions from 0 at its first token
                long[] pos = new long[size * len];
                for (int i = 0; i < pos.length; i++) {
                    pos[i] = i % len;
                }
                tensors.put("position_ids", OnnxTensor.createTensor(env, LongBuffer.wrap(pos), shape));
            }
            for (ReaderGraph.FixedInput f : fixed) {
                tensors.put(f.name(), FixedTensors.of(env, f, size));
            }
            return tensors;
        }

        @Override
        public void close() {
            tensors.values().forEach(OnnxTensor::close);
        }
    }

    @Override
    public void close() {
        if (pool != null) {
            pool.shutdownNow();
        }
        try {
            session.close();
        } catch (OrtException e) {
            throw new IllegalStateException("closing reader session", e);
        } finally {
            tokenizer.close();
        }
    }
}
