package dev.saemonitor.calibration;

import dev.saemonitor.modelpack.Checksums;
import dev.saemonitor.modelpack.Catalog;
import dev.saemonitor.modelpack.ModelPack;
import dev.saemonitor.sae.SparseCodes;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Keeps an {@link EncodedCorpus} on disk between {@code calibrate} runs, so tuning segment or head options
 * does not pay for the reader again. The key is the reader, layer, SAE weights and the texts themselves;
 * a file with another key is ignored and rewritten.
 */
public final class EncodedCorpusCache {
    private EncodedCorpusCache() {
    }

    public static String key(ModelPack pack, List<String> texts) throws IOException {
        return key(pack, texts, EncodedCorpus.meansFor(pack.catalog()));
    }

    /** The key of texts encoded with segment means at {@code meansAt} (null: none). */
    public static String key(ModelPack pack, List<String> texts, Catalog.Segmentation meansAt) throws IOException {
        StringBuilder sb = new StringBuilder("means|").append(String.valueOf(meansAt)).append('|').append(pack.reader().id()).append('|').append(pack.reader().layer()).append('|')
                .append(Checksums.sha256(pack.dir().resolve(pack.manifest().sae().path()).resolve("sae_weights.safetensors")));
        for (String t : texts) {
            sb.append('|').append(Checksums.sha256(t.getBytes(StandardCharsets.UTF_8)));
        }
        return Checksums.sha256(sb.toString().getBytes(StandardCharsets.UTF_8));
    }

    /**
     * The cached corpus for the longest prefix of {@code texts} the file holds (the file stores how many texts
     * it was made for; its key must equal {@link #key} of that many leading texts), or null. Calibration sets
     * grow by appending texts, so a tuning run that adds some pays the reader only for those.
     */
    public static EncodedCorpus loadPrefix(Path file, ModelPack pack, List<String> texts) throws IOException {
        return loadPrefix(file, pack, texts, EncodedCorpus.meansFor(pack.catalog()));
    }

    /** As {@link #loadPrefix(Path, ModelPack, List)}, for a corpus with segment means at {@code meansAt}. */
    public static EncodedCorpus loadPrefix(Path file, ModelPack pack, List<String> texts, Catalog.Segmentation meansAt)
            throws IOException {
        if (!Files.isRegularFile(file)) {
            return null;
        }
        int n;
        String stored;
        try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(file), 1 << 16))) {
            stored = in.readUTF();
            n = in.readInt();
        }
        if (n > texts.size()) {
            return null;
        }
        List<String> prefix = texts.subList(0, n);
        return stored.equals(key(pack, prefix, meansAt)) ? load(file, stored, prefix) : null;
    }

    /** The cached corpus for {@code key}, or null when the file is missing or was made for other inputs. */
    public static EncodedCorpus load(Path file, String key, List<String> texts) throws IOException {
        if (!Files.isRegularFile(file)) {
            return null;
        }
        try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(file), 1 << 20))) {
            if (!in.readUTF().equals(key)) {
                return null;
            }
            int n = in.readInt(), dSae = in.readInt();
            int[] firstRow = ints(in);
            SparseCodes codes = new SparseCodes(in.readInt(), ints(in), ints(in), floats(in));
            int[][] blocks = new int[n][], starts = new int[n][], ends = new int[n][];
            Catalog.Segmentation meansAt = in.readBoolean()
                    ? new Catalog.Segmentation(in.readInt(), in.readInt(), in.readBoolean(), in.readInt()) : null;
            float[][] raw = new float[n][], means = meansAt == null ? null : new float[n][];
            for (int i = 0; i < n; i++) {
                blocks[i] = ints(in);
                starts[i] = ints(in);
                ends[i] = ints(in);
                raw[i] = floats(in);
                if (means != null) {
                    means[i] = floats(in);
                }
            }
            return new EncodedCorpus(List.copyOf(texts), codes, firstRow, blocks, starts, ends, raw, means, meansAt, dSae);
        }
    }

    public static void save(Path file, String key, EncodedCorpus enc) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try (DataOutputStream out = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(tmp), 1 << 20))) {
            out.writeUTF(key);
            out.writeInt(enc.count());
            out.writeInt(enc.dSae());
            ints(out, enc.firstRow());
            out.writeInt(enc.codes().rows());
            ints(out, enc.codes().rowStart());
            ints(out, enc.codes().features());
            floats(out, enc.codes().values());
            out.writeBoolean(enc.meansAt() != null);
            if (enc.meansAt() != null) {
                out.writeInt(enc.meansAt().width());
                out.writeInt(enc.meansAt().stride());
                out.writeBoolean(enc.meansAt().perBlock());
                out.writeInt(enc.meansAt().minBlock());
            }
            for (int i = 0; i < enc.count(); i++) {
                ints(out, enc.blockStarts()[i]);
                ints(out, enc.charStart()[i]);
                ints(out, enc.charEnd()[i]);
                floats(out, enc.rawMean()[i]);
                if (enc.meansAt() != null) {
                    floats(out, enc.segmentMeans()[i]);
                }
            }
        }
        Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }

    private static int[] ints(DataInputStream in) throws IOException {
        int[] a = new int[in.readInt()];
        for (int i = 0; i < a.length; i++) {
            a[i] = in.readInt();
        }
        return a;
    }

    private static float[] floats(DataInputStream in) throws IOException {
        float[] a = new float[in.readInt()];
        for (int i = 0; i < a.length; i++) {
            a[i] = in.readFloat();
        }
        return a;
    }

    private static void ints(DataOutputStream out, int[] a) throws IOException {
        out.writeInt(a.length);
        for (int v : a) {
            out.writeInt(v);
        }
    }

    private static void floats(DataOutputStream out, float[] a) throws IOException {
        out.writeInt(a.length);
        for (float v : a) {
            out.writeFloat(v);
        }
    }

}
