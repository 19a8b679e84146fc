package dev.saemonitor.modelpack;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Loads a pack directory and refuses it, naming the file and what was expected, when a checksum,
 * a shape, or the catalog does not hold. The reader's ONNX names are checked when its session opens
 * ({@code activations.ReaderModel}), which also happens before anything is scored.
 */
public final class PackLoader {
    private PackLoader() {
    }

    public static ModelPack load(Path dir, Path readersDir) {
        return load(dir, readersDir, true);
    }

    /**
     * As {@link #load(Path, Path)}, but the SAE is read header-only ({@link SaeColumns#header}: config and every
     * tensor's shape checked, checksums verified, no weights in memory): for the service, whose encoder then reads
     * just the monitored columns from the file, or the whole SAE when it needs it (topk).
     */
    public static ModelPack loadHeaderOnly(Path dir, Path readersDir) {
        return load(dir, readersDir, false);
    }

    private static ModelPack load(Path dir, Path readersDir, boolean weights) {
        Path manifestFile = dir.resolve(PackManifest.FILE);
        if (!Files.isRegularFile(manifestFile)) {
            throw PackException.of(manifestFile, "missing: a model pack directory needs pack.yaml");
        }
        PackManifest m;
        String packSha;
        try {
            byte[] bytes = Files.readAllBytes(manifestFile);
            packSha = Checksums.sha256(bytes);
            m = PackFiles.YAML.readValue(bytes, PackManifest.class);
        } catch (IOException e) {
            throw PackException.of(manifestFile, "not a valid pack manifest (" + firstLine(e.getMessage()) + ")");
        }
        if (m != null && m.reader() != null && m.reader().hasExternal()) {
            m = ExternalReaderCheck.normalised(manifestFile, m);
        }
        checkManifest(manifestFile, m);
        for (Map.Entry<String, String> f : m.files().entrySet()) {
            verify(dir.resolve(f.getKey()), f.getValue());
        }
        Path saeDir = dir.resolve(m.sae().path());
        for (String required : List.of(m.sae().path() + "/" + SaeWeights.CONFIG_FILE,
                m.sae().path() + "/" + SaeWeights.WEIGHTS_FILE, m.catalog(), m.features())) {
            if (!m.files().containsKey(required)) {
                throw PackException.of(manifestFile, "files: has no sha256 for '" + required + "'");
            }
        }
        Path onnx = null, tokenizer = null;
        if (!m.reader().hasExternal()) {
            onnx = resolveReader(dir, readersDir, m.reader().onnx());
            tokenizer = resolveReader(dir, readersDir, m.reader().tokenizer());
            verify(onnx, m.reader().onnxSha256());
            verify(tokenizer, m.reader().tokenizerSha256());
        }
        SaeWeights sae = weights ? SaeWeights.load(saeDir) : SaeColumns.header(saeDir);
        if (m.reader().hasExternal() && m.reader().external().dIn() != sae.config().dIn()) {
            throw PackException.of(manifestFile, "reader.external.dIn is " + m.reader().external().dIn()
                    + ", expected the SAE's d_in " + sae.config().dIn() + " (" + saeDir.resolve(SaeWeights.CONFIG_FILE) + ")");
        }
        Path catalogFile = dir.resolve(m.catalog());
        Catalog catalog = readCatalog(catalogFile, sae.config().dSae(), sae.config().dIn());
        Map<Integer, FeatureCard> cards = readFeatureCards(dir.resolve(m.features()), sae.config().dSae());
        Map<Integer, String> labels = new HashMap<>();
        cards.forEach((id, card) -> labels.put(id, card.label()));
        for (Catalog.Category c : catalog.categories()) {
            for (Catalog.Feature f : c.features()) {
                if (f.label() != null && !f.label().isBlank()) {
                    labels.put(f.id(), f.label());
                }
            }
        }
        return new ModelPack(dir, m, packSha, onnx, tokenizer, sae, catalog, Map.copyOf(labels),
                Map.copyOf(cards));
    }

    private static void checkManifest(Path file, PackManifest m) {
        if (m == null || m.name() == null || m.name().isBlank()) {
            throw PackException.of(file, "'name' missing");
        }
        if (m.version() == null || m.version().isBlank()) {
            throw PackException.of(file, "'version' missing");
        }
        PackManifest.Reader r = m.reader();
        if (r == null || !r.hasExternal()) {
            checkOnnxReader(file, r);
        }
        checkSae(file, m);
    }

    private static void checkOnnxReader(Path file, PackManifest.Reader r) {
        if (r == null || r.onnx() == null || r.tokenizer() == null || r.onnxSha256() == null || r.tokenizerSha256() == null) {
            throw PackException.of(file, "'reader' needs onnx, onnxSha256, tokenizer, tokenizerSha256, layer, maxTokens, stride");
        }
        if (r.layer() < 1) {
            throw PackException.of(file, "reader.layer is " + r.layer() + ", expected >= 1 (blocks applied)");
        }
        if (r.maxTokens() < 8 || r.stride() < 0 || r.stride() >= r.maxTokens() - 2) {
            throw PackException.of(file, "reader.maxTokens " + r.maxTokens() + " / stride " + r.stride()
                    + ": expected maxTokens >= 8 and 0 <= stride < maxTokens - 2");
        }
        if (r.family() != null && !List.of("auto", "bert", "llama", "gpt2").contains(r.family())) {
            throw PackException.of(file, "reader.family is '" + r.family() + "', expected auto, bert, llama or gpt2");
        }
        if (r.bos() != null && !r.bos().equals("tokenizer") && !r.bos().equals("none") && !r.bos().matches("\\d+")) {
            throw PackException.of(file, "reader.bos is '" + r.bos() + "', expected tokenizer, none or a token id");
        }
        if (r.template() != null && !r.template().equals("plain")) {
            throw PackException.of(file, "reader.template is '" + r.template() + "'; only plain is supported (messages "
                    + "joined by newlines, no chat template): the monitor scores the text as sent");
        }
        if (r.residualPattern() != null) {
            try {
                if (java.util.regex.Pattern.compile(r.residualPattern()).matcher("").groupCount() != 1) {
                    throw PackException.of(file, "reader.residualPattern needs exactly one group (the 0-based block)");
                }
            } catch (java.util.regex.PatternSyntaxException e) {
                throw PackException.of(file, "reader.residualPattern is not a regex (" + e.getDescription() + ")");
            }
        }
    }

    private static void checkSae(Path file, PackManifest m) {
        if (m.sae() == null || !"saelens".equals(m.sae().format()) || m.sae().path() == null) {
            throw PackException.of(file, "'sae' must be {format: saelens, path: <dir>}");
        }
        if (m.catalog() == null || m.features() == null || m.files() == null || m.files().isEmpty()) {
            throw PackException.of(file, "'catalog', 'features' and 'files' (sha256 of every file) are required");
        }
    }

    private static Path resolveReader(Path packDir, Path readersDir, String ref) {
        Path p = Path.of(ref);
        if (p.isAbsolute()) {
            return p;
        }
        Path inPack = packDir.resolve(ref);
        return Files.exists(inPack) ? inPack : readersDir.resolve(ref);
    }

    private static void verify(Path file, String expectedSha) {
        if (!Files.isRegularFile(file)) {
            throw PackException.of(file, "missing (pack.yaml lists it with sha256 " + expectedSha + ")");
        }
        String actual;
        try {
            actual = Checksums.sha256(file);
        } catch (IOException e) {
            throw PackException.of(file, "unreadable (" + e.getMessage() + ")");
        }
        if (!actual.equalsIgnoreCase(expectedSha)) {
            throw PackException.of(file, "sha256 is " + actual + ", expected " + expectedSha
                    + " from pack.yaml (file changed or truncated)");
        }
    }

    static Catalog readCatalog(Path file, int dSae) {
        return readCatalog(file, dSae, -1);
    }

    /** Reads and checks a catalog; {@code dIn} (negative: unchecked) is the width a readout's weights must have. */
    static Catalog readCatalog(Path file, int dSae, int dIn) {
        Catalog c;
        try {
            c = PackFiles.YAML.readValue(file.toFile(), Catalog.class);
        } catch (IOException e) {
            throw PackException.of(file, "not a valid catalog (" + firstLine(e.getMessage()) + ")");
        }
        if (c == null || c.categories() == null || c.categories().isEmpty()) {
            throw PackException.of(file, "expected at least one category");
        }
        Set<String> names = new HashSet<>();
        for (Catalog.Category cat : c.categories()) {
            if (cat.name() == null || !cat.name().matches("[a-z][a-z0-9_]*") || !names.add(cat.name())) {
                throw PackException.of(file, "category name '" + cat.name() + "' must be unique snake_case");
            }
            if (cat.severity() == null || !(cat.threshold() > 0 && cat.threshold() < 1) || cat.features() == null) {
                throw PackException.of(file, "category '" + cat.name() + "' needs severity, features and 0 < threshold < 1");
            }
            checkReadout(file, cat, dIn);
            for (Catalog.Feature f : cat.features()) {
                if (f.id() < 0 || f.id() >= dSae || f.pool() == null || !Double.isFinite(f.weight())) {
                    throw PackException.of(file, "category '" + cat.name() + "' feature " + f.id()
                            + ": expected 0 <= id < d_sae (" + dSae + "), pool max|mean and a finite weight");
                }
            }
        }
        checkConversation(file, c, names, dSae);
        return c;
    }

    private static void checkReadout(Path file, Catalog.Category cat, int dIn) {
        Catalog.Readout r = cat.readout();
        if (r == null) {
            return;
        }
        if (dIn >= 0 && r.weights().length != dIn) {
            throw PackException.of(file, "category '" + cat.name() + "' readout has " + r.weights().length
                    + " weights, expected d_in = " + dIn);
        }
        for (float w : r.weights()) {
            if (!Float.isFinite(w)) {
                throw PackException.of(file, "category '" + cat.name() + "' readout: expected finite weights");
            }
        }
        if (!Double.isFinite(r.bias())) {
            throw PackException.of(file, "category '" + cat.name() + "' readout: expected a finite bias");
        }
        if (cat.pageThreshold() != null && !(cat.pageThreshold() > 0 && cat.pageThreshold() < 1)) {
            throw PackException.of(file, "category '" + cat.name() + "' needs 0 < pageThreshold < 1");
        }
    }

    private static void checkConversation(Path file, Catalog c, Set<String> names, int dSae) {
        if (c.conversation() == null || c.conversation().categories() == null) {
            return;
        }
        for (Catalog.ConversationHead h : c.conversation().categories()) {
            if (h.name() == null || !names.contains(h.name())) {
                throw PackException.of(file, "conversation head '" + h.name() + "': expected one of the categories " + names);
            }
            if (!(h.threshold() > 0 && h.threshold() < 1) || h.features() == null || !Double.isFinite(h.bias())
                    || !Double.isFinite(h.eventWeight())) {
                throw PackException.of(file, "conversation head '" + h.name() + "' needs features, finite bias and "
                        + "eventWeight and 0 < threshold < 1");
            }
            for (Catalog.ConversationFeature f : h.features()) {
                if (f.id() < 0 || f.id() >= dSae || !Double.isFinite(f.weight())) {
                    throw PackException.of(file, "conversation head '" + h.name() + "' feature " + f.id()
                            + ": expected 0 <= id < d_sae (" + dSae + ") and a finite weight");
                }
            }
        }
    }

    private static Map<Integer, FeatureCard> readFeatureCards(Path file, int dSae) {
        Map<Integer, FeatureCard> cards = new HashMap<>();
        try {
            JsonLines.forEach(file, msg -> PackException.of(file, msg), (lineNo, n) -> {
                int id = n.path("id").asInt(-1);
                if (id < 0 || id >= dSae) {
                    throw PackException.of(file, "line " + lineNo + ": id " + id + " outside 0.." + (dSae - 1));
                }
                try {
                    cards.put(id, FeatureCard.fromJson(n));
                } catch (IllegalArgumentException e) {
                    throw PackException.of(file, "line " + lineNo + ": " + e.getMessage());
                }
            });
        } catch (IOException e) {
            throw PackException.of(file, "unreadable (" + e.getMessage() + ")");
        }
        return cards;
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "";
        }
        int i = s.indexOf('\n');
        return i < 0 ? s : s.substring(0, i);
    }
}
