package dev.saemonitor.modelpack;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A safetensors file mapped read-only, so tensors of 2 GiB and more are addressed with 64-bit offsets and read
 * piecewise: a whole tensor ({@link #floats}), chosen rows ({@link #rows}) or chosen columns ({@link #columns})
 * of a 2-D one, without ever copying the rest. Every header claim is checked before any data is trusted: offsets
 * inside the data section, sizes equal to dtype x shape, no overlaps. Written by hand because no JVM safetensors
 * reader maps files (the format is an 8-byte length, JSON, raw bytes).
 *
 * <p>The mapping is a row of {@link MappedByteBuffer} windows of 1 GiB (each overlapping the next by 8 bytes, so
 * no value straddles two), not one {@code java.lang.foreign.MemorySegment}: the service images run Java 21
 * ({@code docker/Dockerfile.jvm}), where the foreign-memory API is still a preview, and the build targets release
 * 21. With release 22+ the windows become one {@code FileChannel.map(..., Arena)} segment.
 */
public final class SafetensorsFile implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long MAX_HEADER = 100L * 1024 * 1024;
    private static final long WINDOW = 1L << 30;

    /** One tensor's header entry; {@code offset} is absolute in the file. */
    public record Entry(String name, String dtype, long[] shape, long offset, int width) {
        public long count() {
            return Tensor.elementCount(shape);
        }
    }

    private final Path file;
    private final MappedByteBuffer[] windows;
    private final Map<String, Entry> entries;

    private SafetensorsFile(Path file, MappedByteBuffer[] windows, Map<String, Entry> entries) {
        this.file = file;
        this.windows = windows;
        this.entries = entries;
    }

    public static SafetensorsFile open(Path file) {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            if (size < 8) {
                throw PackException.of(file, "safetensors file is " + size + " bytes, expected at least an 8-byte header length");
            }
            MappedByteBuffer[] windows = new MappedByteBuffer[(int) ((size + WINDOW - 1) / WINDOW)];
            for (int w = 0; w < windows.length; w++) {
                long from = w * WINDOW;
                windows[w] = ch.map(FileChannel.MapMode.READ_ONLY, from, Math.min(size - from, WINDOW + 8));
                windows[w].order(ByteOrder.LITTLE_ENDIAN);
            }
            long headerLen = windows[0].getLong(0);
            if (headerLen <= 0 || headerLen > MAX_HEADER || 8 + headerLen > size) {
                throw PackException.of(file, "safetensors header length " + headerLen + " does not fit a file of " + size + " bytes");
            }
            byte[] header = new byte[(int) headerLen];
            windows[0].get(8, header);
            JsonNode root;
            try {
                root = JSON.readTree(new String(header, StandardCharsets.UTF_8));
            } catch (IOException e) {
                throw PackException.of(file, "safetensors header is not valid JSON");
            }
            if (root == null || !root.isObject()) {
                throw PackException.of(file, "safetensors header is not a JSON object");
            }
            long dataStart = 8 + headerLen;
            Map<String, Entry> out = new LinkedHashMap<>();
            List<long[]> ranges = new ArrayList<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                if (!e.getKey().equals("__metadata__")) {
                    out.put(e.getKey(), entry(file, e.getKey(), e.getValue(), dataStart, size - dataStart, ranges));
                }
            }
            return new SafetensorsFile(file, windows, out);
        } catch (IOException e) {
            throw new PackException(file + ": cannot read safetensors file (" + e.getMessage() + ")", e);
        }
    }

    private static Entry entry(Path file, String name, JsonNode spec, long dataStart, long dataLen, List<long[]> ranges) {
        String dtype = spec.path("dtype").asText("");
        int width = switch (dtype) {
            case "F32" -> 4;
            case "F16", "BF16" -> 2;
            default -> throw PackException.of(file, "tensor '" + name + "' has dtype '" + dtype + "', expected F32, F16 or BF16");
        };
        JsonNode shapeNode = spec.path("shape");
        long[] shape = new long[shapeNode.size()];
        for (int i = 0; i < shape.length; i++) {
            shape[i] = shapeNode.get(i).asLong(-1);
            if (shape[i] < 0) {
                throw PackException.of(file, "tensor '" + name + "' has a negative dimension");
            }
        }
        JsonNode off = spec.path("data_offsets");
        if (off.size() != 2) {
            throw PackException.of(file, "tensor '" + name + "' lacks data_offsets [begin, end]");
        }
        long begin = off.get(0).asLong(), end = off.get(1).asLong();
        long count;
        try {
            count = Math.multiplyExact(Tensor.elementCount(shape), width);
        } catch (ArithmeticException e) {
            throw PackException.of(file, "tensor '" + name + "' shape overflows");
        }
        if (begin < 0 || end < begin || end > dataLen) {
            throw PackException.of(file, "tensor '" + name + "' data_offsets [" + begin + ", " + end
                    + "] fall outside the " + dataLen + "-byte data section (file truncated or header lies)");
        }
        if (end - begin != count) {
            throw PackException.of(file, "tensor '" + name + "' spans " + (end - begin) + " bytes, expected "
                    + count + " for " + dtype + " shape " + Arrays.toString(shape));
        }
        for (long[] r : ranges) {
            if (begin < r[1] && r[0] < end) {
                throw PackException.of(file, "tensor '" + name + "' overlaps another tensor's bytes");
            }
        }
        ranges.add(new long[] {begin, end});
        return new Entry(name, dtype, shape, dataStart + begin, width);
    }

    public Path file() {
        return file;
    }

    public Map<String, Entry> entries() {
        return entries;
    }

    /** The tensor's entry; refuses a missing one naming the file and what the layout expects. */
    public Entry require(String name, String expected) {
        Entry e = entries.get(name);
        if (e == null) {
            throw PackException.of(file, "tensor '" + name + "' missing, expected " + expected + " (found " + entries.keySet() + ")");
        }
        return e;
    }

    /** The whole tensor as float32 (F16 and BF16 widened); refuses one beyond a Java array. */
    public Tensor floats(String name) {
        Entry e = require(name, "a tensor of that name");
        long n = e.count();
        if (n > Integer.MAX_VALUE - 8) {
            throw PackException.of(file, "tensor '" + name + "' holds " + n + " values, more than one Java array; "
                    + "read it by rows or columns instead");
        }
        float[] out = new float[(int) n];
        for (int i = 0; i < out.length; i++) {
            out[i] = get(e, i);
        }
        return new Tensor(name, e.shape(), out);
    }

    /** Rows {@code ids} of a 2-D tensor {@code [R, C]}, as {@code [ids.length, C]} row-major. */
    public float[] rows(String name, int[] ids) {
        Entry e = matrix(name);
        long cols = e.shape()[1];
        float[] out = new float[Math.toIntExact(ids.length * cols)];
        for (int r = 0; r < ids.length; r++) {
            checkIndex(e, ids[r], e.shape()[0], "row");
            long base = ids[r] * cols;
            for (int c = 0; c < cols; c++) {
                out[(int) (r * cols + c)] = get(e, base + c);
            }
        }
        return out;
    }

    /** Columns {@code ids} of a 2-D tensor {@code [R, C]}, as {@code [R, ids.length]} row-major. */
    public float[] columns(String name, int[] ids) {
        Entry e = matrix(name);
        long rows = e.shape()[0], cols = e.shape()[1];
        for (int id : ids) {
            checkIndex(e, id, cols, "column");
        }
        float[] out = new float[Math.toIntExact(rows * ids.length)];
        for (long r = 0; r < rows; r++) {
            for (int j = 0; j < ids.length; j++) {
                out[(int) (r * ids.length + j)] = get(e, r * cols + ids[j]);
            }
        }
        return out;
    }

    /** Elements {@code ids} of a 1-D tensor. */
    public float[] elements(String name, int[] ids) {
        Entry e = require(name, "a 1-D tensor");
        if (e.shape().length != 1) {
            throw PackException.of(file, "tensor '" + name + "' has shape " + Arrays.toString(e.shape()) + ", expected 1-D");
        }
        float[] out = new float[ids.length];
        for (int j = 0; j < ids.length; j++) {
            checkIndex(e, ids[j], e.shape()[0], "element");
            out[j] = get(e, ids[j]);
        }
        return out;
    }

    private Entry matrix(String name) {
        Entry e = require(name, "a 2-D tensor");
        if (e.shape().length != 2) {
            throw PackException.of(file, "tensor '" + name + "' has shape " + Arrays.toString(e.shape()) + ", expected 2-D");
        }
        return e;
    }

    private void checkIndex(Entry e, int id, long bound, String what) {
        if (id < 0 || id >= bound) {
            throw PackException.of(file, "tensor '" + e.name() + "': " + what + " " + id + " outside [0, " + bound + ")");
        }
    }

    private float get(Entry e, long index) {
        long at = e.offset() + index * e.width();
        MappedByteBuffer w = windows[(int) (at / WINDOW)];
        int pos = (int) (at % WINDOW);
        return switch (e.dtype()) {
            case "F32" -> w.getFloat(pos);
            case "F16" -> Float.float16ToFloat(w.getShort(pos));
            default -> Float.intBitsToFloat((w.getShort(pos) & 0xffff) << 16);
        };
    }

    /** Drops the mapping's references; the pages are unmapped when the buffers are collected (Java 21 has no unmap). */
    @Override
    public void close() {
        java.util.Arrays.fill(windows, null);
    }
}
