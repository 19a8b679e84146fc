package dev.saemonitor.training;

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
import java.util.stream.Stream;

/**
 * Pack directories while a pack is being built: a new pack around a reader and layer (placeholder
 * SAE and catalog, so {@code extract} can run on it), and a pack whose SAE was just replaced (the old
 * catalog's feature ids mean nothing for the new SAE, so its heads are emptied until {@code calibrate}).
 */
public final class PackScaffold {
    /** Categories a fresh pack starts with; calibration replaces them with those in the labelled data. */
    public static final List<String> DEFAULT_CATEGORIES = List.of("deception", "sycophancy", "bias", "dangerous_content");

    private PackScaffold() {
    }

    /** The reader {@code id} under the readers directory: its one .onnx and one *tokenizer.json. */
    public static PackManifest.Reader reader(Path readersDir, String id, int layer, int maxTokens, int stride)
            throws IOException {
        Path dir = readersDir.resolve(id);
        if (!Files.isDirectory(dir)) {
            throw new IllegalArgumentException("no reader '" + id + "' under " + readersDir);
        }
        String onnx = null, tok = null;
        try (Stream<Path> s = Files.list(dir)) {
            for (Path f : s.sorted().toList()) {
                String n = f.getFileName().toString();
                if (n.endsWith(".onnx")) {
                    onnx = id + "/" + n;
                } else if (n.endsWith("tokenizer.json")) {
                    tok = id + "/" + n;
                }
            }
        }
        if (onnx == null || tok == null) {
            throw new IllegalArgumentException(dir + ": expected one .onnx and one *tokenizer.json");
        }
        return new PackManifest.Reader(id, onnx, null, tok, null, layer, maxTokens, stride);
    }

    /** Writes a sealed pack with a small random placeholder SAE and empty heads. */
    public static void init(Path dir, String name, PackManifest.Reader reader, Path readersDir, int dIn) throws IOException {
        Files.createDirectories(dir.resolve("sae"));
        Random r = new Random(0);
        int dSae = 16;
        float[] wEnc = new float[dIn * dSae];
        for (int i = 0; i < wEnc.length; i++) {
            wEnc[i] = (float) r.nextGaussian();
        }
        SaeConfig cfg = reader.hasExternal()
                ? new SaeConfig(SaeArchitecture.RELU, dIn, dSae, 0, true, reader.external().hook(), reader.external().modelId())
                : new SaeConfig(SaeArchitecture.RELU, dIn, dSae, 0, true, hook(reader.layer()), reader.id());
        new SaeWeights(cfg, wEnc, new float[dSae], new float[dSae * dIn], new float[dIn], null).save(dir.resolve("sae"));
        resetHeads(dir, DEFAULT_CATEGORIES);
        PackWriter.seal(dir, name, "0.0.0-scaffold", reader, readersDir);
    }

    /** After a new SAE: heads emptied (category names kept), feature cards and eval dropped, pack re-sealed. */
    public static void afterNewSae(Path dir, Path readersDir) throws IOException {
        PackManifest m = PackFiles.YAML.readValue(dir.resolve(PackManifest.FILE).toFile(), PackManifest.class);
        List<String> names = new ArrayList<>(DEFAULT_CATEGORIES);
        try {
            Catalog c = PackFiles.YAML.readValue(dir.resolve("catalog.yaml").toFile(), Catalog.class);
            names = c.categories().stream().map(Catalog.Category::name).toList();
        } catch (IOException | RuntimeException e) {
            // keep the default names
        }
        resetHeads(dir, names);
        Files.deleteIfExists(dir.resolve("eval.json"));
        PackWriter.seal(dir, m.name(), m.version(), m.reader(), readersDir);
    }

    static String hook(int layer) {
        return "encoder.layer." + (layer - 1) + ".output";
    }

    private static void resetHeads(Path dir, List<String> names) throws IOException {
        List<Catalog.Category> cats = new ArrayList<>();
        for (String n : names) {
            cats.add(new Catalog.Category(n, n.equals("dangerous_content") ? Catalog.Severity.critical : Catalog.Severity.warning,
                    -10.0, 0.5, List.of(), new Catalog.ThresholdChoice("uncalibrated", null, null, null, null, null)));
        }
        PackWriter.writeCatalog(dir.resolve("catalog.yaml"), new Catalog(cats));
        Files.writeString(dir.resolve("features.jsonl"), "");
    }
}
