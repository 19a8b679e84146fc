package dev.saemonitor.conversation.state;

import static org.assertj.core.api.Assertions.assertThat;

import dev.saemonitor.conversation.TurnFeatures;
import dev.saemonitor.scoring.Verdict;
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
}
