package dev.saemonitor.sae;

/**
 * Sparse SAE codes for a block of rows in CSR form: row {@code r}'s active features are
 * {@code features[rowStart[r] .. rowStart[r+1])} with their {@code values}; only values > 0 are kept.
 */
public record SparseCodes(int rows, int[] rowStart, int[] features, float[] values) {

    public int nonZeros() {
        return rowStart[rows];
    }

    /** The codes of rows {@code [from, to)} as their own block. */
    public SparseCodes slice(int from, int to) {
        int a = rowStart[from], b = rowStart[to];
        int[] rs = new int[to - from + 1];
        for (int r = from; r <= to; r++) {
            rs[r - from] = rowStart[r] - a;
        }
        return new SparseCodes(to - from, rs, java.util.Arrays.copyOfRange(features, a, b),
                java.util.Arrays.copyOfRange(values, a, b));
    }

    /** Dense row, for tests and small tools. */
    public float[] dense(int row, int dSae) {
        float[] out = new float[dSae];
        for (int i = rowStart[row]; i < rowStart[row + 1]; i++) {
            out[features[i]] = values[i];
        }
        return out;
    }
}
