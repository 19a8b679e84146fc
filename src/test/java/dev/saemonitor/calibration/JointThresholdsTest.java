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
}
