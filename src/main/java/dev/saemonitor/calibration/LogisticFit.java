package dev.saemonitor.calibration;

import de.bwaldvogel.liblinear.Feature;
import de.bwaldvogel.liblinear.FeatureNode;
import de.bwaldvogel.liblinear.Linear;
import de.bwaldvogel.liblinear.Model;
import de.bwaldvogel.liblinear.Parameter;
import de.bwaldvogel.liblinear.Problem;
import de.bwaldvogel.liblinear.SolverType;

/**
 * Logistic regression through liblinear on standardised columns, with classes weighted to balance,
 * and the scaling folded back so that {@code bias + sum(weights[c] * x[c])} on raw values is the logit.
 * {@link SolverType#L1R_LR} gives sparse heads; {@link SolverType#L2R_LR} the dense probe.
 */
public final class LogisticFit {
    static {
        Linear.disableDebugOutput();
    }

    private LogisticFit() {
    }

    /** A fitted linear logit in raw units. */
    public record Linear1(double[] weights, double bias) {
        public double logit(double[] x) {
            double s = bias;
            for (int c = 0; c < weights.length; c++) {
                s += weights[c] * x[c];
            }
            return s;
        }
    }

    /** Per column: mean and standard deviation (1 for a constant column), {@code {mean, sd}}. */
    static double[][] meanAndSd(double[][] x, int m) {
        int n = x.length;
        double[] mu = new double[m], sd = new double[m];
        for (double[] row : x) {
            for (int j = 0; j < m; j++) {
                mu[j] += row[j] / n;
            }
        }
        for (double[] row : x) {
            for (int j = 0; j < m; j++) {
                sd[j] += (row[j] - mu[j]) * (row[j] - mu[j]) / n;
            }
        }
        for (int j = 0; j < m; j++) {
            sd[j] = sd[j] > 1e-12 ? Math.sqrt(sd[j]) : 1;
        }
        return new double[][] {mu, sd};
    }

    public static Linear1 fit(double[][] x, boolean[] y, SolverType solver, double c) {
        int n = x.length, m = n == 0 ? 0 : x[0].length;
        double[][] ms = meanAndSd(x, m);
        double[] mu = ms[0], sd = ms[1];
        Problem p = new Problem();
        p.l = n;
        p.n = m + 1;
        p.bias = 1;
        p.y = new double[n];
        p.x = new Feature[n][];
        int pos = 0;
        for (int i = 0; i < n; i++) {
            p.y[i] = y[i] ? 1 : -1;
            pos += y[i] ? 1 : 0;
            Feature[] row = new Feature[m + 1];
            for (int j = 0; j < m; j++) {
                row[j] = new FeatureNode(j + 1, (x[i][j] - mu[j]) / sd[j]);
            }
            row[m] = new FeatureNode(m + 1, 1);
            p.x[i] = row;
        }
        Parameter param = new Parameter(solver, c, 1e-4);
        if (pos > 0 && pos < n) {
            param.setWeights(new double[] {(double) n / (2 * pos), (double) n / (2 * (n - pos))}, new int[] {1, -1});
        }
        param.setRegularizeBias(false);
        Model model = Linear.train(p, param);
        double[] w = model.getFeatureWeights();
        double sign = model.getLabels()[0] == 1 ? 1 : -1;
        double[] raw = new double[m];
        double bias = sign * w[m];
        for (int j = 0; j < m; j++) {
            raw[j] = sign * w[j] / sd[j];
            bias -= raw[j] * mu[j];
        }
        return new Linear1(raw, bias);
    }
}
