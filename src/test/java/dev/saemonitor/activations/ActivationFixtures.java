package dev.saemonitor.activations;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Activation files written in test code, in the format an export from a served model writes: {@code .npy}
 * {@code [tokens, d]} as {@code <f4} or {@code <f2}, and the index JSONL (row, text id, token, start, end in code points).
 */
public final class ActivationFixtures {
    private static final ObjectMapper JSON = new ObjectMapper();

    private ActivationFixtures() {
    }

    /** Writes a C-order {@code .npy} of {@code rows x cols} values as float32 or float16 (numpy's own header layout). */
    public static void writeNpy(Path file, float[] data, int rows, int cols, boolean f16) throws IOException {
        String dict = "{'descr': '" + (f16 ? "<f2" : "<f4") + "', 'fortran_order': False, 'shape': (" + rows + ", " + cols + "), }";
        int pad = (64 - (10 + dict.length() + 1) % 64) % 64;
        String header = dict + " ".repeat(pad) + "\n";
        ByteBuffer bb = ByteBuffer.allocate(data.length * (f16 ? 2 : 4)).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : data) {
            if (f16) {
                bb.putShort(Float.floatToFloat16(v));
            } else {
                bb.putFloat(v);
            }
        }
        try (OutputStream out = Files.newOutputStream(file)) {
            out.write(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0});
            out.write(header.length() & 0xff);
            out.write(header.length() >> 8);
            out.write(header.getBytes(StandardCharsets.ISO_8859_1));
            out.write(bb.array());
        }
    }

    /** One index line. */
    public record IndexRow(String text, long token, int start, int end) {
    }

    public static void writeIndex(Path file, List<IndexRow> rows) throws IOException {
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < rows.size(); i++) {
            IndexRow r = rows.get(i);
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("row", i);
            m.put("text", r.text());
            m.put("token", r.token());
            m.put("start", r.start());
            m.put("end", r.end());
            lines.add(JSON.writeValueAsString(m));
        }
        Files.write(file, lines);
    }

    /** Word tokens of a text (maximal runs without spaces) with their spans in code points, as an export would give. */
    public static List<int[]> wordSpans(String text) {
        List<int[]> out = new ArrayList<>();
        int[] cps = text.codePoints().toArray();
        for (int i = 0; i < cps.length; ) {
            if (Character.isWhitespace(cps[i])) {
                i++;
                continue;
            }
            int j = i;
            while (j < cps.length && !Character.isWhitespace(cps[j])) {
                j++;
            }
            out.add(new int[] {i, j});
            i = j;
        }
        return out;
    }

    /** A whole-format copy of {@code prefix}'s .npy as float16 beside it ({@code <out>.npy}, index copied). */
    public static Path toF16(Path prefix, Path out) throws IOException {
        Npy.Matrix m = Npy.read(Path.of(prefix + ".npy"));
        writeNpy(Path.of(out + ".npy"), m.data(), m.rows(), m.cols(), true);
        Files.copy(Path.of(prefix + ".index.jsonl"), Path.of(out + ".index.jsonl"));
        return out;
    }
}
