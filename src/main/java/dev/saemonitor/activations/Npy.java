package dev.saemonitor.activations;

import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * NumPy {@code .npy} (format 1.0–3.0) for 2-D float matrices (a 1-D vector reads as one row): read {@code <f4}, {@code <f2}, {@code <f8}
 * in C order; write {@code <f4}. The wire format is tiny and stable, so it is written here rather than
 * pulling a numerical library in for it.
 */
public final class Npy {
    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    private static final Pattern DESCR = Pattern.compile("'descr'\\s*:\\s*'([^']*)'");
    private static final Pattern FORTRAN = Pattern.compile("'fortran_order'\\s*:\\s*(True|False)");
    private static final Pattern SHAPE = Pattern.compile("'shape'\\s*:\\s*\\(([^)]*)\\)");

    private Npy() {
    }

    /** A row-major float matrix. */
    public record Matrix(int rows, int cols, float[] data) {
        public Matrix {
            if ((long) rows * cols != data.length) {
                throw new IllegalArgumentException("matrix " + rows + "x" + cols + " needs " + (long) rows * cols + " values");
            }
        }
    }

    /** Thrown for a file that is not a readable 2-D float .npy; the message says what was expected. */
    public static final class NpyException extends IOException {
        public NpyException(String message) {
            super(message);
        }
    }

    public static Matrix read(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return read(in, file.toString(), Files.size(file));
        }
    }

    public static Matrix read(InputStream raw, String name, long size) throws IOException {
        DataInputStream in = new DataInputStream(new java.io.BufferedInputStream(raw, 1 << 16));
        byte[] magic = new byte[6];
        try {
            in.readFully(magic);
        } catch (java.io.EOFException e) {
            throw new NpyException(name + ": too short for a .npy file");
        }
        if (!java.util.Arrays.equals(magic, MAGIC)) {
            throw new NpyException(name + ": not a .npy file (bad magic)");
        }
        int major = in.readUnsignedByte();
        in.readUnsignedByte();
        long headerLen;
        if (major == 1) {
            headerLen = Short.toUnsignedInt(Short.reverseBytes(in.readShort()));
        } else if (major == 2 || major == 3) {
            headerLen = Integer.toUnsignedLong(Integer.reverseBytes(in.readInt()));
        } else {
            throw new NpyException(name + ": .npy version " + major + " not supported (expected 1, 2 or 3)");
        }
        if (headerLen > 1 << 20) {
            throw new NpyException(name + ": .npy header of " + headerLen + " bytes is implausible");
        }
        byte[] hb = new byte[(int) headerLen];
        in.readFully(hb);
        String header = new String(hb, StandardCharsets.ISO_8859_1);
        String descr = group(DESCR, header, name, "descr");
        if ("True".equals(group(FORTRAN, header, name, "fortran_order"))) {
            throw new NpyException(name + ": fortran_order arrays not supported, save with np.ascontiguousarray");
        }
        String[] dims = group(SHAPE, header, name, "shape").split(",");
        long[] shape = java.util.Arrays.stream(dims).map(String::trim).filter(s -> !s.isEmpty())
                .mapToLong(Long::parseLong).toArray();
        if (shape.length == 1) {
            shape = new long[] {1, shape[0]};
        }
        if (shape.length != 2) {
            throw new NpyException(name + ": shape has " + shape.length + " dimensions, expected 2 [tokens, d]");
        }
        int width = switch (descr) {
            case "<f4" -> 4;
            case "<f2" -> 2;
            case "<f8" -> 8;
            default -> throw new NpyException(name + ": dtype '" + descr + "' not supported, expected <f4, <f2 or <f8");
        };
        long count = shape[0] * shape[1];
        if (count > Integer.MAX_VALUE - 8) {
            throw new NpyException(name + ": " + count + " values exceed one array; split the file");
        }
        if (size >= 0 && size - 10 - headerLen < count * width) {
            throw new NpyException(name + ": data holds " + (size - 10 - headerLen) + " bytes, shape needs " + count * width);
        }
        float[] data = new float[(int) count];
        byte[] buf = new byte[width * 4096];
        int i = 0;
        while (i < data.length) {
            int n = Math.min(4096, data.length - i);
            in.readFully(buf, 0, n * width);
            ByteBuffer bb = ByteBuffer.wrap(buf, 0, n * width).order(ByteOrder.LITTLE_ENDIAN);
            for (int j = 0; j < n; j++) {
                data[i++] = switch (width) {
                    case 4 -> bb.getFloat();
                    case 2 -> Float.float16ToFloat(bb.getShort());
                    default -> (float) bb.getDouble();
                };
            }
        }
        return new Matrix((int) shape[0], (int) shape[1], data);
    }

    private static String group(Pattern p, String header, String name, String key) throws NpyException {
        Matcher m = p.matcher(header);
        if (!m.find()) {
            throw new NpyException(name + ": .npy header lacks '" + key + "'");
        }
        return m.group(1);
    }

    /** Writes a float32 C-order matrix. */
    public static void write(Path file, Matrix m) throws IOException {
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file), 1 << 20)) {
            writeHeader(out, m.rows(), m.cols());
            writeRows(out, m.data(), 0, m.data().length);
        }
    }

    /** Writes a version-1.0 header for a float32 [rows, cols] array. */
    public static void writeHeader(OutputStream out, long rows, int cols) throws IOException {
        String dict = "{'descr': '<f4', 'fortran_order': False, 'shape': (" + rows + ", " + cols + "), }";
        int total = 10 + dict.length() + 1;
        int pad = (64 - total % 64) % 64;
        String header = dict + " ".repeat(pad) + "\n";
        out.write(MAGIC);
        out.write(1);
        out.write(0);
        out.write(header.length() & 0xff);
        out.write((header.length() >> 8) & 0xff);
        out.write(header.getBytes(StandardCharsets.ISO_8859_1));
    }

    public static void writeRows(OutputStream out, float[] data, int from, int to) throws IOException {
        ByteBuffer bb = ByteBuffer.allocate(1 << 16).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = from; i < to; i++) {
            if (!bb.hasRemaining()) {
                out.write(bb.array(), 0, bb.position());
                bb.clear();
            }
            bb.putFloat(data[i]);
        }
        out.write(bb.array(), 0, bb.position());
    }
}
