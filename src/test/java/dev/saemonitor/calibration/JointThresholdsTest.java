package dev.saemonitor.calibration;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class JointThresholdsTest {
    @Test
    void unionCountsAnEventOnceWhateverItsCategories() {
        double[][] s = {{0.9, 0.1, 0.1, 0.1}, {0.9, 0.8, 0.1, 0.1}};
        assertThat(JointThresholds.unionFpr(s, new double[] {0.5, 0.5})).isEqualTo(0.5);
    }

    @Test
    void disjointFalseAlarmsShareTheBudget() {
        // 10 benign events; category a's false alarm is event 0, b's event 1: a 10% union allows only one
        double[][] s = new double[2][10];
        s[0][0] = 0.9;
        s[1][1] = 0.8;
        JointThresholds.Result r = JointThresholds.choose(s, 0.1);
        assertThat(r.unionFpr()).isLessThanOrEqualTo(0.1);
        assertThat(r.thresholds()[0]).isGreaterThan(0.9);
        assertThat(r.thresholds()[1]).isGreaterThan(0.8);
        // with 20% both may flag
        JointThresholds.Result wide = JointThresholds.choose(s, 0.2);
        assertThat(wide.unionFpr()).isEqualTo(0.2);
    }

    @Test
    void perCategoryThresholdsWouldOvershootTheUnion() {
        int n = 100;
        double[][] s = new double[4][n];
        for (int c = 0; c < 4; c++) {
            for (int e = 0; e < 5; e++) {
                s[c][c * 5 + e] = 0.9; // each category's 5% of false alarms on different events
            }
        }
        double[] perCategory = new double[4];
        for (int c = 0; c < 4; c++) {
            perCategory[c] = RocMath.thresholdAtFpr(s[c], 0.05);
        }
        // each at 5% on its own, 20% of benign events flagged in some category
        assertThat(JointThresholds.unionFpr(s, perCategory)).isEqualTo(0.2);
        assertThat(JointThresholds.choose(s, 0.05).unionFpr()).isLessThanOrEqualTo(0.05);
    }

    @Test
    void everyGroupMeetsTheTargetNotOnlyThePool() {
        // 20 short messages never flag; 10 long texts, two of which score high: the pooled union is 2/30 < 10%,
        // but the long group's is 20%, so per group the long texts' false alarms must go
        double[][] s = new double[1][30];
        s[0][20] = 0.9;
        s[0][21] = 0.8;
        int[] group = new int[30];
        for (int e = 20; e < 30; e++) {
            group[e] = 1;
        }
        assertThat(JointThresholds.choose(s, 0.1).thresholds()[0]).isLessThanOrEqualTo(0.8);
        JointThresholds.Result r = JointThresholds.choose(s, group, 0.1);
        assertThat(r.thresholds()[0]).isGreaterThan(0.8);
        assertThat(JointThresholds.unionFpr(JointThresholds.split(s, group)[1], r.thresholds())).isLessThanOrEqualTo(0.1);
    }

    @Test
    void recallSplitGivesTheBudgetToTheCategoryItBuysRecallFor() {
        // 100 benign events; each category has one benign false alarm per 0.01 of FPR, on different events.
        // Category a's positives sit just above its benign tail (the budget buys recall); b's far below (it buys none)
        double[][] s = new double[2][100];
        for (int e = 0; e < 10; e++) {
            s[0][e] = 0.9 - e * 0.01;
            s[1][50 + e] = 0.9 - e * 0.01;
        }
        double[][] pos = {{0.85, 0.84, 0.83, 0.82, 0.81}, {0.2, 0.2, 0.2}};
        int[] one = new int[100];
        JointThresholds.Result equal = JointThresholds.choose(s, one, 0.08);
        JointThresholds.Result recall = JointThresholds.chooseForRecall(s, one, 0.08, pos);
        assertThat(recall.unionFpr()).isLessThanOrEqualTo(0.08);
        assertThat(RocMath.rateAtOrAbove(pos[0], recall.thresholds()[0]))
                .isGreaterThan(RocMath.rateAtOrAbove(pos[0], equal.thresholds()[0]));
        assertThat(recall.fpr()[1]).isZero();
    }
}
