package dev.saemonitor.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class AdamTest {
    @Test
    void firstStepMovesEachParameterByLrAgainstTheGradientSign() {
        // t=1: m = 0.1 g, v = 0.001 g^2; corrected m/(1-0.9) = g, v/(1-0.999) = g^2 -> step = lr * g/(|g| + eps)
        Adam adam = Adam.standard(3);
        float[] p = {1f, -2f, 0.5f};
        adam.step(p, new float[] {4f, -0.25f, 0f}, 0, 3, 1, 0.1f);
        assertThat(p[0]).isCloseTo(0.9f, within(1e-6f));
        assertThat(p[1]).isCloseTo(-1.9f, within(1e-6f));
        assertThat(p[2]).isEqualTo(0.5f);
    }

    @Test
    void secondStepUsesBiasCorrectedMoments() {
        // g1 = 1, g2 = 3: m2 = 0.9*0.1 + 0.1*3 = 0.39, v2 = 0.999*0.001 + 0.001*9 = 0.009999
        // m^ = 0.39/0.19 = 2.052631..., v^ = 0.009999/0.001999 = 5.002001..., step = 0.01 * 2.052631/2.236504 = 0.0091779
        Adam adam = Adam.standard(1);
        float[] p = {0f};
        adam.step(p, new float[] {1f}, 0, 1, 1, 0.01f);
        adam.step(p, new float[] {3f}, 0, 1, 2, 0.01f);
        assertThat(p[0]).isCloseTo(-0.01f - 0.0091779f, within(1e-6f));
    }

    @Test
    void updatesOnlyTheGivenSlice() {
        Adam adam = Adam.standard(4);
        float[] p = {1f, 1f, 1f, 1f};
        adam.step(p, new float[] {1f, 1f, 1f, 1f}, 1, 3, 1, 0.5f);
        assertThat(p).containsExactly(1f, 0.5f, 0.5f, 1f);
    }
}
