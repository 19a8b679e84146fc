package dev.saemonitor.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Records that trip Jackson's stream-read limits (no location in the exception) are values, not crashes. */
class EventParserLimitsTest {
    private final EventParser parser = new EventParser(262_144, "all-minilm-l6-v2-q", 3, 384);

    private ParseResult parse(byte[] value) {
        return parser.parse(value, Map.of(), "k", "t-0-0", Instant.EPOCH);
    }

    @Test
    void nestingDeeperThanJacksonAllowsIsMalformedJson() {
        // the smallest record of issue 9 finding 1: 1,019 bytes, 1001 levels deep
        byte[] v = ("{\"text\":\"hi\",\"n\":" + "[".repeat(1000) + "]}").getBytes(StandardCharsets.UTF_8);
        assertThat(v).hasSize(1019);
        ParseResult r = parse(v);
        assertThat(r.valid()).isFalse();
        assertThat(r.reason()).isEqualTo(DeadLetterReason.MALFORMED_JSON);
        assertThat(r.detail()).isEqualTo("JSON nested deeper than 1000 levels");
    }

    @Test
    void numberLongerThanJacksonAllowsIsMalformedJson() {
        byte[] v = ("{\"text\":\"hi\",\"n\":" + "7".repeat(1001) + "}").getBytes(StandardCharsets.UTF_8);
        ParseResult r = parse(v);
        assertThat(r.valid()).isFalse();
        assertThat(r.reason()).isEqualTo(DeadLetterReason.MALFORMED_JSON);
        assertThat(r.detail()).isEqualTo("JSON number longer than 1000 characters");
    }
}
