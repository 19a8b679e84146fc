package dev.saemonitor.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.saemonitor.activations.Npy;
import dev.saemonitor.modelpack.SaeArchitecture;
import dev.saemonitor.modelpack.SaeWeights;
import dev.saemonitor.sae.SaeMath;
import java.util.Random;
import org.junit.jupiter.api.Test;

class SaeTrainerTest {
    /** Rows that are sparse sums (3 of 24 atoms) of a random dictionary plus an offset: a TopK SAE should recover them. */
    static Npy.Matrix sparseData(int rows, int dIn, int atoms, long seed) {
        Random r = new Random(seed);
        float[][] dict = new float[atoms][dIn];
        for (float[] a : dict) {
            for (int i = 0; i < dIn; i++) {
                a[i] = (float) r.nextGaussian();
            }
        }
        float[] x = new float[rows * dIn];
        for (int n = 0; n < rows; n++) {
            for (int s = 0; s < 3; s++) {
                float[] a = dict[r.nextInt(atoms)];
                float c = 1 + r.nextFloat() * 2;
                for (int i = 0; i < dIn; i++) {
                    x[n * dIn + i] += c * a[i];
                }
            }
            for (int i = 0; i < dIn; i++) {
                x[n * dIn + i] += 0.5f;
            }
        }
        return new Npy.Matrix(rows, dIn, x);
    }

    @Test
    void topKLearnsASparseDictionaryWithUnitNormDecoder() {
        Npy.Matrix data = sparseData(6000, 16, 24, 3);
        TrainingOptions o = new TrainingOptions(SaeArchitecture.TOPK, 48, 4, 0f, 0.01f, 256, 60_000, 0.05, 5_000,
                1f / 32, 8, 2, 7);
        SaeTrainer.Result res = new SaeTrainer(o).train(data, "h", "m", (s, n, t, mse, fve, l0, dead) -> { });
        assertThat(res.report().fve()).isGreaterThan(0.8);
        assertThat(res.report().l0()).isLessThanOrEqualTo(4.0);
        SaeWeights w = res.weights();
        for (int j = 0; j < 48; j++) {
            double s = 0;
            for (int i = 0; i < 16; i++) {
                s += w.wDec()[j * 16 + i] * w.wDec()[j * 16 + i];
            }
            assertThat(Math.sqrt(s)).isCloseTo(1.0, within(1e-4));
        }
        // the trained weights encode the same way through the inference code
        float[] codes = SaeMath.encode(w, data.data(), 0);
        long active = 0;
        for (float c : codes) {
            active += c > 0 ? 1 : 0;
        }
        assertThat(active).isBetween(1L, 4L);
    }

    @Test
    void reluWithL1TrainsAndIsSparse() {
        Npy.Matrix data = sparseData(4000, 16, 24, 5);
        TrainingOptions o = new TrainingOptions(SaeArchitecture.RELU, 48, 0, 0.01f, 0.01f, 256, 40_000, 0.05, 5_000,
                1f / 32, 0, 1, 7);
        TrainingReport r = new SaeTrainer(o).train(data, "h", "m", (s, n, t, mse, fve, l0, dead) -> { }).report();
        assertThat(r.fve()).isGreaterThan(0.6);
        assertThat(r.l0()).isLessThan(24);
    }

    @Test
    void onnxRuntimeAndJavaMatmulsTrainTheSameSae() {
        Npy.Matrix data = sparseData(3000, 16, 24, 9);
        TrainingOptions o = new TrainingOptions(SaeArchitecture.TOPK, 32, 4, 0f, 0.01f, 128, 5_000, 0.05, 1_000,
                1f / 32, 8, 2, 7);
        SaeTrainer.Listener quiet = (s, n, t, mse, fve, l0, dead) -> { };
        TrainingReport ort = new SaeTrainer(o, true).train(data, "h", "m", quiet).report();
        TrainingReport java = new SaeTrainer(o, false).train(data, "h", "m", quiet).report();
        assertThat(ort.fve()).isCloseTo(java.fve(), within(1e-3));
    }

    @Test
    void bDecStartsAtTheDataMean() {
        float[] mean = SaeTrainer.mean(new float[] {1, 2, 3, 6}, 2, 0, 2);
        assertThat(mean).containsExactly(2f, 4f);
        SaeParameters p = SaeParameters.init(2, 3, mean, 1);
        assertThat(p.bDec).containsExactly(2f, 4f);
    }

    @Test
    void decoderGradientLosesItsComponentAlongTheRow() {
        SaeParameters p = new SaeParameters(2, 1);
        p.wDec[0] = 1;
        p.wDec[1] = 0;
        float[] g = {3, 4};
        p.projectDecoderGradient(g, 0, 1);
        assertThat(g).containsExactly(0f, 4f);
    }
}
