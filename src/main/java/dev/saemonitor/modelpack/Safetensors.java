package dev.saemonitor.modelpack;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads and writes the safetensors format (8-byte little-endian header length, JSON header,
 * raw little-endian data). Every header claim is checked against the file before any data is
 * trusted: offsets inside the data section, sizes equal to dtype x shape, no overlaps.
 */
public final class Safetensors {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long MAX_HEADER = 100L * 1024 * 1024;

    private Safetensors() {
    }

    /** Reads every tensor as float32 (F16 and BF16 are widened). */
    public static Map<String, Tensor> read(Path file) {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            if (size < 8) {
                throw PackException.of(file, "safetensors file is " + size + " bytes, expected at least an 8-byte header length");
            }
            ByteBuffer lenBuf = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
            readFully(ch, lenBuf, 0);
            long headerLen = lenBuf.flip().getLong();
            if (headerLen <= 0 || headerLen > MAX_HEADER || 8 + headerLen > size) {
                throw PackException.of(file, "safetensors header length " + headerLen + " does not fit a file of " + size + " bytes");
            }
            ByteBuffer header = ByteBuffer.allocate((int) headerLen);
            readFully(ch, header, 8);
            JsonNode root;
            try {
                root = JSON.readTree(new String(header.array(), StandardCharsets.UTF_8));
            } catch (IOException e) {
                throw PackException.of(file, "safetensors header is not valid JSON");
            }
            long dataStart = 8 + headerLen;
            long dataLen = size - dataStart;
            Map<String, Tensor> out = new LinkedHashMap<>();
            List<long[]> ranges = new ArrayList<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                if (e.getKey().equals("__metadata__")) {
                    continue;
                }
                out.put(e.getKey(), readTensor(file, ch, e.getKey(), e.getValue(), dataStart, dataLen, ranges));
            }
            return out;
        } catch (IOException e) {
            throw new PackException(file + ": cannot read safetensors file (" + e.getMessage() + ")", e);
        }
    }

    private static Tensor readTensor(Path file, FileChannel ch, String name, JsonNode spec, long dataStart, long dataLen,
                                     List<long[]> ranges) throws IOException {
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
            count = Tensor.elementCount(shape);
        } catch (ArithmeticException e) {
            throw PackException.of(file, "tensor '" + name + "' shape overflows");
        }
        if (begin < 0 || end < begin || end > dataLen) {
            throw PackException.of(file, "tensor '" + name + "' data_offsets [" + begin + ", " + end
                    + "] fall outside the " + dataLen + "-byte data section (file truncated or header lies)");
        }
        if (end - begin != count * width) {
            throw PackException.of(file, "tensor '" + name + "' spans " + (end - begin) + " bytes, expected "
                    + count * width + " for " + dtype + " shape " + java.util.Arrays.toString(shape));
        }
        if (count > Integer.MAX_VALUE - 8) {
            throw PackException.of(file, "tensor '" + name + "' is too large");
        }
        for (long[] r : ranges) {
            if (begin < r[1] && r[0] < end) {
                throw PackException.of(file, "tensor '" + name + "' overlaps another tensor's bytes");
            }
        }
        ranges.add(new long[] {begin, end});
        ByteBuffer buf = ByteBuffer.allocate((int) (end - begin)).order(ByteOrder.LITTLE_ENDIAN);
        readFully(ch, buf, dataStart + begin);
        buf.flip();
        float[] data = new float[(int) count];
        switch (dtype) {
            case "F32" -> buf.asFloatBuffer().get(data);
            case "F16" -> {
                for (int i = 0; i < data.length; i++) {
                    data[i] = Float.float16ToFloat(buf.getShort());
                }
            }
            default -> {
                for (int i = 0; i < data.length; i++) {
                    data[i] = Float.intBitsToFloat((buf.getShort() & 0xffff) << 16);
                }
            }
        }
        return new Tensor(name, shape, data);
    }

    private static void readFully(FileChannel ch, ByteBuffer buf, long pos) throws IOException {
        while (buf.hasRemaining()) {
            int n = ch.read(buf, pos);
            if (n < 0) {
                throw new IOException("unexpected end of file");
            }
            pos += n;
        }
    }

    /** Writes float32 tensors in the given order, with optional string metadata. */
    public static void write(Path file, List<Tensor> tensors, Map<String, String> metadata) throws IOException {
        ObjectNode header = JSON.createObjectNode();
        if (metadata != null && !metadata.isEmpty()) {
            ObjectNode meta = header.putObject("__metadata__");
            metadata.forEach(meta::put);
        }
        long offset = 0;
        for (Tensor t : tensors) {
            ObjectNode spec = header.putObject(t.name());
            spec.put("dtype", "F32");
            var shape = spec.putArray("shape");
            for (long s : t.shape()) {
                shape.add(s);
            }
            long len = (long) t.data().length * 4;
            spec.putArray("data_offsets").add(offset).add(offset + len);
            offset += len;
        }
        byte[] headerBytes = JSON.writeValueAsBytes(header);
        int pad = (8 - headerBytes.length % 8) % 8;
        byte[] padded = new byte[headerBytes.length + pad];
        System.arraycopy(headerBytes, 0, padded, 0, headerBytes.length);
        java.util.Arrays.fill(padded, headerBytes.length, padded.length, (byte) ' ');
        Files.createDirectories(file.toAbsolutePath().getParent());
        try (OutputStream out = new java.io.BufferedOutputStream(Files.newOutputStream(file), 1 << 20)) {
            ByteBuffer len = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(padded.length);
            out.write(len.array());
            out.write(padded);
            ByteBuffer chunk = ByteBuffer.allocate(1 << 16).order(ByteOrder.LITTLE_ENDIAN);
            for (Tensor t : tensors) {
                for (float v : t.data()) {
                    if (!chunk.hasRemaining()) {
                        out.write(chunk.array(), 0, chunk.position());
                        chunk.clear();
                    }
                    chunk.putFloat(v);
                }
            }
            out.write(chunk.array(), 0, chunk.position());
        }
    }
}
