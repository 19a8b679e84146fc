package dev.saemonitor.modelpack;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/** Writes pack.yaml with the sha256 of every file in the pack and of the reader it names. */
public final class PackWriter {
    private PackWriter() {
    }

    /**
     * Seals a pack directory: hashes every regular file under it (except pack.yaml) and the reader
     * files (none for an external reader), and writes pack.yaml.
     */
    public static PackManifest seal(Path dir, String name, String version, PackManifest.Reader reader, Path readersDir)
            throws IOException {
        Map<String, String> files = new TreeMap<>();
        List<Path> all = new ArrayList<>();
        try (Stream<Path> s = Files.walk(dir)) {
            s.filter(Files::isRegularFile).forEach(all::add);
        }
        for (Path p : all) {
            String rel = dir.relativize(p).toString().replace('\\', '/');
            if (!rel.equals(PackManifest.FILE)) {
                files.put(rel, Checksums.sha256(p));
            }
        }
        PackManifest.Reader sealed = reader;
        if (!reader.hasExternal()) { // an external reader has no files to hash: the served model is the reader
            Path onnx = readersDir.resolve(reader.onnx());
            Path tok = readersDir.resolve(reader.tokenizer());
            sealed = reader.withChecksums(Checksums.sha256(onnx), Checksums.sha256(tok));
        }
        PackManifest m = new PackManifest(name, version, sealed, new PackManifest.Sae("saelens", "sae"),
                "catalog.yaml", "features.jsonl", files.containsKey("eval.json") ? "eval.json" : null, files);
        PackFiles.YAML.writeValue(dir.resolve(PackManifest.FILE).toFile(), m);
        return m;
    }

    public static void writeCatalog(Path file, Catalog catalog) throws IOException {
        PackFiles.YAML.writeValue(file.toFile(), catalog);
    }
}
