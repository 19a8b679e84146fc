package dev.saemonitor.bench;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PercentilesTest {
    @Test
    void nearestRankOnHandComputedCases() {
        double[] v = {15, 20, 35, 40, 50};
        assertThat(Percentiles.of(v, 30)).isEqualTo(20);
        assertThat(Percentiles.of(v, 40)).isEqualTo(20);
        assertThat(Percentiles.of(v, 50)).isEqualTo(35);
        assertThat(Percentiles.of(v, 100)).isEqualTo(50);
        assertThat(Percentiles.of(new double[] {7}, 99)).isEqualTo(7);
        assertThat(Percentiles.of(new double[0], 50)).isNaN();
    }

    @Test
    void inputIsNotReordered() {
        double[] v = {3, 1, 2};
        Percentiles.of(v, 50);
        assertThat(v).containsExactly(3, 1, 2);
    }
}
