package dev.saemonitor.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * Where texts come from: arguments, a file (one text per line, or JSONL with a "text" field), or stdin.
 * Input must be UTF-8; invalid bytes are refused with the line number, never replaced silently.
 */
public class TextInput {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Parameters(paramLabel = "TEXT", description = "texts to read (none: read --file or stdin)")
    List<String> texts = new ArrayList<>();

    @Option(names = {"-f", "--file"}, description = "file of texts, one per line ('-' for stdin)")
    Path file;

    @Option(names = "--jsonl", description = "input lines are JSON objects with \"text\" (and optional \"id\")")
    boolean jsonl;

    /** A text and its id (argument index, line number, or the JSONL "id"). */
    public record Item(String id, String text, JsonNode source) {
    }

    public void forEach(InputStream stdin, Consumer<Item> sink) throws IOException {
        if (!texts.isEmpty() && file == null) {
            for (int i = 0; i < texts.size(); i++) {
                sink.accept(new Item(String.valueOf(i), texts.get(i), null));
            }
            return;
        }
        InputStream in = file == null || file.toString().equals("-") ? stdin : Files.newInputStream(file);
        String name = file == null ? "stdin" : file.toString();
        var decoder = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        try (BufferedReader r = new BufferedReader(new InputStreamReader(in, decoder), 1 << 16)) {
            int lineNo = 0;
            String line;
            while (true) {
                try {
                    line = r.readLine();
                } catch (CharacterCodingException e) {
                    throw new BadInputException(name + ": invalid UTF-8 after line " + lineNo + "; re-encode the file as UTF-8");
                }
                if (line == null) {
                    break;
                }
                lineNo++;
                if (!jsonl) {
                    sink.accept(new Item(String.valueOf(lineNo), line, null));
                    continue;
                }
                if (line.isBlank()) {
                    continue;
                }
                JsonNode n;
                try {
                    n = JSON.readTree(line);
                } catch (IOException e) {
                    throw new BadInputException(name + ": line " + lineNo + " is not valid JSON");
                }
                if (!n.path("text").isTextual()) {
                    throw new BadInputException(name + ": line " + lineNo + " has no string \"text\" field");
                }
                String id = n.hasNonNull("id") ? n.get("id").asText() : String.valueOf(lineNo);
                sink.accept(new Item(id, n.get("text").asText(), n));
            }
        }
    }
}
