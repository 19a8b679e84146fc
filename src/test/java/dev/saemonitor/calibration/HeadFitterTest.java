package dev.saemonitor.calibration;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class HeadFitterTest {
    /** 400 rows, 6 columns: column 0 carries the label, column 1 weakly, the rest are noise. */
    private static final double[][] X = new double[400][6];
    private static final boolean[] Y = new boolean[400];
    private static final int[] GROUP = new int[400];

    static {
        Random r = new Random(3);
        for (int i = 0; i < X.length; i++) {
            Y[i] = i % 2 == 0;
            GROUP[i] = i;
            for (int j = 0; j < 6; j++) {
                X[i][j] = r.nextGaussian();
            }
            X[i][0] += Y[i] ? 2 : 0;
            X[i][1] += Y[i] ? 0.5 : 0;
        }
    }

    @Test
    void aCapThatCannotBindKeepsEveryCandidate() {
        assertArrayEquals(new int[] {0, 1, 2, 3, 4, 5}, new HeadFitter(100_000).select(X, Y));
        HeadFitter.Head dense = new HeadFitter(6).fit(X, Y, GROUP);
        assertEquals(6, dense.columns().length);
        assertTrue(dense.cvAuroc() > 0.8, "out-of-fold AUROC " + dense.cvAuroc());
    }

    @Test
    void aBindingCapKeepsTheInformativeColumns() {
        int[] two = new HeadFitter(2).select(X, Y);
        assertTrue(two.length <= 2, Arrays.toString(two));
        assertTrue(Arrays.stream(two).anyMatch(c -> c == 0), "the label column survives: " + Arrays.toString(two));
    }
}
