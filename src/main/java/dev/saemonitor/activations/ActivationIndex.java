package dev.saemonitor.activations;

import com.fasterxml.jackson.databind.JsonNode;
import dev.saemonitor.modelpack.JsonLines;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * An activation file's index JSONL, as {@code extract} writes it: one line per {@code .npy} row, in row order,
 * {@code {"row", "text": <text id>, "token", "start", "end"}} with the span in code points. {@code row} and
 * {@code token} are optional when reading; the text id may be a string or an integer.
 */
final class ActivationIndex {
    /** One row's text id and span (code points). */
    record Row(String text, int start, int end) {
    }

    private ActivationIndex() {
    }

    static List<Row> read(Path index) throws IOException {
        List<Row> rows = new ArrayList<>();
        JsonLines.forEach(index, msg -> new ActivationFileException(index + ": " + msg), (lineNo, n) -> {
            JsonNode id = n.path("text");
            if (!(id.isTextual() || id.isIntegralNumber()) || !n.path("start").canConvertToInt()
                    || !n.path("end").canConvertToInt() || !n.path("start").isIntegralNumber()
                    || !n.path("end").isIntegralNumber()) {
                throw new ActivationFileException(index + ": line " + lineNo + ": expected {\"row\", \"text\": <text id>, "
                        + "\"token\", \"start\", \"end\"} with integer start and end (code points)");
            }
            if (n.has("row") && n.path("row").asLong(-1) != rows.size()) {
                throw new ActivationFileException(index + ": line " + lineNo + ": row is " + n.path("row").asText()
                        + ", expected " + rows.size() + " (one line per .npy row, in order)");
            }
            rows.add(new Row(id.asText(), n.get("start").asInt(), n.get("end").asInt()));
        });
        return rows;
    }

}
