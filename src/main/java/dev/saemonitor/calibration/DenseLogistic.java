package dev.saemonitor.calibration;

import java.util.stream.IntStream;

/**
 * L2-regularised logistic regression on dense rows, classes weighted to balance, by Newton's method with a
 * Cholesky solve of the full Hessian. Written by hand because liblinear's Newton-CG (what {@link LogisticFit} uses
 * for the sparse heads) took minutes per fit on the readouts' ~40k segment rows of 384 dense columns, where a direct
 * Newton step on the 385 x 385 Hessian converges in under ten steps. Same objective as liblinear's L2R_LR on
 * standardised columns, bias not regularised: {@code 0.5 |w|^2 + C sum_i weight_i logloss_i}; the scaling is folded
 * back so that {@code bias + w . x} on raw values is the logit.
 */
public final class DenseLogistic {
    static final int MAX_STEPS = 30;
    static final double TOLERANCE = 1e-6;

    private DenseLogistic() {
    }

    public static LogisticFit.Linear1 fit(double[][] x, boolean[] y, double c) {
        int n = x.length, m = n == 0 ? 0 : x[0].length, p = m + 1;
        double[][] ms = LogisticFit.meanAndSd(x, m);
        double[] mu = ms[0], sd = ms[1];
        // standardised rows with a trailing 1 for the bias
        double[][] z = new double[n][p];
        int pos = 0;
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < m; j++) {
                z[i][j] = (x[i][j] - mu[j]) / sd[j];
            }
            z[i][m] = 1;
            pos += y[i] ? 1 : 0;
        }
        double wPos = pos == 0 ? 1 : (double) n / (2 * pos), wNeg = pos == n ? 1 : (double) n / (2 * (n - pos));
        double[] w = new double[p];
        double prev = Double.POSITIVE_INFINITY;
        for (int step = 0; step < MAX_STEPS; step++) {
            double[] g = new double[p];
            double[][] h = new double[p][p];
            double loss = gradientAndHessian(z, y, w, c, wPos, wNeg, g, h);
            for (int j = 0; j < m; j++) {
                g[j] += w[j];
                h[j][j] += 1;
                loss += 0.5 * w[j] * w[j];
            }
            h[m][m] += 1e-8;
            double[] dw = Cholesky.solve(h, g);
            // backtracking on the objective keeps a step from overshooting on separable data
            double t = 1;
            double[] next = new double[p];
            for (int tries = 0; tries < 20; tries++) {
                for (int j = 0; j < p; j++) {
                    next[j] = w[j] - t * dw[j];
                }
                if (objective(z, y, next, c, wPos, wNeg, m) <= loss + 1e-12) {
                    break;
                }
                t /= 2;
            }
            System.arraycopy(next, 0, w, 0, p);
            if (Math.abs(prev - loss) <= TOLERANCE * Math.max(1, Math.abs(loss))) {
                break;
            }
            prev = loss;
        }
        double[] raw = new double[m];
        double bias = w[m];
        for (int j = 0; j < m; j++) {
            raw[j] = w[j] / sd[j];
            bias -= raw[j] * mu[j];
        }
        return new LogisticFit.Linear1(raw, bias);
    }

    /** Adds the weighted log-loss gradient and Hessian (times C) into g and h; returns C times the loss. */
    private static double gradientAndHessian(double[][] z, boolean[] y, double[] w, double c, double wPos, double wNeg,
                                             double[] g, double[][] h) {
        int n = z.length, p = w.length;
        int parts = Math.max(1, Math.min(Runtime.getRuntime().availableProcessors(), n / 2000));
        double[][] gs = new double[parts][p];
        double[][][] hs = new double[parts][p][p];
        double[] losses = new double[parts];
        IntStream.range(0, parts).parallel().forEach(k -> {
            double[] gk = gs[k];
            double[][] hk = hs[k];
            for (int i = k * n / parts; i < (k + 1) * n / parts; i++) {
                double[] zi = z[i];
                double s = 0;
                for (int j = 0; j < p; j++) {
                    s += w[j] * zi[j];
                }
                double prob = 1 / (1 + Math.exp(-s));
                double weight = c * (y[i] ? wPos : wNeg);
                losses[k] += weight * (y[i] ? softplus(-s) : softplus(s));
                double r = weight * (prob - (y[i] ? 1 : 0));
                double d = weight * prob * (1 - prob);
                for (int a = 0; a < p; a++) {
                    gk[a] += r * zi[a];
                    double dz = d * zi[a];
                    double[] row = hk[a];
                    for (int b = 0; b <= a; b++) {
                        row[b] += dz * zi[b];
                    }
                }
            }
        });
        double loss = 0;
        for (int k = 0; k < parts; k++) {
            loss += losses[k];
            for (int a = 0; a < p; a++) {
                g[a] += gs[k][a];
                for (int b = 0; b <= a; b++) {
                    h[a][b] += hs[k][a][b];
                }
            }
        }
        for (int a = 0; a < p; a++) {
            for (int b = 0; b < a; b++) {
                h[b][a] = h[a][b];
            }
        }
        return loss;
    }

    private static double objective(double[][] z, boolean[] y, double[] w, double c, double wPos, double wNeg, int m) {
        double loss = 0;
        for (int i = 0; i < z.length; i++) {
            double s = 0;
            for (int j = 0; j < w.length; j++) {
                s += w[j] * z[i][j];
            }
            loss += c * (y[i] ? wPos * softplus(-s) : wNeg * softplus(s));
        }
        for (int j = 0; j < m; j++) {
            loss += 0.5 * w[j] * w[j];
        }
        return loss;
    }

    /** log(1 + e^v), without overflow. */
    static double softplus(double v) {
        return v > 30 ? v : Math.log1p(Math.exp(v));
    }

    /** Solves a symmetric positive definite system. */
    static final class Cholesky {
        private Cholesky() {
        }

        static double[] solve(double[][] a, double[] b) {
            int n = b.length;
            double[][] l = new double[n][n];
            for (int i = 0; i < n; i++) {
                for (int j = 0; j <= i; j++) {
                    double s = a[i][j];
                    for (int k = 0; k < j; k++) {
                        s -= l[i][k] * l[j][k];
                    }
                    if (i == j) {
                        if (s <= 0) {
                            throw new IllegalStateException("Hessian not positive definite at column " + i);
                        }
                        l[i][i] = Math.sqrt(s);
                    } else {
                        l[i][j] = s / l[j][j];
                    }
                }
            }
            double[] yv = new double[n];
            for (int i = 0; i < n; i++) {
                double s = b[i];
                for (int k = 0; k < i; k++) {
                    s -= l[i][k] * yv[k];
                }
                yv[i] = s / l[i][i];
            }
            double[] xv = new double[n];
            for (int i = n - 1; i >= 0; i--) {
                double s = yv[i];
                for (int k = i + 1; k < n; k++) {
                    s -= l[k][i] * xv[k];
                }
                xv[i] = s / l[i][i];
            }
            return xv;
        }
    }
}
