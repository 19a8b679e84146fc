package dev.saemonitor.calibration;

import de.bwaldvogel.liblinear.SolverType;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.stream.IntStream;

/**
 * Fits one category's sparse head on pooled SAE codes: keeps the {@code topN} columns (feature x pooling)
 * with the largest univariate |AUROC - 0.5|, picks liblinear's C for L1-regularised logistic regression
 * by stratified 3-fold cross-validated AUROC, and refits on everything. The out-of-fold logits of the
 * chosen C are kept: they score calibration texts as unseen texts would be scored.
 */
public final class HeadFitter {
    static final double[] C_GRID = {0.03, 0.1, 0.3, 1, 3};
    static final int FOLDS = 3;

    private final int topN;

    public HeadFitter(int topN) {
        this.topN = topN;
    }

    /** A head: pooled-matrix columns and their raw weights, the bias, and what CV measured. */
    public record Head(int[] columns, double[] weights, double bias, double c, double cvAuroc, double[] outOfFoldLogits) {
        public double logit(PooledTexts data, int text) {
            double s = bias;
            for (int i = 0; i < columns.length; i++) {
                s += weights[i] * data.value(text, columns[i]);
            }
            return s;
        }
    }

    /** Fits on texts {@code rows} of {@code data} with labels {@code positive} (indexed like rows). */
    public Head fit(PooledTexts data, int[] rows, boolean[] positive) {
        int[] cols = selectColumns(data, rows, positive);
        double[][] x = new double[rows.length][cols.length];
        for (int i = 0; i < rows.length; i++) {
            for (int j = 0; j < cols.length; j++) {
                x[i][j] = data.value(rows[i], cols[j]);
            }
        }
        double bestC = C_GRID[0], bestAuc = -1;
        double[] bestOof = null;
        for (double c : C_GRID) {
            double[] oof = crossValidate(x, positive, c);
            double auc = RocMath.auroc(oof, positive);
            if (auc > bestAuc + 1e-9) {
                bestAuc = auc;
                bestC = c;
                bestOof = oof;
            }
        }
        LogisticFit.Linear1 fit = LogisticFit.fit(x, positive, SolverType.L1R_LR, bestC);
        List<Integer> keep = new ArrayList<>();
        for (int j = 0; j < cols.length; j++) {
            if (Math.abs(fit.weights()[j]) > 1e-9) {
                keep.add(j);
            }
        }
        int[] kc = keep.stream().mapToInt(j -> cols[j]).toArray();
        double[] kw = keep.stream().mapToDouble(j -> fit.weights()[j]).toArray();
        return new Head(kc, kw, fit.bias(), bestC, bestAuc, bestOof);
    }

    int[] selectColumns(PooledTexts data, int[] rows, boolean[] positive) {
        int total = 2 * data.dSae();
        double[] strength = new double[total];
        IntStream.range(0, total).parallel().forEach(c -> {
            double[] v = new double[rows.length];
            int nonZero = 0;
            for (int i = 0; i < rows.length; i++) {
                v[i] = data.value(rows[i], c);
                nonZero += v[i] != 0 ? 1 : 0;
            }
            strength[c] = nonZero < 3 ? 0 : Math.abs(RocMath.auroc(v, positive) - 0.5);
        });
        return IntStream.range(0, total).boxed().filter(c -> strength[c] > 0)
                .sorted(Comparator.comparingDouble((Integer c) -> -strength[c]).thenComparing(c -> c))
                .limit(topN).mapToInt(Integer::intValue).toArray();
    }

    /** Out-of-fold logits: each text scored by the model fitted on the other folds. */
    static double[] crossValidate(double[][] x, boolean[] y, double c) {
        double[] scores = new double[x.length];
        int[] fold = new int[x.length];
        int p = 0, q = 0;
        for (int i = 0; i < x.length; i++) {
            fold[i] = y[i] ? p++ % FOLDS : q++ % FOLDS;
        }
        for (int f = 0; f < FOLDS; f++) {
            int ff = f;
            int[] tr = IntStream.range(0, x.length).filter(i -> fold[i] != ff).toArray();
            double[][] xt = Arrays.stream(tr).mapToObj(i -> x[i]).toArray(double[][]::new);
            boolean[] yt = new boolean[tr.length];
            for (int i = 0; i < tr.length; i++) {
                yt[i] = y[tr[i]];
            }
            LogisticFit.Linear1 m = LogisticFit.fit(xt, yt, SolverType.L1R_LR, c);
            for (int i = 0; i < x.length; i++) {
                if (fold[i] == f) {
                    scores[i] = m.logit(x[i]);
                }
            }
        }
        return scores;
    }
}
