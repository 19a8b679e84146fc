package dev.saemonitor.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import dev.saemonitor.activations.TextActivations;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Base64;

/**
 * Decodes an event's {@code activations} block (the serving stack's own residual stream) and checks it
 * against the pack: same reader id and layer, shape {@code [T, d_in]}, data of exactly T x d values.
 * Mismatch details state what the pack expects, never what the block holds.
 */
final class ActivationsBlock {
    static final int MAX_ROWS = 65_536;

    private ActivationsBlock() {
    }

    /** What the pack expects of a carried block; {@code required}: every event must carry one (external reader). */
    record Expectation(String readerId, int layer, int dIn, boolean required) {
        Expectation(String readerId, int layer, int dIn) {
            this(readerId, layer, dIn, false);
        }
    }

    /** The activations, or a mismatch detail (never null both). */
    record Decoded(TextActivations activations, String mismatch) {
    }

    static Decoded decode(JsonNode block, Expectation want) {
        return decode(block, want, null);
    }

    /**
     * As {@link #decode(JsonNode, Expectation)}; an optional {@code spans} ({@code [[start, end], …]}, one pair per row,
     * code points of {@code text}, as an activation file's index has them) gives the tokens' spans, so segments
     * follow the text's paragraphs and evidence points into it exactly as for a text the offline verbs read.
     */
    static Decoded decode(JsonNode block, Expectation want, String text) {
        if (!block.isObject()) {
            return fail("activations must be an object");
        }
        String reader = block.path("readerId").textValue();
        if (!want.readerId().equals(reader)) {
            return fail("readerId does not match the pack's reader '" + want.readerId() + "'");
        }
        if (!block.path("layer").canConvertToInt() || block.path("layer").asInt() != want.layer()) {
            return fail("layer does not match the pack's layer " + want.layer());
        }
        JsonNode dtypeNode = block.path("dtype");
        String dtype = dtypeNode.isMissingNode() ? "f32" : String.valueOf(dtypeNode.textValue());
        int width = switch (dtype) {
            case "f32" -> 4;
            case "f16" -> 2;
            default -> 0;
        };
        if (width == 0) {
            return fail("dtype must be f32 or f16");
        }
        JsonNode shape = block.path("shape");
        if (shape.size() != 2 || !shape.get(0).canConvertToInt() || !shape.get(1).canConvertToInt()) {
            return fail("shape must be [T, d] with integers T and d");
        }
        int rows = shape.get(0).asInt(), cols = shape.get(1).asInt();
        if (cols != want.dIn() || rows < 1 || rows > MAX_ROWS) {
            return fail("shape must be [T, " + want.dIn() + "] with 1 <= T <= " + MAX_ROWS);
        }
        byte[] bytes;
        try {
            bytes = Base64.getDecoder().decode(block.path("data").isTextual() ? block.get("data").textValue() : "");
        } catch (IllegalArgumentException e) {
            return fail("data is not valid base64");
        }
        long expected = (long) rows * cols * width;
        if (bytes.length != expected) {
            return fail("data must hold T x " + want.dIn() + " values of the dtype (" + width + " bytes each)");
        }
        ByteBuffer bb = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        float[] data = new float[rows * cols];
        for (int i = 0; i < data.length; i++) {
            data[i] = width == 4 ? bb.getFloat() : Float.float16ToFloat(bb.getShort());
            if (!Float.isFinite(data[i])) {
                return fail("data holds NaN or infinite values");
            }
        }
        if (block.hasNonNull("spans")) {
            return withSpans(block.get("spans"), rows, cols, data, text);
        }
        return new Decoded(TextActivations.withoutSpans(rows, cols, data), null);
    }

    private static Decoded withSpans(JsonNode spans, int rows, int cols, float[] data, String text) {
        String rule = "spans must be T pairs [start, end] of code points within the event's text, in token order";
        if (text == null || !spans.isArray() || spans.size() != rows) {
            return fail(rule);
        }
        int cps = text.codePointCount(0, text.length());
        int[] start = new int[rows], end = new int[rows];
        int prev = 0;
        for (int t = 0; t < rows; t++) {
            JsonNode p = spans.get(t);
            if (!p.isArray() || p.size() != 2 || !p.get(0).isIntegralNumber() || !p.get(1).isIntegralNumber()) {
                return fail(rule);
            }
            long s = p.get(0).asLong(), e = p.get(1).asLong();
            if (s < prev || e < s || e > cps) {
                return fail(rule);
            }
            prev = (int) s;
            start[t] = text.offsetByCodePoints(0, (int) s);
            end[t] = text.offsetByCodePoints(start[t], (int) (e - s));
        }
        return new Decoded(new TextActivations(rows, cols, data, start, end, 1), null);
    }

    private static Decoded fail(String why) {
        return new Decoded(null, why);
    }
}
