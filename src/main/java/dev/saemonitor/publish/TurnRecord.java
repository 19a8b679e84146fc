package dev.saemonitor.publish;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.saemonitor.conversation.TurnCodec;
import dev.saemonitor.conversation.TurnFeatures;
import dev.saemonitor.scoring.Verdict;
import java.io.IOException;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;

/**
 * One scored event as conversation state receives it on the turns topic (keyed by conversation id): the
 * event's {@link TurnFeatures}, who it belongs to and where the event is ({@code source}, null in records written
 * before it existed). No text, like everything conversation state holds.
 *
 * <p>On the topic it is binary ({@link #toBytes}, first byte {@link TurnCodec#VERSION}); {@link #fromBytes} also
 * reads the JSON records earlier builds (and {@code scripts/conversations/TurnLoad.java}) write.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record TurnRecord(String conversationId, String tenant, TurnFeatures turn, Verdict.Source source) {
    private static final ObjectMapper JSON = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    public TurnRecord(String conversationId, String tenant, TurnFeatures turn) {
        this(conversationId, tenant, turn, null);
    }

    public byte[] toBytes() {
        TurnCodec.Writer out = new TurnCodec.Writer(1024).putByte(TurnCodec.VERSION).putString(conversationId)
                .putString(tenant).putBoolean(source != null);
        if (source != null) {
            out.putString(source.topic()).putInt(source.partition()).putLong(source.offset());
        }
        TurnCodec.write(out, turn);
        return out.toBytes();
    }

    /** Reads a record in either layout; a damaged one fails with an IOException that holds no content. */
    public static TurnRecord fromBytes(byte[] data) throws IOException {
        if (data.length > 0 && data[0] == '{') {
            return JSON.readValue(data, TurnRecord.class);
        }
        ByteBuffer in = ByteBuffer.wrap(data);
        try {
            int version = in.get();
            if (version != TurnCodec.VERSION) {
                throw new IOException("turn record layout " + version + ", this build reads " + TurnCodec.VERSION + " and JSON");
            }
            String conversationId = TurnCodec.string(in);
            String tenant = TurnCodec.string(in);
            Verdict.Source source = in.get() != 0 ? new Verdict.Source(TurnCodec.string(in), in.getInt(), in.getLong()) : null;
            TurnFeatures turn = TurnCodec.read(in);
            if (in.hasRemaining()) {
                throw new IOException(in.remaining() + " bytes after the turn record");
            }
            return new TurnRecord(conversationId, tenant, turn, source);
        } catch (BufferUnderflowException e) {
            throw new IOException("turn record cut short at byte " + in.position());
        }
    }
}
