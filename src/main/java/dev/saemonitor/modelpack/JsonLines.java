package dev.saemonitor.modelpack;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Function;

/** Reads JSON Lines files (feature cards, labelled data): each non-blank line parsed, with its number. */
public final class JsonLines {
    private static final ObjectMapper JSON = new ObjectMapper();

    private JsonLines() {
    }

    /** Receives one parsed line and its 1-based number. */
    @FunctionalInterface
    public interface LineHandler {
        void accept(int lineNo, JsonNode node);
    }

    /**
     * @param invalid turns a message such as {@code "line 3 is not valid JSON"} into the caller's exception
     */
    public static void forEach(Path file, Function<String, ? extends RuntimeException> invalid, LineHandler handler)
            throws IOException {
        try (BufferedReader r = Files.newBufferedReader(file)) {
            int lineNo = 0;
            for (String line; (line = r.readLine()) != null; ) {
                lineNo++;
                if (line.isBlank()) {
                    continue;
                }
                JsonNode n;
                try {
                    n = JSON.readTree(line);
                } catch (IOException e) {
                    throw invalid.apply("line " + lineNo + " is not valid JSON");
                }
                handler.accept(lineNo, n);
            }
        }
    }
}
