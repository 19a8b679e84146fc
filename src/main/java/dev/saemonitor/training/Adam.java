package dev.saemonitor.training;

/**
 * Adam (Kingma and Ba, 2015) over one flat parameter array, with bias correction. The step is
 * applied to a slice so that several threads can update disjoint parts of the same tensor.
 */
public final class Adam {
    private final float[] m;
    private final float[] v;
    private final float beta1;
    private final float beta2;
    private final float eps;

    public Adam(int size, float beta1, float beta2, float eps) {
        this.m = new float[size];
        this.v = new float[size];
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.eps = eps;
    }

    public static Adam standard(int size) {
        return new Adam(size, 0.9f, 0.999f, 1e-8f);
    }

    /**
     * One update of {@code params[from, to)} with gradient {@code grad} at step {@code t} (1-based):
     * {@code m = b1 m + (1-b1) g; v = b2 v + (1-b2) g^2; p -= lr * m/(1-b1^t) / (sqrt(v/(1-b2^t)) + eps)}.
     */
    public void step(float[] params, float[] grad, int from, int to, long t, float lr) {
        float c1 = (float) (1 - Math.pow(beta1, t));
        float c2 = (float) (1 - Math.pow(beta2, t));
        float b1 = beta1, b2 = beta2;
        for (int i = from; i < to; i++) {
            float g = grad[i];
            float mi = b1 * m[i] + (1 - b1) * g;
            float vi = b2 * v[i] + (1 - b2) * g * g;
            m[i] = mi;
            v[i] = vi;
            params[i] -= lr * (mi / c1) / ((float) Math.sqrt(vi / c2) + eps);
        }
    }

    public int size() {
        return m.length;
    }
}
