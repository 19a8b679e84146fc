package dev.saemonitor.conversation.state;

import dev.saemonitor.conversation.ConversationVerdict;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;

/** CloudEvents binary-mode headers of a conversation verdict, the same attributes as the event verdicts carry. */
final class CloudEventHeaders {
    static final String CE_TYPE = "dev.saemonitor.conversation.v1";
    static final String CE_SOURCE = "urn:sae-safety-monitor";

    private CloudEventHeaders() {
    }

    static Headers of(ConversationVerdict v) {
        RecordHeaders h = new RecordHeaders();
        add(h, "ce_specversion", "1.0");
        // one CloudEvent per turn: the id names the conversation and the turn's event
        add(h, "ce_id", "conversation-" + v.conversationId() + "-" + v.lastEventId());
        add(h, "ce_type", CE_TYPE);
        add(h, "ce_source", CE_SOURCE);
        add(h, "ce_subject", v.conversationId());
        add(h, "ce_time", Instant.now().toString());
        add(h, "content-type", "application/json");
        return h;
    }

    private static void add(RecordHeaders h, String key, String value) {
        h.add(key, value.getBytes(StandardCharsets.UTF_8));
    }
}
