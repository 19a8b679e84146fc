package dev.saemonitor.calibration;

import dev.saemonitor.modelpack.JsonLines;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** One labelled text: {@code {"text": "…", "labels": ["deception"], "role": "completion"}}; no labels = benign. */
public record LabelledText(String text, Set<String> labels) {

    public boolean benign() {
        return labels.isEmpty();
    }

    /** Reads labelled JSONL; a malformed line is an {@link IllegalArgumentException} naming file and line. */
    public static List<LabelledText> read(Path file) throws IOException {
        List<LabelledText> out = new ArrayList<>();
        JsonLines.forEach(file, msg -> new IllegalArgumentException(file + ": " + msg), (lineNo, n) -> {
            if (!n.path("text").isTextual() || !(n.path("labels").isArray() || n.path("labels").isMissingNode())) {
                throw new IllegalArgumentException(file + ": line " + lineNo + " needs \"text\" and a \"labels\" array");
            }
            Set<String> labels = new LinkedHashSet<>();
            n.path("labels").forEach(l -> labels.add(l.asText()));
            out.add(new LabelledText(n.get("text").asText(), Set.copyOf(labels)));
        });
        return out;
    }

    /** Category names in first-seen order. */
    public static List<String> categories(List<LabelledText> data) {
        Set<String> s = new LinkedHashSet<>();
        data.forEach(t -> s.addAll(t.labels()));
        return List.copyOf(s);
    }
}
