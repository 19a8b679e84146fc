package dev.saemonitor.activations;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.saemonitor.modelpack.JsonLines;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * The text side of activation files: the ids an index names texts by (a labelled JSONL's, or content ids), and the
 * texts file a verb writes ({@code --texts-out}) for the served model to export.
 */
public final class ActivationTexts {
    private static final ObjectMapper JSON = new ObjectMapper();

    private ActivationTexts() {
    }

    /** A text's id by content: {@code t-} and the first 16 hex digits of the SHA-256 of its UTF-8 bytes. */
    public static String contentId(String text) {
        try {
            byte[] d = java.security.MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return "t-" + java.util.HexFormat.of().formatHex(d, 0, 8);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 missing from the JDK", e);
        }
    }

    /** The ids a labelled JSONL gives its texts, as {@code extract --jsonl} does: "id", else the line number. */
    public static Map<String, String> idsOf(Path jsonl) throws IOException {
        Map<String, String> out = new LinkedHashMap<>();
        JsonLines.forEach(jsonl, msg -> new ActivationFileException(jsonl + ": " + msg), (lineNo, n) -> {
            if (n.path("text").isTextual()) {
                String id = n.hasNonNull("id") ? n.get("id").asText() : String.valueOf(lineNo);
                String prev = out.putIfAbsent(id, n.get("text").asText());
                if (prev != null && !prev.equals(n.get("text").asText())) {
                    throw new ActivationFileException(jsonl + ": line " + lineNo + ": id '" + id
                            + "' is used by two texts; give each line a unique \"id\"");
                }
            }
        });
        return out;
    }

    /**
     * Writes every distinct text as {@code {"id": contentId, "text"}} (the input of an export, or of {@code extract
     * --jsonl}); returns how many.
     */
    public static int writeTexts(Path file, Collection<String> texts) throws IOException {
        Set<String> distinct = new LinkedHashSet<>(texts);
        distinct.removeIf(String::isBlank);
        if (file.toAbsolutePath().getParent() != null) {
            Files.createDirectories(file.toAbsolutePath().getParent());
        }
        try (BufferedWriter w = Files.newBufferedWriter(file)) {
            for (String t : distinct) {
                ObjectNode n = JSON.createObjectNode();
                n.put("id", contentId(t));
                n.put("text", t);
                w.write(JSON.writeValueAsString(n));
                w.newLine();
            }
        }
        return distinct.size();
    }
}
