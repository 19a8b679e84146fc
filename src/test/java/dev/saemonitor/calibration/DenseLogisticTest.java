package dev.saemonitor.calibration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** The readouts' logistic regression: the optimum of its objective, on data whose answer is known. */
class DenseLogisticTest {
    @Test
    void theFittedLogitSeparatesAlongTheInformativeColumnAndIgnoresNoise() {
        Random rnd = new Random(3);
        int n = 4000;
        double[][] x = new double[n][3];
        boolean[] y = new boolean[n];
        for (int i = 0; i < n; i++) {
            y[i] = i % 4 == 0; // unbalanced: the classes are weighted to balance
            x[i][0] = (y[i] ? 2 : 0) + rnd.nextGaussian();
            x[i][1] = 100 + 10 * rnd.nextGaussian(); // noise on another scale: standardised away
            x[i][2] = rnd.nextGaussian();
        }
        LogisticFit.Linear1 f = DenseLogistic.fit(x, y, 10);
        // equal-variance Gaussians 2 apart: the balanced optimum is close to logit = 2 * x0 - 2
        assertThat(f.weights()[0]).isCloseTo(2.0, within(0.2));
        assertThat(f.bias() + f.weights()[1] * 100).isCloseTo(-2.0, within(0.3));
        assertThat(Math.abs(f.weights()[1]) * 10).isLessThan(0.1);
        assertThat(Math.abs(f.weights()[2])).isLessThan(0.1);
    }

    @Test
    void strongerRegularisationShrinksTheWeights() {
        double[][] x = {{0}, {1}, {2}, {3}, {0.5}, {2.5}};
        boolean[] y = {false, false, true, true, true, false};
        double loose = DenseLogistic.fit(x, y, 100).weights()[0];
        double tight = DenseLogistic.fit(x, y, 0.01).weights()[0];
        assertThat(loose).isGreaterThan(0);
        assertThat(Math.abs(tight)).isLessThan(Math.abs(loose));
    }

    @Test
    void choleskySolvesASymmetricSystem() {
        double[][] a = {{4, 2}, {2, 3}};
        double[] sol = DenseLogistic.Cholesky.solve(a, new double[] {2, 1});
        assertThat(4 * sol[0] + 2 * sol[1]).isCloseTo(2, within(1e-12));
        assertThat(2 * sol[0] + 3 * sol[1]).isCloseTo(1, within(1e-12));
    }
}
