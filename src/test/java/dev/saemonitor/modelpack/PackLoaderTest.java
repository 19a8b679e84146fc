package dev.saemonitor.modelpack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.saemonitor.testing.TestPacks;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PackLoaderTest {
    @TempDir
    Path tmp;

    @Test
    void loadsASealedPack() throws Exception {
        Path dir = TestPacks.write(tmp.resolve("p"), SaeArchitecture.TOPK, 256, 3);
        ModelPack p = PackLoader.load(dir, TestPacks.readersDir());
        assertThat(p.name()).isEqualTo("test-topk");
        assertThat(p.sae().config().k()).isEqualTo(16);
        assertThat(p.catalog().categories()).hasSize(4);
        assertThat(p.sha256()).hasSize(64);
    }

    @Test
    void oneChangedByteInTheWeightsIsRefusedNamingTheFile() throws Exception {
        Path dir = TestPacks.write(tmp.resolve("p"), SaeArchitecture.RELU, 128, 3);
        Path w = dir.resolve("sae/sae_weights.safetensors");
        try (RandomAccessFile f = new RandomAccessFile(w.toFile(), "rw")) {
            f.seek(f.length() - 5);
            int b = f.read();
            f.seek(f.length() - 5);
            f.write(b ^ 0x01);
        }
        assertThatThrownBy(() -> PackLoader.load(dir, TestPacks.readersDir()))
                .isInstanceOf(PackException.class)
                .hasMessageContaining("sae_weights.safetensors").hasMessageContaining("sha256");
    }

    @Test
    void missingFileIsRefused() throws Exception {
        Path dir = TestPacks.write(tmp.resolve("p"), SaeArchitecture.RELU, 128, 3);
        Files.delete(dir.resolve("catalog.yaml"));
        assertThatThrownBy(() -> PackLoader.load(dir, TestPacks.readersDir()))
                .hasMessageContaining("catalog.yaml").hasMessageContaining("missing");
    }

    @Test
    void truncatedFileIsRefused() throws Exception {
        Path dir = TestPacks.write(tmp.resolve("p"), SaeArchitecture.RELU, 128, 3);
        Path w = dir.resolve("sae/sae_weights.safetensors");
        try (var ch = java.nio.channels.FileChannel.open(w, StandardOpenOption.WRITE)) {
            ch.truncate(ch.size() / 2);
        }
        assertThatThrownBy(() -> PackLoader.load(dir, TestPacks.readersDir()))
                .hasMessageContaining("sae_weights.safetensors");
    }

    @Test
    void missingPackYamlIsRefused() {
        assertThatThrownBy(() -> PackLoader.load(tmp, TestPacks.readersDir()))
                .isInstanceOf(PackException.class).hasMessageContaining("pack.yaml");
    }

    @Test
    void shapeThatDisagreesWithCfgIsRefused() throws Exception {
        Path dir = tmp.resolve("sae");
        TestPacks.randomSae(SaeArchitecture.RELU, 16, 32, 0, true, 1).save(dir);
        // cfg claims a wider SAE than the weights hold
        String cfg = Files.readString(dir.resolve("cfg.json")).replace("\"d_sae\" : 32", "\"d_sae\" : 64");
        Files.writeString(dir.resolve("cfg.json"), cfg);
        assertThatThrownBy(() -> SaeWeights.load(dir))
                .hasMessageContaining("W_enc").hasMessageContaining("[16, 64]");
    }

    @Test
    void safetensorsHeaderThatLiesAboutSizesIsRefused() throws Exception {
        Path f = tmp.resolve("x.safetensors");
        Safetensors.write(f, java.util.List.of(new Tensor("a", new long[] {2, 2}, new float[4])), null);
        byte[] bytes = Files.readAllBytes(f);
        long headerLen = ByteBuffer.wrap(bytes, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        String header = new String(bytes, 8, (int) headerLen).replace("[2,2]", "[4,4]");
        byte[] lie = header.getBytes();
        System.arraycopy(lie, 0, bytes, 8, lie.length);
        Files.write(f, bytes);
        assertThatThrownBy(() -> Safetensors.read(f)).hasMessageContaining("tensor 'a'").hasMessageContaining("bytes");
        Files.write(f, java.util.Arrays.copyOf(bytes, 5));
        assertThatThrownBy(() -> Safetensors.read(f)).hasMessageContaining("8-byte header");
    }

    @Test
    void safetensorsRoundTrip() throws Exception {
        Path f = tmp.resolve("x.safetensors");
        float[] data = {1.5f, -2f, 3.25f, 0f, 7f, 8f};
        Safetensors.write(f, java.util.List.of(new Tensor("w", new long[] {2, 3}, data)), java.util.Map.of("k", "v"));
        Tensor t = Safetensors.read(f).get("w");
        assertThat(t.shape()).containsExactly(2, 3);
        assertThat(t.data()).containsExactly(data);
    }
}
