package dev.saemonitor.scoring;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import dev.saemonitor.activations.ActivationSource;
import dev.saemonitor.activations.InferenceSettings;
import dev.saemonitor.activations.ReaderModel;
import dev.saemonitor.activations.TextActivations;
import dev.saemonitor.conversation.ConversationScorer;
import dev.saemonitor.conversation.TurnFeatures;
import dev.saemonitor.modelpack.Catalog;
import dev.saemonitor.modelpack.ModelPack;
import dev.saemonitor.modelpack.PackException;
import dev.saemonitor.modelpack.PackLoader;
import dev.saemonitor.modelpack.SaeArchitecture;
import dev.saemonitor.modelpack.SaeColumns;
import dev.saemonitor.modelpack.SaeWeights;
import dev.saemonitor.sae.SaeEncoder;
import dev.saemonitor.sae.SparseCodes;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The inference core over one pack: text → tokens → reader activations at the pack's layer → SAE
 * sparse codes → category scores and evidence. Owns the pack's ONNX sessions; the service and every
 * offline verb go through it, so offline numbers and online behaviour cannot drift apart.
 */
public final class SafetyScorer implements AutoCloseable {
    /** Rows per SAE run: bounds the encoder's pre-activation memory (rows x d_sae floats). */
    static final int SAE_ROWS_PER_RUN = 2048;

    private final ModelPack pack;
    private final ReaderModel reader;
    private final ActivationSource source;
    private final SaeEncoder encoder;
    private final CategoryScorer scorer;
    private final ConversationScorer conversations;
    private final InferenceSettings settings;
    private final String provider;
    private final Verdict.PackRef packRef;

    private SafetyScorer(ModelPack pack, ReaderModel reader, ActivationSource source, SaeEncoder encoder,
                         InferenceSettings settings, String provider) {
        this.pack = pack;
        this.reader = reader;
        this.source = source;
        this.encoder = encoder;
        this.scorer = new CategoryScorer(pack);
        this.conversations = new ConversationScorer(pack.catalog(), pack.sae().config().dSae(), pack::labelOf);
        this.settings = settings;
        this.provider = provider;
        this.packRef = new Verdict.PackRef(pack.name(), pack.version(), pack.sha256());
    }

    /**
     * Opens the pack's sessions with an encoder of every SAE latent (calibration, labelling and eval read them
     * all); refuses a reader whose width differs from the SAE's d_in.
     */
    public static SafetyScorer open(ModelPack pack, InferenceSettings settings) {
        return open(pack, settings, false);
    }

    /**
     * As {@link #open(ModelPack, InferenceSettings)}; with {@code monitoredOnly} (the service and {@code score})
     * a relu or jumprelu SAE computes only the features the catalog reads ({@link #monitoredFeatures}), which
     * leaves verdicts unchanged and keeps their SAE ids ({@link SaeEncoder#forFeatures}).
     */
    public static SafetyScorer open(ModelPack pack, InferenceSettings settings, boolean monitoredOnly) {
        return open(pack, settings, monitoredOnly, null);
    }

    /**
     * As {@link #open(ModelPack, InferenceSettings, boolean)}, with texts' activations from {@code files} (activation
     * files, {@link dev.saemonitor.activations.ActivationFiles}) instead of the pack's reader, which is then not opened.
     * With neither files nor an ONNX reader (an external-reader pack in the service), only requests that carry their
     * activations can be scored.
     */
    public static SafetyScorer open(ModelPack pack, InferenceSettings settings, boolean monitoredOnly,
                                    ActivationSource files) {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        InferenceSettings.Resolved opts = settings.sessionOptions();
        int dIn = pack.sae().config().dIn();
        Path cfg = pack.dir().resolve(pack.manifest().sae().path()).resolve("cfg.json");
        ReaderModel reader = null;
        ActivationSource source = files;
        if (files != null && files.dIn() != dIn) {
            throw PackException.of(cfg, "d_in is " + dIn + ", expected the activation files' width " + files.dIn());
        }
        if (files == null && pack.externalReader()) {
            source = withoutReader(pack, dIn);
        } else if (files == null) {
            reader = ReaderModel.open(env, settings, pack.readerOnnx(), pack.tokenizer(),
                    pack.reader().layer(), pack.reader().maxTokens(), pack.reader().stride(), new ReaderModel.Options(
                            dev.saemonitor.activations.ReaderFamily.parse(pack.reader().family()),
                            pack.reader().residualPattern(), pack.reader().bos()));
            source = ActivationSource.of(reader, settings.maxBatchTokens());
        }
        try {
            if (reader != null && reader.hiddenSize() != dIn) {
                throw PackException.of(cfg, "d_in is " + dIn + ", expected the reader's hidden size " + reader.hiddenSize());
            }
            return new SafetyScorer(pack, reader, source, encoder(env, opts.options(), pack, monitoredOnly), settings,
                    opts.provider());
        } catch (OrtException e) {
            if (reader != null) {
                reader.close();
            }
            throw new PackException("SAE encoder graph refused by ONNX Runtime: " + e.getMessage(), e);
        } catch (RuntimeException e) {
            if (reader != null) {
                reader.close();
            }
            throw e;
        }
    }

    /** An external-reader pack without activation files: texts cannot be read, only carried activations scored. */
    private static ActivationSource withoutReader(ModelPack pack, int dIn) {
        return new ActivationSource() {
            @Override
            public List<TextActivations> read(List<String> texts, Stages stages) {
                if (!texts.isEmpty()) {
                    throw new dev.saemonitor.activations.ActivationFileException("pack " + pack.name()
                            + " has an external reader (" + pack.reader().id() + "): it reads no texts; give the "
                            + "activations (events: an activations block; offline verbs: --activations)");
                }
                return List.of();
            }

            @Override
            public int dIn() {
                return dIn;
            }
        };
    }

    /**
     * The sliced encoder for monitoredOnly relu / jumprelu packs, its columns cut from the loaded weights or, for a
     * pack loaded header-only ({@link PackLoader#loadHeaderOnly}), read from the weights file; otherwise the full
     * encoder (loading the weights if the pack holds none).
     */
    private static SaeEncoder encoder(OrtEnvironment env, ai.onnxruntime.OrtSession.SessionOptions options, ModelPack pack,
                                      boolean monitoredOnly) throws OrtException {
        SaeWeights sae = pack.sae();
        Path dir = pack.dir().resolve(pack.manifest().sae().path());
        if (monitoredOnly && sae.config().architecture() != SaeArchitecture.TOPK) {
            int[] ids = monitoredFeatures(pack.catalog(), sae.config().dSae());
            SaeWeights columns = sae.isLoaded() ? sae.encoderColumns(ids) : SaeColumns.read(dir, sae.config(), ids);
            return SaeEncoder.ofColumns(env, options, columns, ids, sae.config().dSae());
        }
        return new SaeEncoder(env, options, sae.isLoaded() ? sae : SaeWeights.load(dir));
    }

    /**
     * Every feature a verdict reads: the categories' head terms and the conversation heads' features; every latent
     * of the SAE when a category has a readout (its explanation sums over all of them).
     */
    public static int[] monitoredFeatures(Catalog catalog, int dSae) {
        if (catalog.categories().stream().anyMatch(c -> c.readout() != null)) {
            return java.util.stream.IntStream.range(0, dSae).toArray();
        }
        return monitoredFeatures(catalog);
    }

    /** Every feature the categories' sparse head terms and the conversation heads read. */
    public static int[] monitoredFeatures(Catalog catalog) {
        java.util.TreeSet<Integer> ids = new java.util.TreeSet<>();
        catalog.categories().forEach(c -> c.features().forEach(f -> ids.add(f.id())));
        if (catalog.conversation() != null && catalog.conversation().categories() != null) {
            catalog.conversation().categories().forEach(h -> h.features().forEach(f -> ids.add(f.id())));
        }
        return ids.stream().mapToInt(Integer::intValue).toArray();
    }

    public ModelPack pack() {
        return pack;
    }

    public Verdict.PackRef packRef() {
        return packRef;
    }

    /** The execution provider the sessions run on (cpu or cuda). */
    public String provider() {
        return provider;
    }

    /** The pack's ONNX reader; null for an external reader or when activation files replace it. */
    public ReaderModel reader() {
        return reader;
    }

    /** Where texts' activations come from: the reader, or activation files. */
    public ActivationSource source() {
        return source;
    }

    /** The width of the activations the SAE reads. */
    public int dIn() {
        return encoder.dIn();
    }

    public SaeEncoder encoder() {
        return encoder;
    }

    public CategoryScorer categoryScorer() {
        return scorer;
    }

    public ConversationScorer conversationScorer() {
        return conversations;
    }

    /** Reader activations for texts (the {@code extract} verb and calibration). */
    public List<TextActivations> activations(List<String> texts) throws OrtException {
        return source.read(texts, ActivationSource.Stages.NONE);
    }

    /**
     * Texts' activations and their SAE codes, stacked: text {@code i} owns code rows
     * {@code [firstRow[i], firstRow[i + 1])}.
     */
    public record EncodedTexts(List<TextActivations> activations, SparseCodes codes, int[] firstRow) {
        public int totalTokens() {
            return firstRow[firstRow.length - 1];
        }
    }

    /** Reader then SAE over texts (calibration, feature labelling). */
    public EncodedTexts encodeTexts(List<String> texts) throws OrtException {
        List<TextActivations> acts = activations(texts);
        Stacked st = stack(acts.toArray(TextActivations[]::new), encoder.dIn());
        return new EncodedTexts(acts, encode(st.rows(), st.firstRow()[acts.size()]), st.firstRow());
    }

    private record Stacked(float[] rows, int[] firstRow) {
    }

    private static Stacked stack(TextActivations[] acts, int d) {
        int[] firstRow = new int[acts.length + 1];
        for (int i = 0; i < acts.length; i++) {
            firstRow[i + 1] = firstRow[i] + acts[i].tokens();
        }
        float[] rows = new float[firstRow[acts.length] * d];
        for (int i = 0; i < acts.length; i++) {
            System.arraycopy(acts[i].rows(), 0, rows, firstRow[i] * d, acts[i].rows().length);
        }
        return new Stacked(rows, firstRow);
    }

    /** SAE codes for stacked rows, run in chunks of {@link #SAE_ROWS_PER_RUN}. */
    public SparseCodes encode(float[] rows, int count) throws OrtException {
        int d = encoder.dIn();
        if (count <= SAE_ROWS_PER_RUN) {
            return encoder.encode(rows, count);
        }
        List<SparseCodes> parts = new ArrayList<>();
        for (int from = 0; from < count; from += SAE_ROWS_PER_RUN) {
            int n = Math.min(SAE_ROWS_PER_RUN, count - from);
            parts.add(encoder.encode(java.util.Arrays.copyOfRange(rows, from * d, (from + n) * d), n));
        }
        return concat(parts);
    }

    /** Scores a batch. Every request yields one verdict, in order. */
    public List<Verdict> score(List<ScoreRequest> requests, boolean allEvidence, StageListener listener) throws OrtException {
        List<String> texts = new ArrayList<>();
        List<Integer> needReader = new ArrayList<>();
        TextActivations[] acts = new TextActivations[requests.size()];
        boolean[] read = new boolean[requests.size()];
        for (int i = 0; i < requests.size(); i++) {
            ScoreRequest r = requests.get(i);
            if (r.activations() != null) {
                acts[i] = r.activations();
            } else {
                texts.add(r.text() == null ? "" : r.text());
                needReader.add(i);
                read[i] = true;
            }
        }
        List<TextActivations> run = source.read(texts, listener::stage);
        for (int j = 0; j < needReader.size(); j++) {
            acts[needReader.get(j)] = run.get(j);
        }
        long t2 = System.nanoTime();
        Stacked st = stack(acts, encoder.dIn());
        int[] firstRow = st.firstRow();
        int total = firstRow[acts.length];
        SparseCodes codes = encode(st.rows(), total);
        long t3 = System.nanoTime();
        listener.stage("sae", t3 - t2);
        listener.batch(requests.size(), total);
        List<Verdict> out = new ArrayList<>(requests.size());
        for (int i = 0; i < acts.length; i++) {
            ScoreRequest r = requests.get(i);
            // read texts have their tokens' spans; carried activations only when the event gave them
            String text = r.text() == null ? "" : r.text();
            boolean known = read[i] || (r.text() != null && acts[i].hasSpans());
            CategoryScorer.SpanLookup spans = known ? spanLookup(text, acts[i]) : null;
            int[] blocks = known ? Segments.blockStarts(text, acts[i].charStart()) : null;
            Readouts.TextLogits logits = scorer.readouts() == null ? null
                    : scorer.readouts().fromTokens(acts[i].rows(), acts[i].tokens());
            CategoryScorer.Scored s = scorer.score(codes, firstRow[i], firstRow[i + 1], blocks, spans, allEvidence, logits);
            TurnFeatures turn = conversations.turn(r.eventId(), r.role(), System.currentTimeMillis(), codes,
                    firstRow[i], firstRow[i + 1], blocks, s, spans);
            out.add(new Verdict(r.eventId(), r.conversationId(), r.tenant(), r.role(), s.flagged(), s.severity(),
                    s.categories(), s.evidence(), packRef, acts[i].windows(), acts[i].tokens(), 0, s.firedFeatures(), turn));
        }
        listener.stage("scoring", System.nanoTime() - t3);
        return out;
    }

    private static CategoryScorer.SpanLookup spanLookup(String text, TextActivations t) {
        return token -> new Verdict.Span(text.codePointCount(0, t.charStart()[token]),
                text.codePointCount(0, t.charEnd()[token]));
    }

    /** Stacks codes of consecutive row ranges into one. */
    public static SparseCodes concat(List<SparseCodes> parts) {
        int rows = 0, nnz = 0;
        for (SparseCodes p : parts) {
            rows += p.rows();
            nnz += p.nonZeros();
        }
        int[] rowStart = new int[rows + 1];
        int[] feats = new int[nnz];
        float[] vals = new float[nnz];
        int r = 0, n = 0;
        for (SparseCodes p : parts) {
            for (int i = 0; i < p.rows(); i++) {
                rowStart[r + i] = n + p.rowStart()[i];
            }
            System.arraycopy(p.features(), 0, feats, n, p.nonZeros());
            System.arraycopy(p.values(), 0, vals, n, p.nonZeros());
            r += p.rows();
            n += p.nonZeros();
        }
        rowStart[rows] = n;
        return new SparseCodes(rows, rowStart, feats, vals);
    }

    @Override
    public void close() {
        try {
            encoder.close();
        } catch (OrtException e) {
            throw new IllegalStateException("closing SAE session", e);
        } finally {
            if (reader != null) {
                reader.close();
            }
        }
    }
}
