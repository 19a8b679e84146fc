package dev.saemonitor.testing;

import dev.saemonitor.modelpack.Catalog;
import dev.saemonitor.modelpack.PackFiles;
import dev.saemonitor.modelpack.PackManifest;
import dev.saemonitor.modelpack.PackWriter;
import dev.saemonitor.modelpack.SaeArchitecture;
import dev.saemonitor.modelpack.SaeConfig;
import dev.saemonitor.modelpack.SaeWeights;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Test packs: the smallest real reader (all-MiniLM-L6-v2 quantised, unpacked by the build from Maven
 * Central) and an SAE with seeded random weights, so the suite needs nothing outside Maven Central.
 */
public final class TestPacks {
    public static final String READER_ID = "all-minilm-l6-v2-q";
    public static final PackManifest.Reader READER = new PackManifest.Reader(READER_ID,
            READER_ID + "/all-minilm-l6-v2-q.onnx", null, READER_ID + "/all-minilm-l6-v2-q-tokenizer.json", null,
            3, 128, 32);
    public static final List<String> CATEGORIES = List.of("deception", "sycophancy", "bias", "dangerous_content");

    private TestPacks() {
    }

    public static Path readersDir() {
        return PackFiles.defaultReadersDir();
    }

    /** Random SAELens weights; the encoder bias is negative so ReLU codes are sparse. */
    public static SaeWeights randomSae(SaeArchitecture arch, int dIn, int dSae, int k, boolean applyBDec, long seed) {
        Random r = new Random(seed);
        float[] wEnc = new float[dIn * dSae];
        float scale = (float) (1 / Math.sqrt(dIn));
        for (int i = 0; i < wEnc.length; i++) {
            wEnc[i] = (float) r.nextGaussian() * scale;
        }
        float[] wDec = new float[dSae * dIn];
        for (int i = 0; i < dIn; i++) {
            for (int j = 0; j < dSae; j++) {
                wDec[j * dIn + i] = wEnc[i * dSae + j];
            }
        }
        float[] bEnc = new float[dSae];
        float[] thr = arch == SaeArchitecture.JUMPRELU ? new float[dSae] : null;
        for (int j = 0; j < dSae; j++) {
            bEnc[j] = (float) (r.nextGaussian() * 0.1 - 0.3);
            if (thr != null) {
                thr[j] = (float) (r.nextDouble() * 0.5);
            }
        }
        float[] bDec = new float[dIn];
        for (int i = 0; i < dIn; i++) {
            bDec[i] = (float) (r.nextGaussian() * 0.05);
        }
        SaeConfig cfg = new SaeConfig(arch, dIn, dSae, arch == SaeArchitecture.TOPK ? k : 0, applyBDec,
                "blocks.2.hook_resid_post", READER_ID);
        return new SaeWeights(cfg, wEnc, bEnc, wDec, bDec, thr);
    }

    /** The served model of the external-reader test packs, and where its activations are read. */
    public static final PackManifest.External EXTERNAL = new PackManifest.External("test-org/served-lm-8b", 3,
            "blocks.2.hook_resid_post", 384);

    /** Writes and seals a complete pack with a random SAE and a random catalog. */
    public static Path write(Path dir, SaeArchitecture arch, int dSae, long seed) throws IOException {
        return write(dir, arch, dSae, seed, READER);
    }

    /** As {@link #write(Path, SaeArchitecture, int, long)}, with an external reader ({@link #EXTERNAL}): no ONNX. */
    public static Path writeExternal(Path dir, SaeArchitecture arch, int dSae, long seed) throws IOException {
        return write(dir, arch, dSae, seed, PackManifest.Reader.external(EXTERNAL));
    }

    private static Path write(Path dir, SaeArchitecture arch, int dSae, long seed, PackManifest.Reader reader)
            throws IOException {
        SaeWeights sae = randomSae(arch, 384, dSae, 16, true, seed);
        Files.createDirectories(dir.resolve("sae"));
        sae.save(dir.resolve("sae"));
        Random r = new Random(seed + 1);
        List<Catalog.Category> cats = new ArrayList<>();
        for (String name : CATEGORIES) {
            List<Catalog.Feature> feats = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                int id = r.nextInt(dSae);
                feats.add(new Catalog.Feature(id, i % 2 == 0 ? Catalog.Pool.max : Catalog.Pool.mean,
                        0.5 + r.nextDouble(), "random feature " + id, 0.1));
            }
            Catalog.Severity sev = name.equals("dangerous_content") ? Catalog.Severity.critical : Catalog.Severity.warning;
            cats.add(new Catalog.Category(name, sev, -1.0, 0.5, feats,
                    new Catalog.ThresholdChoice("fixed (test pack)", null, null, null, null, null)));
        }
        PackWriter.writeCatalog(dir.resolve("catalog.yaml"), new Catalog(new Catalog.Segmentation(16, 4), cats));
        StringBuilder cards = new StringBuilder();
        for (int id = 0; id < dSae; id++) {
            cards.append("{\"id\":").append(id).append(",\"label\":\"\",\"firingRate\":0.0}\n");
        }
        Files.writeString(dir.resolve("features.jsonl"), cards);
        PackWriter.seal(dir, "test-" + arch.saeLensName(), "0.0.1-test", reader, readersDir());
        return dir;
    }
}
