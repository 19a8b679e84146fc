package dev.saemonitor.sae;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.saemonitor.modelpack.SaeArchitecture;
import dev.saemonitor.modelpack.SaeWeights;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.util.Map;

/**
 * Runs the SAE encoder graph ({@link SaeGraph}) in ONNX Runtime and returns sparse codes. An encoder made by
 * {@link #forFeatures} computes only the given latents and still reports them under their SAE ids.
 */
public final class SaeEncoder implements AutoCloseable {
    private final OrtEnvironment env;
    private final OrtSession session;
    private final SaeArchitecture arch;
    private final int dIn;
    private final int dSae;
    private final int k;
    /** SAE id of each computed latent; null when every latent is computed. */
    private final int[] featureOf;

    public SaeEncoder(OrtEnvironment env, OrtSession.SessionOptions options, SaeWeights weights) throws OrtException {
        this(env, options, weights, weights.config().dSae(), null);
    }

    private SaeEncoder(OrtEnvironment env, OrtSession.SessionOptions options, SaeWeights graph, int dSae, int[] featureOf)
            throws OrtException {
        this.env = env;
        this.session = env.createSession(SaeGraph.build(graph), options);
        this.arch = graph.config().architecture();
        this.dIn = graph.config().dIn();
        this.dSae = dSae;
        this.k = graph.config().k();
        this.featureOf = featureOf;
    }

    /**
     * An encoder that computes only latents {@code ids} (the catalog's features): the graph holds
     * {@code W_enc[:, ids]}, {@code b_enc[ids]}, {@code threshold[ids]}. Exact for relu and jumprelu, whose latents
     * are each thresholded on their own. A topk SAE keeps its full encoder: which latents survive the top-k
     * depends on every latent's pre-activation, so a monitored feature's code cannot be known from its column alone.
     */
    public static SaeEncoder forFeatures(OrtEnvironment env, OrtSession.SessionOptions options, SaeWeights weights,
                                         int[] ids) throws OrtException {
        if (weights.config().architecture() == SaeArchitecture.TOPK) {
            return new SaeEncoder(env, options, weights);
        }
        int[] sorted = java.util.Arrays.stream(ids).distinct().sorted().toArray();
        return ofColumns(env, options, weights.encoderColumns(sorted), sorted, weights.config().dSae());
    }

    /**
     * An encoder over columns already cut out ({@link SaeWeights#encoderColumns}, or read from the file by
     * {@code modelpack.SaeColumns}): column {@code j} is SAE latent {@code ids[j]} (ascending) of {@code dSae}.
     */
    public static SaeEncoder ofColumns(OrtEnvironment env, OrtSession.SessionOptions options, SaeWeights columns, int[] ids,
                                       int dSae) throws OrtException {
        if (columns.config().dSae() != ids.length) {
            throw new IllegalArgumentException(columns.config().dSae() + " columns for " + ids.length + " ids");
        }
        for (int j = 0; j < ids.length; j++) {
            if (ids[j] < 0 || ids[j] >= dSae || j > 0 && ids[j] <= ids[j - 1]) {
                throw new IllegalArgumentException("ids must ascend within [0, " + dSae + "), got " + ids[j] + " at " + j);
            }
        }
        return new SaeEncoder(env, options, columns, dSae, ids.clone());
    }

    /** Latents the graph computes: d_sae, or the number of monitored features of a sliced encoder. */
    public int width() {
        return featureOf == null ? dSae : featureOf.length;
    }

    public int dIn() {
        return dIn;
    }

    public int dSae() {
        return dSae;
    }

    /** Encodes {@code rows} row-major vectors of width {@code d_in}. */
    public SparseCodes encode(float[] x, int rows) throws OrtException {
        if ((long) rows * dIn != x.length) {
            throw new IllegalArgumentException("expected " + rows + " x " + dIn + " = " + (long) rows * dIn
                    + " values, got " + x.length);
        }
        if (rows == 0) {
            return new SparseCodes(0, new int[1], new int[0], new float[0]);
        }
        try (OnnxTensor in = OnnxTensor.createTensor(env, FloatBuffer.wrap(x), new long[] {rows, dIn});
             OrtSession.Result r = session.run(Map.of(SaeGraph.INPUT, in))) {
            if (arch == SaeArchitecture.TOPK) {
                FloatBuffer vals = ((OnnxTensor) r.get(SaeGraph.VALUES).orElseThrow()).getFloatBuffer();
                LongBuffer idx = ((OnnxTensor) r.get(SaeGraph.INDICES).orElseThrow()).getLongBuffer();
                return fromTopK(rows, vals, idx);
            }
            LongBuffer coords = ((OnnxTensor) r.get(SaeGraph.COORDS).orElseThrow()).getLongBuffer();
            FloatBuffer vals = ((OnnxTensor) r.get(SaeGraph.VALUES).orElseThrow()).getFloatBuffer();
            return fromCoords(rows, coords, vals);
        }
    }

    private SparseCodes fromTopK(int rows, FloatBuffer vals, LongBuffer idx) {
        int[] rowStart = new int[rows + 1];
        int[] feats = new int[rows * k];
        float[] out = new float[rows * k];
        int n = 0;
        for (int r = 0; r < rows; r++) {
            rowStart[r] = n;
            for (int j = 0; j < k; j++) {
                float v = vals.get(r * k + j);
                if (v > 0) {
                    feats[n] = (int) idx.get(r * k + j);
                    out[n++] = v;
                }
            }
        }
        rowStart[rows] = n;
        return new SparseCodes(rows, rowStart, java.util.Arrays.copyOf(feats, n), java.util.Arrays.copyOf(out, n));
    }

    /**
     * NonZero yields coordinates in row-major order, so rows arrive grouped and ascending; a sliced encoder's
     * columns map back to SAE ids in ascending order, so features stay ascending within a row.
     */
    private SparseCodes fromCoords(int rows, LongBuffer coords, FloatBuffer vals) {
        int nnz = vals.remaining();
        int[] rowStart = new int[rows + 1];
        int[] feats = new int[nnz];
        float[] out = new float[nnz];
        for (int i = 0; i < nnz; i++) {
            int row = (int) coords.get(2 * i);
            rowStart[row + 1]++;
            int col = (int) coords.get(2 * i + 1);
            feats[i] = featureOf == null ? col : featureOf[col];
            out[i] = vals.get(i);
        }
        for (int r = 0; r < rows; r++) {
            rowStart[r + 1] += rowStart[r];
        }
        return new SparseCodes(rows, rowStart, feats, out);
    }

    @Override
    public void close() throws OrtException {
        session.close();
    }
}
