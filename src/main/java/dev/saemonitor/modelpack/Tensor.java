package dev.saemonitor.modelpack;

import java.util.Arrays;

/** A named float tensor held row-major in one array. */
public record Tensor(String name, long[] shape, float[] data) {
    public Tensor {
        long n = elementCount(shape);
        if (n != data.length) {
            throw new IllegalArgumentException(name + ": shape " + Arrays.toString(shape) + " needs " + n + " values, got " + data.length);
        }
    }

    public static long elementCount(long[] shape) {
        long n = 1;
        for (long s : shape) {
            n = Math.multiplyExact(n, s);
        }
        return n;
    }

    public String shapeString() {
        return Arrays.toString(shape);
    }
}
