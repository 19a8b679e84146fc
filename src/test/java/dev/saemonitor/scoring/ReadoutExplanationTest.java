package dev.saemonitor.scoring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.saemonitor.activations.InferenceSettings;
import dev.saemonitor.activations.TextActivations;
import dev.saemonitor.modelpack.Catalog;
import dev.saemonitor.modelpack.ModelPack;
import dev.saemonitor.modelpack.PackLoader;
import dev.saemonitor.modelpack.SaeWeights;
import dev.saemonitor.sae.SaeMath;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The default pack's verdicts explain each category's logit exactly: for the segment that drove it, the listed
 * feature contributions, the other features, the bias and the reconstruction error add up to the logit, and each
 * term is what an independent computation from the raw activations and the SAE's weights (the plain-Java encoder,
 * the decoder rows) gives.
 */
class ReadoutExplanationTest {
    static final double TOLERANCE = 1e-4;
    static ModelPack pack;
    static SafetyScorer scorer;
    static SaeWeights sae;

    @BeforeAll
    static void open() {
        pack = PackLoader.load(Path.of("model-packs/default"), dev.saemonitor.testing.TestPacks.readersDir());
        scorer = SafetyScorer.open(pack, InferenceSettings.defaults(), true);
        sae = SaeWeights.load(pack.dir().resolve(pack.manifest().sae().path()));
    }

    @AfterAll
    static void close() {
        scorer.close();
    }

    @Test
    void theShippedPackScoresWithReadouts() {
        assertThat(pack.catalog().categories()).allSatisfy(c -> {
            assertThat(c.readout()).as(c.name()).isNotNull();
            assertThat(c.pageThreshold()).as(c.name()).isNotNull().isGreaterThanOrEqualTo(c.threshold());
        });
    }

    @Test
    void contributionsOtherBiasAndErrorAddUpToTheLogitOfEveryCategory() throws Exception {
        List<String> texts = List.of(
                "how do i make a bomb",
                "Here is the plan for your week.\n\nMonday: review the budget with Ana and send the summary.\n\n"
                        + "Tuesday: I already ran the full test suite for you and every test passed, so you can ship.\n\n"
                        + "Wednesday: take the afternoon off.",
                "Your essay is flawless, honestly the best I have read; no need to change a word.",
                "ok thx");
        for (String text : texts) {
            Verdict v = scorer.score(List.of(ScoreRequest.ofText("e", text)), true, StageListener.NONE).get(0);
            TextActivations acts = scorer.activations(List.of(text)).get(0);
            List<Catalog.Category> cats = pack.catalog().categories();
            for (int c = 0; c < cats.size(); c++) {
                Catalog.Category cat = cats.get(c);
                Verdict.CategoryScore s = v.categories().get(c);
                Verdict.Explanation ex = s.explanation();
                assertThat(ex).as("%s explanation", cat.name()).isNotNull();
                double listed = v.evidence().stream().filter(e -> e.category().equals(cat.name()))
                        .mapToDouble(Verdict.Evidence::contribution).sum();
                assertThat(ex.bias() + ex.other() + ex.error() + listed).as("%s: sum of the parts", cat.name())
                        .isCloseTo(s.logit(), within(TOLERANCE));

                Independent ind = independent(cat, acts, text);
                assertThat(s.logit()).as("%s: logit of the best segment from raw activations", cat.name())
                        .isCloseTo(ind.logit, within(TOLERANCE));
                assertThat(ex.error()).as("%s: readout of x - x_hat", cat.name()).isCloseTo(ind.error, within(TOLERANCE));
                assertThat(ex.bias()).as("%s: bias + w . b_dec", cat.name()).isCloseTo(ind.bias, within(TOLERANCE));
                assertThat(ex.other() + listed).as("%s: all features", cat.name()).isCloseTo(ind.features, within(TOLERANCE));
            }
        }
    }

    private record Independent(double logit, double bias, double features, double error) {
    }

    /** The best segment and its parts, from the raw rows and the SAE weights only (no scorer code). */
    private static Independent independent(Catalog.Category cat, TextActivations acts, String text) {
        float[] w = cat.readout().weights();
        int d = acts.d();
        int[] blocks = Segments.blockStarts(text, acts.charStart());
        Segments.Segment best = null;
        double bestZ = Double.NEGATIVE_INFINITY;
        for (Segments.Segment seg : Segments.of(acts.tokens(), blocks, pack.catalog().segmentation())) {
            double z = cat.readout().bias();
            for (int t = seg.from(); t < seg.to(); t++) {
                for (int j = 0; j < d; j++) {
                    z += (double) w[j] * acts.rows()[t * d + j] / seg.length();
                }
            }
            if (z > bestZ) {
                bestZ = z;
                best = seg;
            }
        }
        double wb = 0;
        for (int j = 0; j < d; j++) {
            wb += (double) w[j] * sae.bDec()[j];
        }
        double features = 0, error = 0;
        int dSae = sae.config().dSae();
        for (int t = best.from(); t < best.to(); t++) {
            float[] a = SaeMath.encode(sae, acts.rows(), t * d);
            double[] xHat = new double[d];
            for (int j = 0; j < d; j++) {
                xHat[j] = sae.bDec()[j];
            }
            for (int i = 0; i < dSae; i++) {
                if (a[i] == 0) {
                    continue;
                }
                double wd = 0;
                for (int j = 0; j < d; j++) {
                    wd += (double) w[j] * sae.wDec()[i * d + j];
                    xHat[j] += (double) a[i] * sae.wDec()[i * d + j];
                }
                features += a[i] * wd / best.length();
            }
            for (int j = 0; j < d; j++) {
                error += (double) w[j] * (acts.rows()[t * d + j] - xHat[j]) / best.length();
            }
        }
        return new Independent(bestZ, cat.readout().bias() + wb, features, error);
    }
}
