package dev.saemonitor.ingest.otel;

import dev.saemonitor.ingest.LlmEvent;
import io.opentelemetry.proto.common.v1.KeyValue;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The events one OTLP record maps to, in record order, and how many of its parts were skipped, by reason. */
public record Mapped(List<LlmEvent> events, Map<Skip, Integer> skipped) {

    /**
     * What every event of one record shares.
     *
     * @param tenantAttribute resource attribute holding the tenant (monitor.otel.tenant-attribute)
     * @param maxBytes        texts larger than this (UTF-8) are skipped as oversize (monitor.max-event-bytes)
     * @param fallbackId      topic-partition-offset of the record, the stem of ids for parts without a span id
     * @param recordTime      the Kafka record's timestamp, for parts without a time
     */
    public record Context(String tenantAttribute, int maxBytes, String fallbackId, Instant recordTime) {
    }

    /** Collects events and skips while one record is mapped; event ids are kept unique within the record. */
    static final class Builder {
        private final Context ctx;
        private final List<LlmEvent> events = new ArrayList<>();
        private final Map<Skip, Integer> skipped = new EnumMap<>(Skip.class);
        private final Set<String> ids = new HashSet<>();

        Builder(Context ctx) {
            this.ctx = ctx;
        }

        Context context() {
            return ctx;
        }

        void skip(Skip why) {
            skipped.merge(why, 1, Integer::sum);
        }

        /** Adds the event for a text, or a skip when the content gave none or the text is too large. */
        void add(GenAiContent content, String id, Ids where, String role, long timeNanos) {
            if (content.skip() != null) {
                skip(content.skip());
                return;
            }
            int bytes = content.text().getBytes(StandardCharsets.UTF_8).length;
            if (bytes > ctx.maxBytes()) {
                skip(Skip.OVERSIZE);
                return;
            }
            String unique = id;
            for (int n = 2; !ids.add(unique); n++) {
                unique = id + "-" + n;
            }
            Instant time = timeNanos > 0 ? Instant.ofEpochSecond(0, timeNanos) : ctx.recordTime();
            events.add(new LlmEvent(unique, where.conversationId(), where.tenant(), where.model(), role, content.text(), time,
                    null, bytes));
        }

        Mapped build() {
            return new Mapped(List.copyOf(events), Map.copyOf(skipped));
        }
    }

    /** Conversation, tenant and model of one span or log record, from its attributes and its resource's. */
    record Ids(String conversationId, String tenant, String model) {
        static Ids of(List<KeyValue> attributes, List<KeyValue> resource, String traceHex, Context ctx) {
            String conversation = AnyValues.string(attributes, "gen_ai.conversation.id");
            String model = AnyValues.string(attributes, "gen_ai.request.model");
            return new Ids(conversation != null ? conversation : traceHex, AnyValues.string(resource, ctx.tenantAttribute()),
                    model != null ? model : AnyValues.string(attributes, "gen_ai.response.model"));
        }
    }
}
