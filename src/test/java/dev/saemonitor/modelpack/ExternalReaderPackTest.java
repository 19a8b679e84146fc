package dev.saemonitor.modelpack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.saemonitor.testing.TestPacks;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** pack.yaml {@code reader: {external: {modelId, layer, hook, dIn}}}: loads without ONNX, and each bad key is named. */
class ExternalReaderPackTest {
    @TempDir
    Path tmp;

    private Path pack() throws Exception {
        return TestPacks.writeExternal(tmp.resolve("ext"), SaeArchitecture.RELU, 64, 9);
    }

    /** Rewrites pack.yaml's reader (pack.yaml is not in its own files list, so the checksums still hold). */
    private static void reader(Path dir, PackManifest.Reader r) throws Exception {
        PackManifest m = PackFiles.YAML.readValue(dir.resolve(PackManifest.FILE).toFile(), PackManifest.class);
        PackFiles.YAML.writeValue(dir.resolve(PackManifest.FILE).toFile(), new PackManifest(m.name(), m.version(), r,
                m.sae(), m.catalog(), m.features(), m.eval(), m.files()));
    }

    @Test
    void loadsWithoutOnnxAndNamesTheServedModel() throws Exception {
        Path dir = pack();
        String yaml = Files.readString(dir.resolve(PackManifest.FILE));
        assertThat(yaml).contains("external:").contains("modelId: test-org/served-lm-8b")
                .doesNotContain("onnx").doesNotContain("maxTokens");
        ModelPack p = PackLoader.load(dir, tmp.resolve("no-readers-here"));
        assertThat(p.externalReader()).isTrue();
        assertThat(p.readerOnnx()).isNull();
        assertThat(p.reader().id()).isEqualTo("test-org/served-lm-8b");
        assertThat(p.reader().layer()).isEqualTo(3);
        assertThat(PackLoader.loadHeaderOnly(dir, tmp).sae().config().dIn()).isEqualTo(384);

        // re-sealed from the loaded reader (id and layer filled in), it still loads
        PackWriter.seal(dir, p.name(), "0.0.2", p.reader(), tmp);
        assertThat(PackLoader.load(dir, tmp).reader().external()).isEqualTo(TestPacks.EXTERNAL);
    }

    @Test
    void aWidthOtherThanTheSaesIsRefusedNamingTheKey() throws Exception {
        Path dir = pack();
        reader(dir, PackManifest.Reader.external(new PackManifest.External("test-org/served-lm-8b", 3,
                "blocks.2.hook_resid_post", 4096)));
        assertThatThrownBy(() -> PackLoader.load(dir, tmp)).isInstanceOf(PackException.class)
                .hasMessageContaining("pack.yaml").hasMessageContaining("reader.external.dIn is 4096")
                .hasMessageContaining("expected the SAE's d_in 384").hasMessageContaining("cfg.json");
    }

    @Test
    void aHookAtAnotherLayerIsRefused() throws Exception {
        Path dir = pack();
        reader(dir, PackManifest.Reader.external(new PackManifest.External("m", 3, "blocks.3.hook_resid_post", 384)));
        assertThatThrownBy(() -> PackLoader.load(dir, tmp)).hasMessageContaining("reader.external.hook")
                .hasMessageContaining("after 4 blocks").hasMessageContaining("reader.external.layer is 3");
        // hook_resid_pre of block 3 is after 3 blocks: the same place as layer 3
        reader(dir, PackManifest.Reader.external(new PackManifest.External("m", 3, "blocks.3.hook_resid_pre", 384)));
        assertThat(PackLoader.load(dir, tmp).reader().layer()).isEqualTo(3);
    }

    @Test
    void missingOrConflictingKeysAreRefused() throws Exception {
        Path dir = pack();
        reader(dir, PackManifest.Reader.external(new PackManifest.External(null, 3, "blocks.2.hook_resid_post", 384)));
        assertThatThrownBy(() -> PackLoader.load(dir, tmp)).hasMessageContaining("reader.external.modelId missing");
        reader(dir, PackManifest.Reader.external(new PackManifest.External("m", 0, "blocks.2.hook_resid_post", 384)));
        assertThatThrownBy(() -> PackLoader.load(dir, tmp)).hasMessageContaining("reader.external.layer is 0");
        reader(dir, PackManifest.Reader.external(new PackManifest.External("m", 3, null, 384)));
        assertThatThrownBy(() -> PackLoader.load(dir, tmp)).hasMessageContaining("reader.external.hook missing")
                .hasMessageContaining("blocks.2.hook_resid_post");
        PackManifest.External e = new PackManifest.External("m", 3, "blocks.2.hook_resid_post", 384);
        reader(dir, new PackManifest.Reader(null, "x.onnx", null, null, null, 0, 0, 0, null, null, null, null, e));
        assertThatThrownBy(() -> PackLoader.load(dir, tmp)).hasMessageContaining("reader.onnx is set beside reader.external");
        reader(dir, new PackManifest.Reader("other", null, null, null, null, 0, 0, 0, null, null, null, null, e));
        assertThatThrownBy(() -> PackLoader.load(dir, tmp)).hasMessageContaining("reader.id must equal reader.external.modelId");
    }
}
