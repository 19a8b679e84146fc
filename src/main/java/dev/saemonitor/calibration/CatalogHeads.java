package dev.saemonitor.calibration;

import dev.saemonitor.modelpack.Catalog;

/**
 * The catalog's formula on pooled texts, {@code sigmoid(bias + sum(weight * pooled))}, as the service's
 * CategoryScorer computes it; used by {@code eval} so that one reader pass feeds both the SAE heads and the probe.
 */
public final class CatalogHeads {
    private CatalogHeads() {
    }

    public static double[] scores(Catalog.Category c, PooledTexts data) {
        double[] out = new double[data.count()];
        for (int t = 0; t < data.count(); t++) {
            double z = c.bias();
            for (Catalog.Feature f : c.features()) {
                z += f.weight() * (f.pool() == Catalog.Pool.max ? data.max()[t][f.id()] : data.mean()[t][f.id()]);
            }
            out[t] = data.tokens()[t] == 0 ? 0 : Calibrator.sigmoid(z);
        }
        return out;
    }
}
