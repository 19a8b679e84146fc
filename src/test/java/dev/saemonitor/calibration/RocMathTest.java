package dev.saemonitor.calibration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class RocMathTest {
    @Test
    void aurocIsOneForPerfectSeparationAndZeroForReversed() {
        boolean[] y = {false, false, true, true};
        assertThat(RocMath.auroc(new double[] {0.1, 0.2, 0.8, 0.9}, y)).isEqualTo(1.0);
        assertThat(RocMath.auroc(new double[] {0.9, 0.8, 0.2, 0.1}, y)).isEqualTo(0.0);
    }

    @Test
    void aurocCountsTiesAsHalf() {
        // pairs (pos, neg): (0.5, 0.5) tie = 0.5, (0.5, 0.1) = 1, (0.9, 0.5) = 1, (0.9, 0.1) = 1 -> 3.5 / 4
        double[] s = {0.1, 0.5, 0.5, 0.9};
        boolean[] y = {false, false, true, true};
        assertThat(RocMath.auroc(s, y)).isCloseTo(0.875, within(1e-12));
        // everything tied: 0.5
        assertThat(RocMath.auroc(new double[] {1, 1, 1}, new boolean[] {true, false, false})).isEqualTo(0.5);
    }

    @Test
    void aurocOfOneClassIsNaN() {
        assertThat(RocMath.auroc(new double[] {1, 2}, new boolean[] {true, true})).isNaN();
        assertThat(RocMath.auroc(new double[] {}, new boolean[] {})).isNaN();
    }

    @Test
    void thresholdKeepsFalsePositivesAtOrUnderTarget() {
        double[] neg = {0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0};
        // 10% of 10 = 1 allowed: only 1.0 may be at or above -> just above 0.9
        double t = RocMath.thresholdAtFpr(neg, 0.10);
        assertThat(t).isGreaterThan(0.9).isLessThanOrEqualTo(1.0);
        assertThat(RocMath.rateAtOrAbove(neg, t)).isEqualTo(0.1);
        // 5% of 10 = 0 allowed -> just above the maximum
        assertThat(RocMath.rateAtOrAbove(neg, RocMath.thresholdAtFpr(neg, 0.05))).isZero();
    }

    @Test
    void thresholdWithTiedNegativesNeverExceedsTarget() {
        double[] neg = {0.1, 0.5, 0.5, 0.5};
        // 25% allows 1 false positive, but three tie at 0.5: the threshold must exclude all of them
        double t = RocMath.thresholdAtFpr(neg, 0.25);
        assertThat(RocMath.rateAtOrAbove(neg, t)).isZero();
        assertThat(t).isGreaterThan(0.5);
    }

    @Test
    void tprAtFprOnHandComputedScores() {
        double[] pos = {0.95, 0.85, 0.6, 0.3};
        double[] neg = {0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.99};
        // 10% FPR: threshold just above 0.9 -> positives 0.95 only -> 1/4
        assertThat(RocMath.tprAtFpr(pos, neg, 0.10)).isEqualTo(0.25);
        // 30% FPR: threshold just above 0.7 -> 0.95, 0.85 -> 2/4
        assertThat(RocMath.tprAtFpr(pos, neg, 0.30)).isEqualTo(0.5);
    }

    @Test
    void confusionAtThreshold() {
        var c = RocMath.Confusion.at(new double[] {0.9, 0.4, 0.6, 0.1}, new boolean[] {true, true, false, false}, 0.5);
        assertThat(c).isEqualTo(new RocMath.Confusion(1, 1, 1, 1));
    }
}
