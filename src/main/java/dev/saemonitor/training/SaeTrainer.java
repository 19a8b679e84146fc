package dev.saemonitor.training;

import dev.saemonitor.activations.Npy;
import dev.saemonitor.modelpack.SaeConfig;
import dev.saemonitor.modelpack.SaeWeights;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.ForkJoinPool;
import java.util.stream.IntStream;

/**
 * Dictionary learning for a sparse autoencoder, written by hand: no JVM library trains SAEs (DJL,
 * Tribuo, Smile and DL4J have no TopK autoencoder with unit-norm decoder and AuxK), and the model is
 * small enough that plain Java with vectorisable loops is fast on CPU.
 *
 * <p>Recipe (Bricken et al. 2023; Gao et al. 2024): b_dec starts at the data mean; decoder rows stay
 * unit-norm (the gradient's component along each row is removed before the Adam step and rows are
 * renormalised after it); TopK or ReLU+L1 sparsity; latents that have not fired for
 * {@code deadTokens} tokens are "dead" and trained through the AuxK loss; the learning rate decays
 * linearly to zero over the last 20% of steps. The last {@code heldOut} fraction of rows is never
 * trained on and gives the reported FVE and L0.
 */
public final class SaeTrainer {
    /** Receives progress once per step. */
    public interface Listener {
        void step(long step, long steps, long tokens, double mse, double fveEstimate, double l0, double deadFraction);
    }

    private final TrainingOptions o;
    private final boolean ortMatmul;

    /** A trainer whose encoder matmul runs in ONNX Runtime ({@link OrtMatmul}). */
    public SaeTrainer(TrainingOptions options) {
        this(options, true);
    }

    /** {@code ortMatmul = false}: the encoder matmul runs in the workers' plain Java tiled loop. */
    public SaeTrainer(TrainingOptions options, boolean ortMatmul) {
        this.o = options;
        this.ortMatmul = ortMatmul;
    }

    /** The trained SAE and its report. */
    public record Result(SaeWeights weights, TrainingReport report) {
    }

    public Result train(Npy.Matrix data, String hookName, String modelName, Listener listener) {
        int dIn = data.cols();
        int heldOut = Math.max(1, (int) Math.round(data.rows() * o.heldOut()));
        int trainRows = data.rows() - heldOut;
        if (trainRows < o.batch()) {
            throw new IllegalArgumentException("activations hold " + data.rows() + " rows; need more than batch "
                    + o.batch() + " plus the held-out " + heldOut);
        }
        float[] mean = mean(data.data(), dIn, 0, trainRows);
        double variance = variance(data.data(), dIn, 0, trainRows, mean);
        SaeParameters p = SaeParameters.init(dIn, o.dSae(), mean, o.seed());
        SaeWorker[] workers = new SaeWorker[o.threads()];
        for (int w = 0; w < workers.length; w++) {
            workers[w] = new SaeWorker(p, o);
        }
        Adam adEncT = Adam.standard(p.wEncT.length), adBEnc = Adam.standard(p.bEnc.length);
        Adam adDec = Adam.standard(p.wDec.length), adBDec = Adam.standard(p.bDec.length);
        long[] lastFired = new long[o.dSae()];
        boolean[] dead = new boolean[o.dSae()];
        long steps = Math.max(1, o.tokens() / o.batch());
        Random rnd = new Random(o.seed() + 1);
        int[] perm = IntStream.range(0, trainRows).toArray();
        int cursor = trainRows;
        int[] batch = new int[o.batch()];
        long t0 = System.nanoTime();
        double lastMse = 0;
        ForkJoinPool pool = new ForkJoinPool(o.threads());
        float[] xcBuf = ortMatmul ? new float[o.batch() * dIn] : null;
        float[] preBuf = ortMatmul ? new float[o.batch() * o.dSae()] : null;
        try (OrtMatmul mm = ortMatmul ? new OrtMatmul(dIn, o.dSae(), o.threads()) : null) {
            for (long step = 1; step <= steps; step++) {
                for (int b = 0; b < batch.length; b++) {
                    if (cursor == trainRows) {
                        shuffle(perm, rnd);
                        cursor = 0;
                    }
                    batch[b] = perm[cursor++];
                }
                int deadCount = 0;
                for (int j = 0; j < dead.length; j++) {
                    dead[j] = (step - 1) * o.batch() - lastFired[j] > o.deadTokens();
                    deadCount += dead[j] ? 1 : 0;
                }
                int dc = deadCount;
                if (mm != null) {
                    pool.submit(() -> IntStream.range(0, workers.length).parallel().forEach(w -> SaeWorker.centre(
                            data.data(), batch, batch.length * w / workers.length, batch.length * (w + 1) / workers.length,
                            p.bDec, xcBuf))).join();
                    mm.run(xcBuf, batch.length, p.wEnc, p.bEnc, preBuf);
                }
                pool.submit(() -> IntStream.range(0, workers.length).parallel().forEach(w -> {
                    SaeWorker wk = workers[w];
                    wk.resetStats();
                    wk.grad.clear();
                    int from = (int) ((long) batch.length * w / workers.length);
                    int to = (int) ((long) batch.length * (w + 1) / workers.length);
                    wk.run(data.data(), batch, from, to, true, batch.length, dead, dc, xcBuf, preBuf);
                })).join();
                float lr = o.lr() * (float) Math.min(1.0, (steps - step + 1) / (0.2 * steps));
                long tt = step;
                pool.submit(() -> slices(o.dSae(), workers.length * 8).parallel().forEach(s -> {
                    int from = s[0], to = s[1];
                    Gradients g = workers[0].grad;
                    for (int w = 1; w < workers.length; w++) {
                        g.add(workers[w].grad, from, to, dIn);
                    }
                    p.projectDecoderGradient(g.wDec, from, to);
                    adEncT.step(p.wEncT, g.wEncT, from * dIn, to * dIn, tt, lr);
                    adDec.step(p.wDec, g.wDec, from * dIn, to * dIn, tt, lr);
                    adBEnc.step(p.bEnc, g.bEnc, from, to, tt, lr);
                    if (from == 0) {
                        adBDec.step(p.bDec, g.bDec, 0, dIn, tt, lr);
                    }
                    p.normaliseDecoder(from, to);
                    p.refreshEncoder(from, to);
                })).join();
                double se = 0, act = 0;
                for (SaeWorker wk : workers) {
                    se += wk.sqErr;
                    act += wk.active;
                    for (int j = 0; j < lastFired.length; j++) {
                        if (wk.fired[j] > 0) {
                            lastFired[j] = step * o.batch();
                        }
                    }
                }
                lastMse = se / batch.length;
                listener.step(step, steps, step * o.batch(), lastMse, 1 - lastMse / variance, act / batch.length,
                        (double) deadCount / o.dSae());
            }
            double seconds = (System.nanoTime() - t0) / 1e9;
            long done = steps * o.batch();
            int deadEnd = 0;
            for (long lf : lastFired) {
                deadEnd += done - lf > o.deadTokens() ? 1 : 0;
            }
            Eval ev = evaluate(pool, workers, data, trainRows, heldOut, mm, xcBuf, preBuf);
            SaeConfig cfg = new SaeConfig(o.architecture(), dIn, o.dSae(), o.topK() ? o.k() : 0, true, hookName, modelName);
            TrainingReport report = new TrainingReport(o.architecture().saeLensName(), dIn, o.dSae(), o.topK() ? o.k() : 0,
                    o.topK() ? 0f : o.l1(), o.lr(), o.batch(), done, heldOut, steps, ev.fve, ev.l0,
                    (double) deadEnd / o.dSae(), ev.silent, lastMse, done / seconds, seconds, o.threads(), o.seed());
            return new Result(p.toWeights(cfg), report);
        } catch (ai.onnxruntime.OrtException e) {
            throw new IllegalStateException("ONNX Runtime matmul failed: " + e.getMessage(), e);
        } finally {
            pool.shutdown();
        }
    }

    private record Eval(double fve, double l0, double silent) {
    }

    private Eval evaluate(ForkJoinPool pool, SaeWorker[] workers, Npy.Matrix data, int first, int count, OrtMatmul mm,
                          float[] xcBuf, float[] preBuf) throws ai.onnxruntime.OrtException {
        int dIn = data.cols();
        for (SaeWorker w : workers) {
            w.resetStats();
        }
        int chunk = o.batch();
        for (int c0 = 0; c0 < count; c0 += chunk) {
            int n = Math.min(chunk, count - c0);
            int[] rows = IntStream.range(first + c0, first + c0 + n).toArray();
            if (mm != null) {
                SaeWorker.centre(data.data(), rows, 0, n, workers[0].bDec(), xcBuf);
                mm.run(xcBuf, n, workers[0].wEnc(), workers[0].bEnc(), preBuf);
            }
            pool.submit(() -> IntStream.range(0, workers.length).parallel().forEach(w -> {
                int from = n * w / workers.length, to = n * (w + 1) / workers.length;
                workers[w].run(data.data(), rows, from, to, false, n, null, 0, xcBuf, mm == null ? null : preBuf);
            })).join();
        }
        float[] mean = mean(data.data(), dIn, first, data.rows());
        double var = variance(data.data(), dIn, first, data.rows(), mean) * count;
        double se = 0, act = 0;
        int[] fired = new int[o.dSae()];
        for (SaeWorker w : workers) {
            se += w.sqErr;
            act += w.active;
            for (int j = 0; j < fired.length; j++) {
                fired[j] += w.fired[j];
            }
        }
        long silent = Arrays.stream(fired).filter(f -> f == 0).count();
        return new Eval(1 - se / var, act / count, (double) silent / o.dSae());
    }

    static float[] mean(float[] x, int d, int fromRow, int toRow) {
        double[] s = new double[d];
        for (int r = fromRow; r < toRow; r++) {
            for (int i = 0; i < d; i++) {
                s[i] += x[r * d + i];
            }
        }
        float[] m = new float[d];
        for (int i = 0; i < d; i++) {
            m[i] = (float) (s[i] / Math.max(1, toRow - fromRow));
        }
        return m;
    }

    /** Mean squared distance of rows from {@code mean} (sum over dimensions, mean over rows). */
    static double variance(float[] x, int d, int fromRow, int toRow, float[] mean) {
        double s = 0;
        for (int r = fromRow; r < toRow; r++) {
            for (int i = 0; i < d; i++) {
                double v = x[r * d + i] - mean[i];
                s += v * v;
            }
        }
        return s / Math.max(1, toRow - fromRow);
    }

    private static java.util.stream.Stream<int[]> slices(int n, int parts) {
        int p = Math.min(n, parts);
        return IntStream.range(0, p).mapToObj(i -> new int[] {(int) ((long) n * i / p), (int) ((long) n * (i + 1) / p)});
    }

    private static void shuffle(int[] a, Random r) {
        for (int i = a.length - 1; i > 0; i--) {
            int j = r.nextInt(i + 1);
            int t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
    }
}
