package dev.saemonitor.conversation.state;

import dev.saemonitor.config.MonitorConfig;
import dev.saemonitor.conversation.ConversationVerdict;
import dev.saemonitor.metrics.MonitorMetrics;
import dev.saemonitor.publish.TurnRecord;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.function.Function;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.state.KeyValueBytesStoreSupplier;
import org.apache.kafka.streams.state.Stores;

/**
 * The topology: turns topic → {@link ConversationProcessor} (state store {@value #STORE}, changelog-backed) →
 * conversations topic. One task per turns partition, so a conversation's state lives where its turns land and
 * moves with that partition.
 */
public final class ConversationTopology {
    public static final String STORE = "conversation-state";
    /**
     * Changelog topic configs that keep a full restore short. Compaction only cleans closed segments, and a restore
     * onto an empty state directory replays every record left: with the broker's 1 GiB segments and its 0.5 dirty
     * ratio the changelog of 100k conversations x 4 turns was never compacted and replayed all 400k updates (18 s,
     * docs/performance.md). 8 MiB segments (or 10 minutes, for a quiet changelog) close often, and a 0.1 dirty ratio
     * lets the cleaner reduce them to about one record a conversation soon after.
     */
    static final Map<String, String> CHANGELOG_CONFIG = Map.of("segment.bytes", String.valueOf(8 * 1024 * 1024),
            "segment.ms", String.valueOf(10 * 60 * 1000), "min.cleanable.dirty.ratio", "0.1");

    /** What the processor needs from configuration. */
    record Settings(int maxTurns, Duration idleExpiry, Duration expiryScanInterval) {
        static Settings of(MonitorConfig.Conversations c) {
            if (c.maxTurns() < 1) {
                throw new IllegalArgumentException("monitor.conversations.max-turns: expected at least 1, got " + c.maxTurns());
            }
            return new Settings(c.maxTurns(), c.idleExpiry(), c.expiryScanInterval());
        }
    }

    /** Pushes conversation alerts for newly flagged categories. */
    interface Pager {
        void page(ConversationVerdict v, String tenant, List<String> raised, int turn, String eventId);
    }

    /** What the processor calls out to: the conversation scorer, the pager, meters and size accounting. */
    record Hooks(BiFunction<String, ConversationState, ConversationVerdict> scorer, Pager pager, MonitorMetrics metrics,
                 Function<String, String> severityOf, StoreSizes sizes) {
        ConversationVerdict score(String conversationId, ConversationState s) {
            return scorer.apply(conversationId, s);
        }

        void page(ConversationVerdict v, String tenant, List<String> raised, int turn, String eventId) {
            if (!raised.isEmpty()) {
                pager.page(v, tenant, raised, turn, eventId);
            }
        }

        String severityOf(String category) {
            return severityOf.apply(category);
        }
    }

    private ConversationTopology() {
    }

    static Topology build(String turnsTopic, String conversationsTopic, MonitorConfig.StoreKind kind, Settings settings,
                          Hooks hooks) {
        KeyValueBytesStoreSupplier supplier = kind == MonitorConfig.StoreKind.in_memory
                ? Stores.inMemoryKeyValueStore(STORE) : Stores.persistentKeyValueStore(STORE);
        Topology t = new Topology();
        t.addSource("turns", Serdes.String().deserializer(), new TurnDeserializer(), turnsTopic);
        t.addProcessor("conversation", () -> new ConversationProcessor(settings, hooks), "turns");
        t.addStateStore(Stores.keyValueStoreBuilder(supplier, Serdes.Bytes(), Serdes.ByteArray())
                // every put reaches the changelog at once: what is committed is what a restore brings back
                .withCachingDisabled()
                .withLoggingEnabled(CHANGELOG_CONFIG), "conversation");
        t.addSink("conversations", conversationsTopic, Serdes.String().serializer(), Serdes.String().serializer(),
                "conversation");
        return t;
    }

    /** Turn records as the event pipeline writes them ({@link TurnRecord#toBytes}); an unreadable one is skipped by the handler. */
    static final class TurnDeserializer implements Deserializer<TurnRecord> {
        @Override
        public TurnRecord deserialize(String topic, byte[] data) {
            if (data == null) {
                return null;
            }
            try {
                return TurnRecord.fromBytes(data);
            } catch (IOException e) {
                // no content in the message: the record's coordinates are logged by the deserialization handler
                throw new SerializationException("unreadable turn record on " + topic + " (" + data.length + " bytes)");
            }
        }
    }
}
