package dev.saemonitor.ingest;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;

/**
 * Reads a record's text as one JSON object under explicit limits. Every way Jackson can refuse the
 * text (syntax, duplicate names, content after the value, a stream-read limit, whose exception has
 * no location) comes back as a {@code malformed_json} detail that names the rule and the limit,
 * never the text.
 */
final class JsonBody {
    static final int MAX_DEPTH = 1000;
    static final int MAX_NUMBER_DIGITS = 1000;
    static final int MAX_NAME_CHARS = 50_000;

    private static final ObjectMapper JSON = JsonMapper.builder(JsonFactory.builder()
                    .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(MAX_DEPTH)
                            .maxNumberLength(MAX_NUMBER_DIGITS).maxNameLength(MAX_NAME_CHARS).build())
                    .build())
            // two "text" fields would let two readers of one record see different prompts
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    private JsonBody() {
    }

    /** The object, or the reason it is not one (never both null). */
    record Read(JsonNode object, ParseResult failure) {
    }

    static Read read(String text) {
        JsonNode root;
        try {
            root = JSON.readTree(text);
        } catch (StreamConstraintsException e) {
            return fail(limitDetail(e));
        } catch (JsonProcessingException e) {
            return fail(syntaxDetail(e));
        } catch (RuntimeException e) {
            return fail("value could not be read as JSON");
        }
        if (root == null || !root.isObject()) {
            return fail("value is not a JSON object");
        }
        return new Read(root, null);
    }

    private static Read fail(String detail) {
        return new Read(null, ParseResult.bad(DeadLetterReason.MALFORMED_JSON, detail));
    }

    /** Jackson names the limit it hit only in its message; the detail states our limit instead. */
    static String limitDetail(StreamConstraintsException e) {
        String m = String.valueOf(e.getMessage());
        if (m.contains("NestingDepth")) {
            return "JSON nested deeper than " + MAX_DEPTH + " levels";
        }
        if (m.contains("NumberLength")) {
            return "JSON number longer than " + MAX_NUMBER_DIGITS + " characters";
        }
        if (m.contains("NameLength")) {
            return "JSON field name longer than " + MAX_NAME_CHARS + " characters";
        }
        return "value exceeds a JSON read limit (depth " + MAX_DEPTH + ", number " + MAX_NUMBER_DIGITS
                + " characters, field name " + MAX_NAME_CHARS + " characters)";
    }

    private static String syntaxDetail(JsonProcessingException e) {
        String m = String.valueOf(e.getOriginalMessage());
        String rule = m.startsWith("Duplicate field") ? "value is not valid JSON: a field name appears twice"
                : m.startsWith("Trailing token") ? "value is not valid JSON: content after the JSON value"
                : "value is not valid JSON";
        JsonLocation at = e.getLocation();
        return at == null ? rule : rule + " (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")";
    }
}
