package dev.saemonitor.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
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

    @Option(names = "--max-text-bytes", description = "refuse texts longer than this many UTF-8 bytes (default: ${DEFAULT-VALUE}, the service's limit)",
            defaultValue = "262144")
    int maxTextBytes;

    static int utf8Length(String s) {
        int n = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                n++;
            } else if (c < 0x800) {
                n += 2;
            } else if (Character.isHighSurrogate(c)) {
                n += 4;
                i++;
            } else {
                n += 3;
            }
        }
        return n;
    }

    /** A text and its id (argument index, line number, or the JSONL "id"). */
    public record Item(String id, String text, JsonNode source) {
    }

    public void forEach(InputStream stdin, Consumer<Item> raw) throws IOException {
        Consumer<Item> sink = item -> {
            int bytes = utf8Length(item.text());
            if (bytes > maxTextBytes) {
                throw new BadInputException("text " + item.id() + " is " + bytes + " bytes, over --max-text-bytes "
                        + maxTextBytes + "; raise the limit to score it (about 4 bytes per token)");
            }
            raw.accept(item);
        };
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
        try (java.io.BufferedInputStream r = new java.io.BufferedInputStream(in, 1 << 16)) {
            int lineNo = 0;
            java.io.ByteArrayOutputStream buf = new java.io.ByteArrayOutputStream();
            String line;
            while (true) {
                buf.reset();
                int c;
                while ((c = r.read()) >= 0 && c != '\n') {
                    buf.write(c);
                }
                if (c < 0 && buf.size() == 0) {
                    break;
                }
                try {
                    line = decoder.decode(java.nio.ByteBuffer.wrap(buf.toByteArray())).toString();
                } catch (CharacterCodingException e) {
                    throw new BadInputException(name + ": invalid UTF-8 on line " + (lineNo + 1) + "; re-encode the file as UTF-8");
                }
                if (line.endsWith("\r")) {
                    line = line.substring(0, line.length() - 1);
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
