package dev.saemonitor.conversation.state;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * Store value layout: 8 bytes of last-seen time (big-endian millis), then the state as JSON. The expiry scan
 * reads only the prefix, so scanning a large store does not parse every conversation.
 */
final class StateCodec {
    private static final ObjectMapper JSON = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    private StateCodec() {
    }

    static byte[] encode(ConversationState s) {
        try {
            byte[] json = JSON.writeValueAsBytes(s);
            return ByteBuffer.allocate(Long.BYTES + json.length).putLong(s.lastSeenMs()).put(json).array();
        } catch (IOException e) {
            throw new UncheckedIOException("encoding conversation state", e);
        }
    }

    static ConversationState decode(byte[] value) {
        try {
            return JSON.readValue(Arrays.copyOfRange(value, Long.BYTES, value.length), ConversationState.class);
        } catch (IOException e) {
            throw new UncheckedIOException("decoding conversation state (" + value.length + " bytes)", e);
        }
    }

    static long lastSeenMs(byte[] value) {
        return ByteBuffer.wrap(value, 0, Long.BYTES).getLong();
    }
}
