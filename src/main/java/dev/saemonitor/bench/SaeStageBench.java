package dev.saemonitor.bench;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import dev.saemonitor.modelpack.SaeArchitecture;
import dev.saemonitor.modelpack.SaeConfig;
import dev.saemonitor.modelpack.SaeWeights;
import dev.saemonitor.sae.SaeEncoder;
import java.io.PrintWriter;
import java.util.Arrays;
import java.util.Random;

/**
 * {@code bench --sae-stage}: the SAE stage alone, full encoder against the monitored-features slice
 * ({@link SaeEncoder#forFeatures}), on synthetic jumprelu SAEs of the given widths at d_in 384 (the reader's
 * width): median milliseconds per batch of {@code rows} token vectors, over {@code reps} runs after two warm-ups.
 */
public final class SaeStageBench {
    private static final int D_IN = 384;

    private SaeStageBench() {
    }

    public static void run(PrintWriter out, OrtSession.SessionOptions options, int[] widths, int features, int rows,
                           int reps) throws Exception {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        Random r = new Random(1);
        float[] x = new float[rows * D_IN];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) r.nextGaussian();
        }
        out.printf("SAE stage, jumprelu, d_in %d, %d rows per run, %d monitored features, median of %d runs%n",
                D_IN, rows, features, reps);
        for (int width : widths) {
            SaeWeights w = synthetic(width, r);
            int[] ids = r.ints(0, width).distinct().limit(features).sorted().toArray();
            double full, sliced;
            try (SaeEncoder enc = new SaeEncoder(env, options, w)) {
                full = medianMs(enc, x, rows, reps);
            }
            try (SaeEncoder enc = SaeEncoder.forFeatures(env, options, w, ids)) {
                sliced = medianMs(enc, x, rows, reps);
            }
            out.printf("  d_sae %6d: full %8.2f ms (%7.0f tokens/s), monitored only %6.2f ms (%8.0f tokens/s), %.1fx%n",
                    width, full, rows / full * 1000, sliced, rows / sliced * 1000, full / sliced);
            out.flush();
        }
    }

    private static double medianMs(SaeEncoder enc, float[] x, int rows, int reps) throws Exception {
        enc.encode(x, rows);
        enc.encode(x, rows);
        double[] ms = new double[reps];
        for (int i = 0; i < reps; i++) {
            long t0 = System.nanoTime();
            enc.encode(x, rows);
            ms[i] = (System.nanoTime() - t0) / 1e6;
        }
        Arrays.sort(ms);
        return ms[reps / 2];
    }

    /** Random encoder weights with thresholds that let a few percent of latents fire; no decoder (never read). */
    private static SaeWeights synthetic(int dSae, Random r) {
        float[] wEnc = new float[D_IN * dSae];
        float s = (float) (1 / Math.sqrt(D_IN));
        for (int i = 0; i < wEnc.length; i++) {
            wEnc[i] = (float) r.nextGaussian() * s;
        }
        float[] bEnc = new float[dSae], thr = new float[dSae];
        for (int j = 0; j < dSae; j++) {
            bEnc[j] = -0.5f;
            thr[j] = 1.0f;
        }
        SaeConfig cfg = new SaeConfig(SaeArchitecture.JUMPRELU, D_IN, dSae, 0, true, "", "synthetic");
        return new SaeWeights(cfg, wEnc, bEnc, new float[0], new float[D_IN], thr);
    }
}
