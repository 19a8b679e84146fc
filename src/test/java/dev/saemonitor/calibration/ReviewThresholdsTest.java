package dev.saemonitor.calibration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ReviewThresholdsTest {
    static final double[] NONE = {};

    @Test
    void aFalsePositiveAboveTheThresholdPushesItJustPastItsScore() {
        ReviewThresholds.Choice c = ReviewThresholds.choose(0.9, NONE, new double[] {0.95}, 1, 1);
        assertThat(c.threshold()).isEqualTo(Math.nextUp(0.95));
        assertThat(c.oldFalseFlags()).isEqualTo(1);
        assertThat(c.falseFlags()).isZero();
    }

    @Test
    void aTruePositiveJustBelowPullsItDownToItsScore() {
        ReviewThresholds.Choice c = ReviewThresholds.choose(0.9, new double[] {0.85}, NONE, 1, 1);
        assertThat(c.threshold()).isEqualTo(0.85);
        assertThat(c.oldCaught()).isZero();
        assertThat(c.caught()).isEqualTo(1);
    }

    @Test
    void conflictingReviewsAreWeighedByTheMissCost() {
        // one true positive at 0.92 below one false positive at 0.95: raising past the FP misses the TP
        double[] tp = {0.92}, fp = {0.95};
        assertThat(ReviewThresholds.choose(0.9, tp, fp, 2, 1).threshold()).isEqualTo(0.9); // missing costs 2: stay
        // at cost 0.5 a miss is cheaper than a false page: just past the false positive
        assertThat(ReviewThresholds.choose(0.9, tp, fp, 0.5, 1).threshold()).isEqualTo(Math.nextUp(0.95));
        // a false positive below a true positive: between them, nearest the old threshold
        ReviewThresholds.Choice c = ReviewThresholds.choose(0.9, new double[] {0.97}, new double[] {0.93}, 1, 1);
        assertThat(c.threshold()).isEqualTo(Math.nextUp(0.93));
        assertThat(c.precision()).isEqualTo(1.0);
        assertThat(c.oldPrecision()).isEqualTo(0.5);
    }

    @Test
    void reviewsThatAgreeWithTheThresholdLeaveItAndTooFewReviewsMoveNothing() {
        assertThat(ReviewThresholds.choose(0.9, new double[] {0.95}, new double[] {0.5}, 1, 1).threshold()).isEqualTo(0.9);
        assertThat(ReviewThresholds.choose(0.9, NONE, new double[] {0.95}, 1, 2).threshold()).isEqualTo(0.9);
        assertThat(ReviewThresholds.choose(0.9, NONE, NONE, 1, 1).threshold()).isEqualTo(0.9);
        assertThatThrownBy(() -> ReviewThresholds.choose(0.9, NONE, NONE, 0, 1)).hasMessageContaining("miss cost");
    }
}
