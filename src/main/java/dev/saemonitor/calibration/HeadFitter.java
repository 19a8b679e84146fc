package dev.saemonitor.calibration;

import de.bwaldvogel.liblinear.SolverType;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.stream.IntStream;

/**
 * Fits one category's sparse head on segment rows in two steps: selection, liblinear L1-regularised logistic
 * regression over the screened candidate columns with the penalty weakened until just before the head would
 * keep more than {@code maxFeatures} terms; then the final weights by L2-regularised logistic regression on
 * the kept columns, C chosen by 3-fold cross-validated AUROC with folds by source group (a positive and its
 * embedded copies stay in one fold).
 */
public final class HeadFitter {
    static final double[] C_GRID = {0.0003, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1};
    static final double[] REFIT_C_GRID = {0.01, 0.1, 1};
    public static final int FOLDS = 3;

    private final int maxFeatures;

    public HeadFitter(int maxFeatures) {
        this.maxFeatures = maxFeatures;
    }

    /** A head over design columns {@code columns} (indices into the candidates) with raw weights. */
    public record Head(int[] columns, double[] weights, double bias, double c, double cvAuroc) {
    }

    /** Fold of a source group: deterministic, spread evenly. */
    public static int fold(int group) {
        return (int) Math.floorMod(group * 0x9E3779B97F4A7C15L >>> 33, FOLDS);
    }

    public Head fit(double[][] x, boolean[] y, int[] group) {
        int[] chosen = select(x, y);
        double bestAuc = -1, bestC = REFIT_C_GRID[0];
        for (double c : REFIT_C_GRID) {
            double auc = RocMath.auroc(crossValidate(x, y, group, c, chosen), y);
            if (auc > bestAuc + 1e-9) {
                bestAuc = auc;
                bestC = c;
            }
        }
        Head h = refit(x, y, bestC, chosen);
        return new Head(h.columns(), h.weights(), h.bias(), bestC, bestAuc);
    }

    /**
     * The columns a head keeps: L1 regularisation weakened step by step (C grid ascending) until the head
     * holds more than {@code maxFeatures} terms; of that head, the {@code maxFeatures} with the largest
     * standardised weight (chosen jointly, not one by one). If no C gets there, the densest head's terms. A cap
     * of at least the candidate count keeps every candidate (no L1 step).
     */
    int[] select(double[][] x, boolean[] y) {
        int[] all = allColumns(x);
        if (maxFeatures >= all.length) {
            // no cap can bind (eval's dense head): every candidate, weighted by the L2 refit alone; walking the
            // L1 path to its weakest penalty would only drop columns, and is what made the dense head slow
            return all;
        }
        int[] chosen = new int[0];
        for (double c : C_GRID) {
            Head h = fitAt(x, y, c, all);
            if (h.columns().length >= maxFeatures) {
                return strongest(x, h, maxFeatures);
            }
            chosen = h.columns();
        }
        return chosen;
    }

    /** Out-of-fold logits of a head refitted at C on {@code columns} with each fold held out. */
    public double[] crossValidate(double[][] x, boolean[] y, int[] group, double c, int[] columns) {
        double[] out = new double[x.length];
        for (int f = 0; f < FOLDS; f++) {
            int ff = f;
            int[] train = IntStream.range(0, x.length).filter(i -> fold(group[i]) != ff).toArray();
            Head h = refit(pick(x, train), pick(y, train), c, columns);
            for (int i = 0; i < x.length; i++) {
                if (fold(group[i]) == f) {
                    out[i] = logit(h, x[i]);
                }
            }
        }
        return out;
    }

    /**
     * The head's final weights on its chosen columns: L2-regularised logistic regression, so selection (L1)
     * does not also shrink the weights it keeps.
     */
    public static Head refit(double[][] x, boolean[] y, double c, int[] columns) {
        double[][] sub = new double[x.length][columns.length];
        for (int i = 0; i < x.length; i++) {
            for (int j = 0; j < columns.length; j++) {
                sub[i][j] = x[i][columns[j]];
            }
        }
        LogisticFit.Linear1 fit = LogisticFit.fit(sub, y, SolverType.L2R_LR, c);
        return new Head(columns.clone(), fit.weights(), fit.bias(), c, Double.NaN);
    }

    /** L1 logistic regression at C on a subset of columns; keeps the non-zero terms. */
    public static Head fitAt(double[][] x, boolean[] y, double c, int[] columns) {
        double[][] sub = new double[x.length][columns.length];
        for (int i = 0; i < x.length; i++) {
            for (int j = 0; j < columns.length; j++) {
                sub[i][j] = x[i][columns[j]];
            }
        }
        LogisticFit.Linear1 fit = LogisticFit.fit(sub, y, SolverType.L1R_LR, c);
        List<Integer> keep = new ArrayList<>();
        for (int j = 0; j < columns.length; j++) {
            if (Math.abs(fit.weights()[j]) > 1e-9) {
                keep.add(j);
            }
        }
        return new Head(keep.stream().mapToInt(j -> columns[j]).toArray(),
                keep.stream().mapToDouble(j -> fit.weights()[j]).toArray(), fit.bias(), c, Double.NaN);
    }

    public static double logit(Head h, double[] row) {
        double s = h.bias();
        for (int j = 0; j < h.columns().length; j++) {
            s += h.weights()[j] * row[h.columns()[j]];
        }
        return s;
    }

    static int[] strongest(double[][] x, Head h, int n) {
        double[] score = new double[h.columns().length];
        for (int j = 0; j < score.length; j++) {
            int col = h.columns()[j];
            double mu = 0, sq = 0;
            for (double[] row : x) {
                mu += row[col];
                sq += row[col] * row[col];
            }
            mu /= x.length;
            score[j] = Math.abs(h.weights()[j]) * Math.sqrt(Math.max(0, sq / x.length - mu * mu));
        }
        return IntStream.range(0, score.length).boxed().sorted(Comparator.comparingDouble(j -> -score[j])).limit(n)
                .mapToInt(j -> h.columns()[j]).sorted().toArray();
    }

    static int[] allColumns(double[][] x) {
        return IntStream.range(0, x.length == 0 ? 0 : x[0].length).toArray();
    }

    private static double[][] pick(double[][] x, int[] rows) {
        return Arrays.stream(rows).mapToObj(i -> x[i]).toArray(double[][]::new);
    }

    private static boolean[] pick(boolean[] y, int[] rows) {
        boolean[] out = new boolean[rows.length];
        for (int i = 0; i < rows.length; i++) {
            out[i] = y[rows[i]];
        }
        return out;
    }
}
