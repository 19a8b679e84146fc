package dev.saemonitor.modelpack;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.RandomAccessFile;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Tensors past 2^31 bytes: a sparse safetensors file (RandomAccessFile.setLength, a few values written, the rest
 * holes, about 4.3 GB apparent and a few KB on disk, deleted after) declaring sparsify's {@code encoder.weight
 * [d_sae, d_in]} and SAELens's {@code W_enc [d_in, d_sae]} at d_in 384 and d_sae 1.4M (2.15 GB each), then a small
 * tensor whose bytes start past 4 GB. Rows and columns come back right and nothing near the tensor's size is allocated.
 */
class LargeTensorTest {
    private static final int D_IN = 384, D_SAE = 1_400_000;
    private static final long BIG = (long) D_IN * D_SAE * 4;
    @TempDir
    Path tmp;

    @Test
    void rowsAndColumnsOfATensorPast2GiBAreReadWithoutAllocatingIt() throws Exception {
        assertThat(BIG).isGreaterThan(1L << 31);
        ObjectNode h = new ObjectMapper().createObjectNode();
        spec(h, "encoder.weight", 0, BIG, D_SAE, D_IN);
        spec(h, "W_enc", BIG, 2 * BIG, D_IN, D_SAE);
        spec(h, "b_dec", 2 * BIG, 2 * BIG + 4L * D_IN, D_IN);
        byte[] header = new ObjectMapper().writeValueAsBytes(h);
        long data = 8 + header.length;
        Path file = tmp.resolve("sae.safetensors");
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(header.length).array());
            f.write(header);
            f.setLength(data + 2 * BIG + 4L * D_IN);
            put(f, data + ((long) (D_SAE - 1) * D_IN + (D_IN - 1)) * 4, 1.5f);   // encoder.weight[last, last]
            put(f, data + ((long) 1_000_000 * D_IN + 7) * 4, -2.25f);           // encoder.weight[1e6, 7]
            put(f, data + BIG + ((long) 383 * D_SAE + 1_399_998) * 4, 3.0f);    // W_enc[383, 1399998]
            put(f, data + BIG + ((long) 5 * D_SAE + 9) * 4, 0.5f);              // W_enc[5, 9]
            put(f, data + 2 * BIG + 4L * 100, 7.0f);                             // b_dec[100]
        }
        assertThat(Files.size(file)).isGreaterThan(2 * BIG);

        var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long before = threads.getCurrentThreadAllocatedBytes();
        float[] rows, cols, bias;
        try (SafetensorsFile f = SafetensorsFile.open(file)) {
            rows = f.rows("encoder.weight", new int[] {D_SAE - 1, 1_000_000, 3});
            cols = f.columns("W_enc", new int[] {9, 1_399_998});
            bias = f.floats("b_dec").data();
        }
        long allocated = threads.getCurrentThreadAllocatedBytes() - before;
        assertThat(allocated).as("bytes allocated reading from a %d-byte tensor", BIG).isLessThan(8L << 20);

        assertThat(rows).hasSize(3 * D_IN);
        assertThat(rows[D_IN - 1]).isEqualTo(1.5f);
        assertThat(rows[D_IN + 7]).isEqualTo(-2.25f);
        assertThat(rows[2 * D_IN + 7]).isZero();
        assertThat(cols).hasSize(2 * D_IN);
        assertThat(cols[5 * 2]).isEqualTo(0.5f);
        assertThat(cols[383 * 2 + 1]).isEqualTo(3.0f);
        assertThat(cols[383 * 2]).isZero();
        assertThat(bias[100]).isEqualTo(7.0f);
    }

    @Test
    void aPackSaePast2GiBServesItsMonitoredColumnsFromTheFile() throws Exception {
        Path dir = tmp.resolve("sae");
        new SaeConfig(SaeArchitecture.RELU, D_IN, D_SAE, 0, false, "", "").write(dir.resolve(SaeWeights.CONFIG_FILE));
        ObjectNode h = new ObjectMapper().createObjectNode();
        long bEnc = BIG, wDec = BIG + 4L * D_SAE, bDec = wDec + BIG;
        spec(h, "W_enc", 0, BIG, D_IN, D_SAE);
        spec(h, "b_enc", bEnc, wDec, D_SAE);
        spec(h, "W_dec", wDec, bDec, D_SAE, D_IN);
        spec(h, "b_dec", bDec, bDec + 4L * D_IN, D_IN);
        byte[] header = new ObjectMapper().writeValueAsBytes(h);
        long data = 8 + header.length;
        try (RandomAccessFile f = new RandomAccessFile(dir.resolve(SaeWeights.WEIGHTS_FILE).toFile(), "rw")) {
            f.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(header.length).array());
            f.write(header);
            f.setLength(data + bDec + 4L * D_IN);
            put(f, data + ((long) 5 * D_SAE + 9) * 4, 0.5f);                 // W_enc[5, 9]
            put(f, data + ((long) 383 * D_SAE + 1_399_998) * 4, 3.0f);       // W_enc[383, 1399998]
            put(f, data + bEnc + 9L * 4, 0.25f);                             // b_enc[9]
            put(f, data + bEnc + 1_399_998L * 4, -1.0f);                     // b_enc[1399998]
        }
        int[] ids = {9, 77, 1_399_998};
        var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long before = threads.getCurrentThreadAllocatedBytes();
        SaeWeights headerOnly = SaeColumns.header(dir);
        SaeWeights columns = SaeColumns.read(dir, headerOnly.config(), ids);
        long allocated = threads.getCurrentThreadAllocatedBytes() - before;
        assertThat(headerOnly.isLoaded()).isFalse();
        assertThat(allocated).as("bytes allocated loading a pack SAE of %d-byte matrices", BIG).isLessThan(8L << 20);

        float[] x = new float[D_IN];
        x[5] = 2;
        x[383] = 1;
        try (var enc = dev.saemonitor.sae.SaeEncoder.ofColumns(ai.onnxruntime.OrtEnvironment.getEnvironment(),
                new ai.onnxruntime.OrtSession.SessionOptions(), columns, ids, D_SAE)) {
            var codes = enc.encode(x, 1);
            assertThat(codes.features()).containsExactly(9, 1_399_998);
            assertThat(codes.values()).containsExactly(1.25f, 2.0f);
        }
    }

    private static void spec(ObjectNode h, String name, long begin, long end, long... shape) {
        ObjectNode s = h.putObject(name).put("dtype", "F32");
        var sh = s.putArray("shape");
        for (long d : shape) {
            sh.add(d);
        }
        s.putArray("data_offsets").add(begin).add(end);
    }

    private static void put(RandomAccessFile f, long at, float v) throws Exception {
        f.seek(at);
        f.write(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putFloat(v).array());
    }
}
