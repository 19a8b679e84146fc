package dev.saemonitor.ingest;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import org.jboss.logging.Logger;

/**
 * Turns a record's bytes and headers into an {@link LlmEvent} or a dead-letter reason, and never
 * throws for input: size, UTF-8, JSON ({@link JsonBody}), CloudEvents envelope
 * ({@link CloudEventEnvelope}), then the fields ({@link EventFields}). Details name fields, sizes and
 * expected values, never a received value.
 */
public final class EventParser {
    private static final Logger LOG = Logger.getLogger(EventParser.class);

    private final int maxBytes;
    private final ActivationsBlock.Expectation expectation;

    public EventParser(int maxBytes, String readerId, int layer, int dIn) {
        this(maxBytes, readerId, layer, dIn, false);
    }

    /**
     * @param activationsRequired every event must carry an activations block (a pack with an external reader, which
     *                            cannot read text); one without is a {@link DeadLetterReason#ACTIVATIONS_REQUIRED}
     */
    public EventParser(int maxBytes, String readerId, int layer, int dIn, boolean activationsRequired) {
        this.maxBytes = maxBytes;
        this.expectation = new ActivationsBlock.Expectation(readerId, layer, dIn, activationsRequired);
    }

    /**
     * A parser for events scored by {@code pack}: activations must be its reader's, at its layer and width; with an
     * external reader (pack.yaml {@code reader.external}) every event must carry them.
     */
    public static EventParser forPack(dev.saemonitor.modelpack.ModelPack pack, int maxBytes) {
        return new EventParser(maxBytes, pack.reader().id(), pack.reader().layer(), pack.sae().config().dIn(),
                pack.externalReader());
    }

    /**
     * @param headers    record headers as strings (ce_* and content-type), may be empty
     * @param fallbackId id to use when the event has none (e.g. topic-partition-offset), so repeats keep it
     * @param recordTime the record's timestamp, used when the event has no time
     */
    public ParseResult parse(byte[] value, Map<String, String> headers, String key, String fallbackId, Instant recordTime) {
        try {
            return parseChecked(value, headers == null ? Map.of() : headers, key, fallbackId, recordTime);
        } catch (RuntimeException e) {
            // a parser bug, but the record must still become a reason: the class names it, the message may hold content
            LOG.warnf("event fields could not be read (%s at %s); dead-lettered as %s", e.getClass().getName(),
                    e.getStackTrace().length > 0 ? e.getStackTrace()[0] : "?", DeadLetterReason.INVALID_FIELD.label());
            return ParseResult.bad(DeadLetterReason.INVALID_FIELD, "event fields could not be read (" + e.getClass().getSimpleName() + ")");
        }
    }

    private ParseResult parseChecked(byte[] value, Map<String, String> headers, String key, String fallbackId,
                                     Instant recordTime) {
        if (value == null || value.length == 0) {
            return ParseResult.bad(DeadLetterReason.MISSING_TEXT, "record has no value");
        }
        if (value.length > maxBytes) {
            return ParseResult.bad(DeadLetterReason.OVERSIZE, "record of " + value.length + " bytes exceeds " + maxBytes);
        }
        String body;
        try {
            body = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(value)).toString();
        } catch (CharacterCodingException e) {
            return ParseResult.bad(DeadLetterReason.INVALID_UTF8, "value is not valid UTF-8");
        }
        JsonBody.Read json = JsonBody.read(body);
        if (json.failure() != null) {
            return json.failure();
        }
        CloudEventEnvelope.Unwrapped ce = CloudEventEnvelope.unwrap(json.object(), headers);
        if (ce.failure() != null) {
            return ce.failure();
        }
        return EventFields.toEvent(ce.envelope().data(), ce.envelope(),
                new EventFields.Context(value.length, key, fallbackId, recordTime, expectation));
    }
}
