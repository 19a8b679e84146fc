package dev.saemonitor.calibration;

import dev.saemonitor.modelpack.JsonLines;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * One labelled conversation: {@code {"conversationId", "turns": [{"role", "text"}], "labels": [...]}}; no labels
 * = benign. Labels say the conversation as a whole carries the category, not which turn does.
 */
public record LabelledConversation(String conversationId, List<Turn> turns, Set<String> labels) {

    /** One turn: {@code role} is {@code prompt} or {@code completion} (free text is kept as given). */
    public record Turn(String role, String text) {
    }

    public boolean benign() {
        return labels.isEmpty();
    }

    /** Reads conversation JSONL; a malformed line is an {@link IllegalArgumentException} naming file and line. */
    public static List<LabelledConversation> read(Path file) throws IOException {
        List<LabelledConversation> out = new ArrayList<>();
        JsonLines.forEach(file, msg -> new IllegalArgumentException(file + ": " + msg), (lineNo, n) -> {
            if (!n.path("turns").isArray() || n.path("turns").isEmpty()
                    || !(n.path("labels").isArray() || n.path("labels").isMissingNode())) {
                throw new IllegalArgumentException(file + ": line " + lineNo
                        + " needs a non-empty \"turns\" array and a \"labels\" array");
            }
            List<Turn> turns = new ArrayList<>();
            for (var t : n.path("turns")) {
                if (!t.path("text").isTextual()) {
                    throw new IllegalArgumentException(file + ": line " + lineNo + " has a turn without \"text\"");
                }
                turns.add(new Turn(t.path("role").asText("prompt"), t.get("text").asText()));
            }
            Set<String> labels = new LinkedHashSet<>();
            n.path("labels").forEach(l -> labels.add(l.asText()));
            String id = n.path("conversationId").asText(file.getFileName() + ":" + lineNo);
            out.add(new LabelledConversation(id, List.copyOf(turns), Set.copyOf(labels)));
        });
        return out;
    }

    /** Whether the file's first non-blank line is a conversation (has {@code "turns"}), not a labelled text. */
    public static boolean isConversationFile(Path file) throws IOException {
        try (BufferedReader r = Files.newBufferedReader(file)) {
            for (String line; (line = r.readLine()) != null; ) {
                if (!line.isBlank()) {
                    try {
                        return new com.fasterxml.jackson.databind.ObjectMapper().readTree(line).has("turns");
                    } catch (IOException e) {
                        return false;
                    }
                }
            }
        }
        return false;
    }

    /** Every turn's text, conversation by conversation (what is encoded once). */
    public static List<String> turnTexts(List<LabelledConversation> conversations) {
        List<String> out = new ArrayList<>();
        conversations.forEach(c -> c.turns().forEach(t -> out.add(t.text())));
        return out;
    }

    /** Event id of turn {@code t}: the conversation id and the turn's index. */
    public static String eventId(LabelledConversation c, int t) {
        return c.conversationId() + "#" + t;
    }
}
