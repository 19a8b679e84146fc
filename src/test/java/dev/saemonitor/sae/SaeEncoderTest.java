package dev.saemonitor.sae;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.onnxruntime.OrtEnvironment;
import dev.saemonitor.activations.InferenceSettings;
import dev.saemonitor.modelpack.SaeArchitecture;
import dev.saemonitor.modelpack.SaeWeights;
import dev.saemonitor.testing.TestPacks;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SaeEncoderTest {

    @ParameterizedTest
    @CsvSource({"RELU,true", "RELU,false", "JUMPRELU,true", "JUMPRELU,false", "TOPK,true", "TOPK,false"})
    void onnxGraphMatchesPlainJavaMath(SaeArchitecture arch, boolean applyBDec) throws Exception {
        int dIn = 24, dSae = 96, rows = 40;
        SaeWeights w = TestPacks.randomSae(arch, dIn, dSae, 7, applyBDec, 42);
        float[] x = new float[rows * dIn];
        Random r = new Random(7);
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) r.nextGaussian();
        }
        try (SaeEncoder enc = new SaeEncoder(OrtEnvironment.getEnvironment(),
                InferenceSettings.defaults().sessionOptions().options(), w)) {
            SparseCodes codes = enc.encode(x, rows);
            assertThat(codes.rows()).isEqualTo(rows);
            int active = 0;
            for (int row = 0; row < rows; row++) {
                float[] expected = SaeMath.encode(w, x, row * dIn);
                float[] actual = codes.dense(row, dSae);
                for (int j = 0; j < dSae; j++) {
                    assertThat(actual[j]).as("row %d feature %d", row, j).isCloseTo(expected[j], within(1e-4f));
                    if (expected[j] > 0) {
                        active++;
                    }
                }
                if (arch == SaeArchitecture.TOPK) {
                    assertThat(codes.rowStart()[row + 1] - codes.rowStart()[row]).isLessThanOrEqualTo(7);
                }
            }
            assertThat(active).as("some features fire").isGreaterThan(rows);
            assertThat(codes.nonZeros()).isEqualTo(active);
        }
    }

    @org.junit.jupiter.api.Test
    void zeroRowsGiveEmptyCodes() throws Exception {
        SaeWeights w = TestPacks.randomSae(SaeArchitecture.RELU, 8, 16, 0, true, 1);
        try (SaeEncoder enc = new SaeEncoder(OrtEnvironment.getEnvironment(),
                InferenceSettings.defaults().sessionOptions().options(), w)) {
            assertThat(enc.encode(new float[0], 0).nonZeros()).isZero();
        }
    }

    @org.junit.jupiter.api.Test
    void topKBreaksTiesByLowerIndex() {
        assertThat(SaeMath.topK(new float[] {1, 3, 3, 2, 5}, 3)).containsExactly(4, 1, 2);
        assertThat(SaeMath.topK(new float[] {1}, 3)).containsExactly(0);
    }
}
