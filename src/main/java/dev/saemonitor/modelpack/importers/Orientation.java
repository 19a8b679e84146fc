package dev.saemonitor.modelpack.importers;

import dev.saemonitor.modelpack.PackException;
import dev.saemonitor.modelpack.SafetensorsFile;
import java.util.Arrays;

/**
 * Puts a published matrix into the pack's orientation by its shape, never by its name: with d_in and d_sae
 * known (from a config or the 1-D tensors), {@code [rows, cols]} is taken as is, a {@code [cols, rows]} one is
 * transposed, and anything else, or a square matrix (d_in = d_sae, where the shape cannot tell), is refused
 * naming the file, the tensor and the shapes expected.
 */
final class Orientation {
    private Orientation() {
    }

    /** The tensor as row-major {@code [rows, cols]}. */
    static float[] matrix(SafetensorsFile f, String name, int rows, int cols) {
        SafetensorsFile.Entry e = f.require(name, "a [" + rows + ", " + cols + "] matrix (or its transpose)");
        long[] s = e.shape();
        String want = "[" + rows + ", " + cols + "] or [" + cols + ", " + rows + "]";
        if (s.length != 2) {
            throw PackException.of(f.file(), "tensor '" + name + "' has shape " + Arrays.toString(s) + ", expected " + want);
        }
        if (rows == cols) {
            throw PackException.of(f.file(), "tensor '" + name + "' is square " + Arrays.toString(s)
                    + ": d_in = d_sae, so its orientation cannot be told from its shape");
        }
        float[] data = f.floats(name).data();
        if (s[0] == rows && s[1] == cols) {
            return data;
        }
        if (s[0] == cols && s[1] == rows) {
            return transpose(data, cols, rows);
        }
        throw PackException.of(f.file(), "tensor '" + name + "' has shape " + Arrays.toString(s) + ", expected " + want);
    }

    /** A 1-D tensor of {@code length}. */
    static float[] vector(SafetensorsFile f, String name, int length) {
        SafetensorsFile.Entry e = f.require(name, "a vector of " + length);
        if (e.shape().length != 1 || e.shape()[0] != length) {
            throw PackException.of(f.file(), "tensor '" + name + "' has shape " + Arrays.toString(e.shape())
                    + ", expected [" + length + "]");
        }
        return f.floats(name).data();
    }

    /** The length of a 1-D tensor, refused naming it when it is not 1-D. */
    static int length(SafetensorsFile f, String name) {
        SafetensorsFile.Entry e = f.require(name, "a vector");
        if (e.shape().length != 1) {
            throw PackException.of(f.file(), "tensor '" + name + "' has shape " + Arrays.toString(e.shape()) + ", expected 1-D");
        }
        return Math.toIntExact(e.shape()[0]);
    }

    static float[] transpose(float[] m, int rows, int cols) {
        float[] t = new float[m.length];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                t[c * rows + r] = m[r * cols + c];
            }
        }
        return t;
    }

    static float[] scaled(float[] v, double s) {
        float[] out = new float[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = (float) (v[i] * s);
        }
        return out;
    }
}
