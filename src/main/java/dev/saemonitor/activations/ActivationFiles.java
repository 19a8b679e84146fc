package dev.saemonitor.activations;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Activations the served model wrote, in {@code extract}'s format: {@code <prefix>.npy} ({@code [tokens, d]}, f32 or
 * f16) and {@code <prefix>.index.jsonl}, one line per row: {@code {"row", "text": <text id>, "token", "start", "end"}}
 * with the token's span in code points. Joined to the texts by id: a labelled JSONL's {@code "id"} (else its line
 * number), or a text's {@link ActivationTexts#contentId} (what {@code --texts-out} writes). Every check happens at load; a text the
 * files lack is refused when it is read, naming its id.
 */
public final class ActivationFiles implements ActivationSource {
    private final Map<String, TextActivations> byText;
    private final Map<String, String> idOfText;
    private final int dIn;
    private final String names;

    private ActivationFiles(Map<String, TextActivations> byText, Map<String, String> idOfText, int dIn, String names) {
        this.byText = byText;
        this.idOfText = idOfText;
        this.dIn = dIn;
        this.names = names;
    }

    /** The {@code .npy} and index of a prefix ({@code acts}, {@code acts.npy} or {@code acts.index.jsonl}). */
    public record Prefix(Path npy, Path index) {
        public static Prefix of(Path prefix) {
            String p = prefix.toString();
            if (p.endsWith(".npy")) {
                p = p.substring(0, p.length() - 4);
            } else if (p.endsWith(".index.jsonl")) {
                p = p.substring(0, p.length() - ".index.jsonl".length());
            }
            return new Prefix(Path.of(p + ".npy"), Path.of(p + ".index.jsonl"));
        }
    }

    /** One pair of files, and the ids its index may name besides content ids (a labelled JSONL's, id to text). */
    public record Source(Path prefix, Map<String, String> named) {
    }

    /**
     * Loads the files and joins them to the texts.
     *
     * @param sources  the files, each with the ids of the texts file it was exported from
     * @param texts    every text the verb will read; each is also known by its {@link ActivationTexts#contentId}
     * @param dIn      the width the pack expects (the SAE's d_in)
     */
    public static ActivationFiles load(List<Source> sources, Collection<String> texts, int dIn) throws IOException {
        Map<String, String> byContent = new HashMap<>();
        Map<String, String> idOfText = new HashMap<>();
        for (Source s : sources) {
            s.named().forEach((id, t) -> idOfText.putIfAbsent(t, id));
        }
        for (String t : texts) {
            String id = ActivationTexts.contentId(t);
            byContent.putIfAbsent(id, t);
            idOfText.putIfAbsent(t, id);
        }
        Map<String, TextActivations> byText = new HashMap<>();
        List<String> names = new ArrayList<>();
        for (Source s : sources) {
            Prefix f = Prefix.of(s.prefix());
            names.add(f.npy().toString());
            Map<String, String> textById = new HashMap<>(byContent);
            textById.putAll(s.named());
            int matched = join(f, textById, dIn, byText);
            if (matched == 0) {
                throw new ActivationFileException(f.index() + ": none of its text ids names a text this command reads "
                        + "(ids are the labelled JSONL's \"id\" or line number, or the ids --texts-out writes)");
            }
        }
        return new ActivationFiles(byText, idOfText, dIn, String.join(", ", names));
    }

    private static int join(Prefix f, Map<String, String> textById, int dIn, Map<String, TextActivations> out)
            throws IOException {
        if (!Files.isRegularFile(f.npy())) {
            throw new ActivationFileException(f.npy() + ": no such file (expected <prefix>.npy beside <prefix>.index.jsonl)");
        }
        if (!Files.isRegularFile(f.index())) {
            throw new ActivationFileException(f.index() + ": no such file (expected the index JSONL beside " + f.npy() + ")");
        }
        Npy.Matrix m;
        try {
            m = Npy.read(f.npy());
        } catch (Npy.NpyException e) {
            throw new ActivationFileException(e.getMessage());
        }
        if (m.cols() != dIn) {
            throw new ActivationFileException(f.npy() + ": rows are " + m.cols() + " wide, expected the pack's d_in " + dIn
                    + " (activations of another model or layer?)");
        }
        List<ActivationIndex.Row> rows = ActivationIndex.read(f.index());
        if (rows.size() != m.rows()) {
            throw new ActivationFileException(f.index() + ": " + rows.size() + " lines, expected one per row of "
                    + f.npy() + " (" + m.rows() + ")");
        }
        Set<String> seen = new HashSet<>();
        int matched = 0;
        for (int from = 0; from < rows.size(); ) {
            String id = rows.get(from).text();
            int to = from;
            while (to < rows.size() && rows.get(to).text().equals(id)) {
                to++;
            }
            if (!seen.add(id)) {
                throw new ActivationFileException(f.index() + ": line " + (from + 1) + ": rows of text id '" + id
                        + "' are not contiguous (expected each text's tokens together, in order)");
            }
            String text = textById.get(id);
            if (text != null) {
                matched++;
                out.putIfAbsent(text, activations(f, m, rows, from, to, id, text));
            }
            from = to;
        }
        return matched;
    }

    private static TextActivations activations(Prefix f, Npy.Matrix m, List<ActivationIndex.Row> rows, int from, int to, String id,
                                               String text) {
        int n = to - from, d = m.cols();
        int cps = text.codePointCount(0, text.length());
        int[] start = new int[n], end = new int[n];
        int prev = 0;
        for (int t = 0; t < n; t++) {
            ActivationIndex.Row r = rows.get(from + t);
            if (r.start() < 0 || r.end() < r.start() || r.end() > cps) {
                throw new ActivationFileException(f.index() + ": line " + (from + t + 1) + ": span [" + r.start() + ", "
                        + r.end() + ") does not lie in text id '" + id + "' (" + cps + " code points): were these "
                        + "activations exported from this text?");
            }
            if (r.start() < prev) {
                throw new ActivationFileException(f.index() + ": line " + (from + t + 1) + ": text id '" + id
                        + "' spans go backwards (expected tokens in order)");
            }
            prev = r.start();
            start[t] = text.offsetByCodePoints(0, r.start());
            end[t] = text.offsetByCodePoints(start[t], r.end() - r.start());
        }
        float[] data = java.util.Arrays.copyOfRange(m.data(), from * d, to * d);
        return new TextActivations(n, d, data, start, end, 1);
    }

    @Override
    public List<TextActivations> read(List<String> texts, Stages stages) {
        long t0 = System.nanoTime();
        List<TextActivations> out = new ArrayList<>(texts.size());
        List<String> missing = new ArrayList<>();
        for (String t : texts) {
            String text = t == null ? "" : t;
            TextActivations a = byText.get(text);
            if (a == null && text.isBlank()) { // no tokens to export: as the reader, zero rows
                a = new TextActivations(0, dIn, new float[0], new int[0], new int[0], 0);
            }
            if (a == null) {
                missing.add(idOfText.getOrDefault(text, ActivationTexts.contentId(text)));
            }
            out.add(a);
        }
        if (!missing.isEmpty()) {
            throw new ActivationFileException(missing.size() + " of " + texts.size() + " texts have no activations in "
                    + names + " (first: text id '" + missing.get(0) + "'); write the texts this command reads with "
                    + "--texts-out FILE, export their activations, and pass those files with --activations too");
        }
        stages.stage("reader", System.nanoTime() - t0);
        return out;
    }

    @Override
    public int dIn() {
        return dIn;
    }
}
