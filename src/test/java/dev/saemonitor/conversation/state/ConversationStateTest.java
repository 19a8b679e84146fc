package dev.saemonitor.conversation.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.saemonitor.conversation.TurnFeatures;
import dev.saemonitor.publish.TurnRecord;
import dev.saemonitor.scoring.Verdict;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConversationStateTest {
    private static TurnFeatures turn(String id) {
        return new TurnFeatures(id, "prompt", 1L, 7, new double[] {0.1, 0.9}, new int[] {3, 9}, new float[] {0.5f, 1.5f},
                List.of(new Verdict.Evidence("bias", 3, "label", 1.25, new Verdict.Span(0, 4))));
    }

    @Test
    void keepsTheLastTurnsAndCountsAll() {
        ConversationState s = ConversationState.empty("acme");
        for (int i = 0; i < 10; i++) {
            s = s.plus(turn("e" + i), null, 100 + i, 3);
        }
        assertThat(s.turns()).extracting(TurnFeatures::eventId).containsExactly("e7", "e8", "e9");
        assertThat(s.turnCount()).isEqualTo(10);
        assertThat(s.lastSeenMs()).isEqualTo(109);
        assertThat(s.tenant()).isEqualTo("acme");
        assertThat(s.holds("e8")).isTrue();
        assertThat(s.holds("e6")).as("dropped with its turn").isFalse();
        assertThat(s.lastEventId()).isEqualTo("e9");
    }

    @Test
    void oneTurnBound() {
        ConversationState s = ConversationState.empty(null).plus(turn("a"), null, 1, 1).plus(turn("b"), null, 2, 1);
        assertThat(s.turns()).extracting(TurnFeatures::eventId).containsExactly("b");
    }

    @Test
    void codecRoundTripsAndExposesLastSeenWithoutParsing() {
        ConversationState s = ConversationState.empty("t").plus(turn("e1"), "t", 1_733_000_000_123L, 4)
                .withPaged(Map.of("bias", new ConversationState.Page(1, "e1")));
        byte[] bytes = StateCodec.encode(s);
        assertThat(StateCodec.lastSeenMs(bytes)).isEqualTo(1_733_000_000_123L);
        ConversationState back = StateCodec.decode(bytes);
        assertThat(back.turnCount()).isEqualTo(1);
        assertThat(back.paged()).containsEntry("bias", new ConversationState.Page(1, "e1"));
        TurnFeatures t = back.turns().get(0);
        assertThat(t.eventScores()).containsExactly(0.1, 0.9);
        assertThat(t.features()).containsExactly(3, 9);
        assertThat(t.values()).containsExactly(0.5f, 1.5f);
        assertThat(t.evidence()).containsExactly(new Verdict.Evidence("bias", 3, "label", 1.25, new Verdict.Span(0, 4)));
    }

    /** A turn with every field set, null elements where the service writes them (events without text). */
    static TurnFeatures fullTurn(String id) {
        return new TurnFeatures(id, "completion", 1_733_000_000_999L, 140, new double[] {0.1, 0.9, 0.0, 1e-9},
                new int[] {3, 9, 4000}, new float[] {0.5f, 1.5f, 7.25f},
                List.of(new Verdict.Evidence("bias", 3, "label with ünïcode", 1.25, new Verdict.Span(0, 4)),
                        new Verdict.Evidence("deception", 9, null, 0.5, null)),
                Arrays.asList(new Verdict.Span(1, 2), null, new Verdict.Span(30, 41)),
                new float[][] {{0.25f, 1f}, {}, {3f}, {0f, 0f, 0f}}, new int[] {32, 0, 12, 32},
                Arrays.asList(new Verdict.Span(0, 90), null, new Verdict.Span(5, 17), new Verdict.Span(0, 90)));
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private static com.fasterxml.jackson.databind.JsonNode tree(Object o) {
        return JSON.valueToTree(o);
    }

    @Test
    void theBinaryLayoutKeepsEveryFieldOfATurn() throws IOException {
        TurnFeatures t = fullTurn("e1");
        ConversationState s = ConversationState.empty("t").plus(t, "t", 5L, 4).plus(fullTurn("e2"), "t", 6L, 4);
        ConversationState back = StateCodec.decode(StateCodec.encode(s));
        // the JSON tree compares arrays by content
        assertThat(tree(back)).isEqualTo(tree(s));
        TurnRecord r = new TurnRecord("conv-1", "acme", t, new Verdict.Source("llm.events", 3, 12345L));
        byte[] bytes = r.toBytes();
        assertThat(bytes[0]).isEqualTo(dev.saemonitor.conversation.TurnCodec.VERSION);
        assertThat(tree(TurnRecord.fromBytes(bytes))).isEqualTo(tree(r));
        TurnRecord bare = new TurnRecord("conv-1", null, new TurnFeatures("e", "prompt", 0, 0, new double[0], new int[0],
                new float[0], List.of()), null);
        assertThat(tree(TurnRecord.fromBytes(bare.toBytes()))).isEqualTo(tree(bare));
    }

    @Test
    void jsonWrittenByEarlierBuildsIsStillRead() throws IOException {
        TurnFeatures t = fullTurn("e1");
        ConversationState s = ConversationState.empty("t").plus(t, "t", 77L, 4);
        byte[] json = JSON.writeValueAsBytes(s);
        byte[] legacy = ByteBuffer.allocate(Long.BYTES + json.length).putLong(77L).put(json).array();
        assertThat(tree(StateCodec.decode(legacy))).isEqualTo(tree(s));
        assertThat(StateCodec.lastSeenMs(legacy)).isEqualTo(77L);
        TurnRecord r = new TurnRecord("conv-1", "acme", t, null);
        assertThat(tree(TurnRecord.fromBytes(JSON.writeValueAsBytes(r)))).isEqualTo(tree(r));
    }

    @Test
    void aDamagedValueFailsWithoutAllocatingWhatItClaims() {
        byte[] good = new TurnRecord("conv-1", "acme", fullTurn("e1"), null).toBytes();
        assertThatThrownBy(() -> TurnRecord.fromBytes(Arrays.copyOf(good, good.length - 3))).isInstanceOf(IOException.class);
        byte[] huge = good.clone();
        huge[1] = 0x7f; // the conversation id's length: 2 GB
        assertThatThrownBy(() -> TurnRecord.fromBytes(huge)).isInstanceOf(IOException.class).hasMessageContaining("bytes left");
        byte[] other = good.clone();
        other[0] = 9;
        assertThatThrownBy(() -> TurnRecord.fromBytes(other)).hasMessageContaining("layout 9");
        byte[] state = StateCodec.encode(ConversationState.empty("t").plus(fullTurn("e1"), "t", 1L, 4));
        assertThatThrownBy(() -> StateCodec.decode(Arrays.copyOf(state, state.length / 2))).isInstanceOf(UncheckedIOException.class);
    }
}
