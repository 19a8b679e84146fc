package dev.saemonitor.scoring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.saemonitor.modelpack.Catalog;
import dev.saemonitor.modelpack.SaeArchitecture;
import dev.saemonitor.modelpack.SaeConfig;
import dev.saemonitor.modelpack.SaeWeights;
import dev.saemonitor.sae.SparseCodes;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The readout math on hand-computed cases: projections, segment logits, and the exact split into SAE terms. */
class ReadoutsTest {
    static final Catalog.Segmentation SEG = new Catalog.Segmentation(2, 1, false);

    static Catalog catalog(float[] w, double bias, Double page) {
        return new Catalog(SEG, List.of(new Catalog.Category("deception", Catalog.Severity.warning, bias, 0.5, List.of(),
                null, new Catalog.Readout(w, bias), page, null)));
    }

    /** d_in 2, d_sae 2: decoder rows (1, 0) and (0, 2), decoder bias (0.5, -1). */
    static SaeWeights sae() {
        SaeConfig cfg = new SaeConfig(SaeArchitecture.RELU, 2, 2, 0, true, "h", "m");
        return new SaeWeights(cfg, new float[4], new float[2], new float[] {1, 0, 0, 2}, new float[] {0.5f, -1f}, null);
    }

    @Test
    void aSegmentLogitIsTheBiasPlusTheMeanProjection() {
        Readouts r = Readouts.of(catalog(new float[] {2, -1}, 0.25, null));
        // tokens x0 = (1, 1), x1 = (3, 0), x2 = (0, 4): projections 1, 6, -4
        double[] proj = r.project(new float[] {1, 1, 3, 0, 0, 4}, 3);
        assertThat(proj).containsExactly(1, 6, -4);
        double[][] prefix = r.prefixSums(proj, 3);
        assertThat(r.logit(0, prefix, 0, 2)).isCloseTo(0.25 + 3.5, within(1e-12));
        assertThat(r.logit(0, prefix, 1, 3)).isCloseTo(0.25 + 1.0, within(1e-12));
    }

    @Test
    void contributionsBiasAndErrorSplitTheLogitExactly() {
        Readouts r = Readouts.of(catalog(new float[] {2, -1}, 0.25, null)).withSae(sae());
        // w . d_0 = 2, w . d_1 = -2, w . b_dec = 2
        assertThat(r.decoderDots(0)).containsExactly(2, -2);
        // two tokens, codes: token 0 {f0: 1.5}, token 1 {f0: 0.5, f1: 1}
        SparseCodes codes = new SparseCodes(2, new int[] {0, 1, 3}, new int[] {0, 0, 1}, new float[] {1.5f, 0.5f, 1f});
        double meanProjection = 3.0;
        Readouts.Contributions k = r.contributions(0, codes, 0, 2, meanProjection);
        assertThat(k.features()).containsExactly(0, 1);
        assertThat(k.contribution()[0]).isCloseTo(1.0 * 2, within(1e-12)); // mean activation 1.0
        assertThat(k.contribution()[1]).isCloseTo(0.5 * -2, within(1e-12)); // mean activation 0.5
        assertThat(k.maxActivation()).containsExactly(1.5, 1.0);
        assertThat(k.argmax()).containsExactly(0, 1);
        assertThat(k.bias()).isCloseTo(0.25 + 2, within(1e-12));
        // w . mean(x - x_hat) = 3 - (2 + 2 - 1)
        assertThat(k.error()).isCloseTo(0.0, within(1e-12));
        assertThat(k.bias() + k.featureSum() + k.error()).isCloseTo(0.25 + meanProjection, within(1e-12));
    }

    @Test
    void twoOperatingPointsFlagForReviewAndPageAboveTheSecond() {
        assertThat(CategoryScorer.severityOf(catalog(new float[] {1, 0}, 0, 0.9).categories().get(0), true, false))
                .isEqualTo(Catalog.Severity.warning);
        assertThat(CategoryScorer.severityOf(catalog(new float[] {1, 0}, 0, 0.9).categories().get(0), true, true))
                .isEqualTo(Catalog.Severity.critical);
        assertThat(CategoryScorer.severityOf(catalog(new float[] {1, 0}, 0, 0.9).categories().get(0), false, false)).isNull();
        Verdict.CategoryScore paged = new Verdict.CategoryScore("deception", 0.95, 0.5, true, null, 3.0, "page",
                new Verdict.Thresholds(0.5, 0.9), null);
        Verdict.CategoryScore review = new Verdict.CategoryScore("deception", 0.6, 0.5, true, null, 0.4, "review",
                new Verdict.Thresholds(0.5, 0.9), null);
        assertThat(CategoryScorer.severityOf(paged, "warning")).isEqualTo("critical");
        assertThat(CategoryScorer.severityOf(review, "critical")).isEqualTo("warning");
    }

    @Test
    void aPagePointBelowTheReviewPointIsRefused() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> catalog(new float[] {1, 0}, 0, 0.4))
                .hasMessageContaining("pageThreshold 0.4 is below threshold (review) 0.5");
    }
}
