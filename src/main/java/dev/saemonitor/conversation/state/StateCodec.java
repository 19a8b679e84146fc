package dev.saemonitor.conversation.state;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.saemonitor.conversation.TurnCodec;
import dev.saemonitor.conversation.TurnFeatures;
import java.io.IOException;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Store value layout: 8 bytes of last-seen time (big-endian millis), so the expiry scan reads only the prefix
 * and does not parse every conversation; then the state in {@link TurnCodec}'s binary layout (its version byte
 * first). The store is read and rewritten on every turn, up to {@code max-turns} turns each time, which is why it
 * is not JSON; values earlier builds wrote as JSON (a '{' after the prefix) are still read, so a restore from an
 * older changelog keeps its conversations.
 */
public final class StateCodec {
    private static final ObjectMapper JSON = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    private StateCodec() {
    }

    public static byte[] encode(ConversationState s) {
        TurnCodec.Writer out = new TurnCodec.Writer(256 + 1024 * s.turns().size()).putLong(s.lastSeenMs())
                .putByte(TurnCodec.VERSION).putString(s.tenant()).putInt(s.turnCount()).putInt(s.turns().size());
        for (TurnFeatures t : s.turns()) {
            TurnCodec.write(out, t);
        }
        out.putInt(s.paged().size());
        for (Map.Entry<String, ConversationState.Page> e : s.paged().entrySet()) {
            out.putString(e.getKey()).putInt(e.getValue().turn()).putString(e.getValue().eventId());
        }
        return out.toBytes();
    }

    /** A stored value in either layout (tests read the changelog through this). */
    public static ConversationState decode(byte[] value) {
        try {
            if (value.length > Long.BYTES && value[Long.BYTES] == '{') {
                return JSON.readValue(value, Long.BYTES, value.length - Long.BYTES, ConversationState.class);
            }
            ByteBuffer in = ByteBuffer.wrap(value);
            try {
                long lastSeenMs = in.getLong();
                int version = in.get();
                if (version != TurnCodec.VERSION) {
                    throw new IOException("state layout " + version + ", this build reads " + TurnCodec.VERSION + " and JSON");
                }
                String tenant = TurnCodec.string(in);
                int turnCount = in.getInt();
                int n = TurnCodec.count(in, 1);
                List<TurnFeatures> turns = new ArrayList<>(Math.max(n, 0));
                for (int i = 0; i < n; i++) {
                    turns.add(TurnCodec.read(in));
                }
                int np = TurnCodec.count(in, 1);
                Map<String, ConversationState.Page> paged = new LinkedHashMap<>();
                for (int i = 0; i < np; i++) {
                    paged.put(TurnCodec.string(in), new ConversationState.Page(in.getInt(), TurnCodec.string(in)));
                }
                return new ConversationState(tenant, lastSeenMs, turnCount, List.copyOf(turns), paged);
            } catch (BufferUnderflowException e) {
                throw new IOException("value cut short at byte " + in.position());
            }
        } catch (IOException e) {
            throw new UncheckedIOException("decoding conversation state (" + value.length + " bytes)", e);
        }
    }

    static long lastSeenMs(byte[] value) {
        return ByteBuffer.wrap(value, 0, Long.BYTES).getLong();
    }
}
