package dev.saemonitor.activations;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Streams float32 rows of a fixed width into a {@code .npy} file whose row count is only known at the
 * end: rows go to a body file, and {@link #close()} writes header + body into the target.
 */
public final class NpyWriter implements AutoCloseable {
    private final Path target;
    private final Path body;
    private final OutputStream out;
    private final int cols;
    private long rows;

    public NpyWriter(Path target, int cols) throws IOException {
        this.target = target;
        this.cols = cols;
        this.body = target.resolveSibling(target.getFileName() + ".part");
        this.out = new BufferedOutputStream(Files.newOutputStream(body), 1 << 20);
    }

    public void append(float[] data, int fromRow, int count) throws IOException {
        Npy.writeRows(out, data, fromRow * cols, (fromRow + count) * cols);
        rows += count;
    }

    public long rows() {
        return rows;
    }

    @Override
    public void close() throws IOException {
        out.close();
        try (OutputStream o = new BufferedOutputStream(Files.newOutputStream(target), 1 << 20)) {
            Npy.writeHeader(o, rows, cols);
            Files.copy(body, o);
        } finally {
            Files.deleteIfExists(body);
        }
    }
}
