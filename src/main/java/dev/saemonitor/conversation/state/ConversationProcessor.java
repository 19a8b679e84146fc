package dev.saemonitor.conversation.state;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.saemonitor.conversation.ConversationVerdict;
import dev.saemonitor.conversation.TurnFeatures;
import dev.saemonitor.publish.TurnRecord;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.jboss.logging.Logger;

/**
 * Per turn record: appends the turn to its conversation's state (bounded, repeats dropped by event id), scores
 * the conversation, writes the state, forwards the conversation verdict, and pages categories newly flagged. A
 * wall-clock punctuator drops conversations idle past the expiry and forwards a tombstone for each.
 *
 * <p>A repeated event id (the event pipeline is at-least-once, and so is this topology after a crash) changes
 * nothing; if it is the conversation's last turn its verdict is forwarded again and its pages pushed again (the
 * first copy may have been lost with the crash; Alertmanager merges a re-pushed alert with the same labels).
 */
final class ConversationProcessor implements Processor<String, TurnRecord, String, String> {
    private static final Logger LOG = Logger.getLogger(ConversationProcessor.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final ConversationTopology.Settings settings;
    private final ConversationTopology.Hooks hooks;
    private ProcessorContext<String, String> context;
    private KeyValueStore<Bytes, byte[]> store;
    private String task;
    /** No conversation expires before this wall-clock time: restored conversations get one idle period here. */
    private long expiresFromMs;

    ConversationProcessor(ConversationTopology.Settings settings, ConversationTopology.Hooks hooks) {
        this.settings = settings;
        this.hooks = hooks;
    }

    @Override
    public void init(ProcessorContext<String, String> context) {
        this.context = context;
        this.store = context.getStateStore(ConversationTopology.STORE);
        this.task = context.taskId().toString();
        // This replica has not seen the restored conversations idle yet, and the turns after the previous owner's
        // last commit are replayed now (repeats, dropped by event id). Expiring before that replay ends would let
        // a replayed turn start its conversation afresh, counted twice. So the idle clock starts at the hand-over.
        long now = context.currentSystemTimeMs();
        expiresFromMs = now + settings.idleExpiry().toMillis();
        // called once the task's store is restored: counts what it holds (nothing expires yet)
        scan(now);
        context.schedule(settings.expiryScanInterval(), PunctuationType.WALL_CLOCK_TIME, this::scan);
    }

    @Override
    public void process(Record<String, TurnRecord> record) {
        TurnRecord in = record.value();
        if (record.key() == null || in == null || in.turn() == null) {
            return;
        }
        Bytes key = key(record.key());
        byte[] old = store.get(key);
        ConversationState state = old == null ? ConversationState.empty(in.tenant()) : decodeOrEmpty(record.key(), old, in.tenant());
        TurnFeatures turn = in.turn();
        if (state.holds(turn.eventId())) {
            hooks.metrics().repeatedTurn();
            if (turn.eventId().equals(state.lastEventId())) {
                ConversationVerdict v = hooks.score(record.key(), state).withSource(in.source());
                forward(record, v);
                hooks.page(v, state.tenant(), raisedAt(state, turn.eventId()), state.turnCount(), turn.eventId());
            }
            return;
        }
        ConversationState next = state.plus(turn, in.tenant(), context.currentSystemTimeMs(), settings.maxTurns());
        ConversationVerdict v = hooks.score(record.key(), next).withSource(in.source());
        Map<String, ConversationState.Page> paged = new LinkedHashMap<>(next.paged());
        List<String> raised = new ArrayList<>();
        for (ConversationVerdict.Category c : v.categories()) {
            String pageKey = c.name() + PAGE_POINT_SUFFIX;
            if (!c.flagged()) {
                paged.remove(c.name());
                paged.remove(pageKey);
                continue;
            }
            if (!paged.containsKey(c.name())) {
                paged.put(c.name(), new ConversationState.Page(next.turnCount(), turn.eventId()));
                raised.add(c.name());
                hooks.metrics().conversationFlagged(c.name(), severityOf(c, hooks), next.tenant());
            }
            // a category flagged at review and later at page raises once more, for the page
            if ("page".equals(c.point()) && !paged.containsKey(pageKey)) {
                paged.put(pageKey, new ConversationState.Page(next.turnCount(), turn.eventId()));
                if (!raised.contains(c.name())) {
                    raised.add(c.name());
                }
            }
        }
        next = next.withPaged(paged);
        byte[] value = StateCodec.encode(next);
        store.put(key, value);
        hooks.sizes().add(task, old == null ? 1 : 0, value.length - (old == null ? -key.get().length : old.length));
        forward(record, v);
        hooks.metrics().conversationVerdict(v.flagged());
        hooks.page(v, next.tenant(), raised, next.turnCount(), turn.eventId());
    }

    /**
     * A stored value this version cannot read (written by an incompatible build) starts the conversation afresh
     * rather than failing the task, which would fail again on the same record for ever.
     */
    private static ConversationState decodeOrEmpty(String conversationId, byte[] value, String tenant) {
        try {
            return StateCodec.decode(value);
        } catch (RuntimeException e) {
            LOG.warnf("conversation %s: stored state unreadable (%s), starting it afresh", conversationId, e.getClass().getSimpleName());
            return ConversationState.empty(tenant);
        }
    }

    /** Key suffix of a category's page-point entry in a conversation's paged map. */
    static final String PAGE_POINT_SUFFIX = "@page";

    private static String severityOf(ConversationVerdict.Category c, ConversationTopology.Hooks hooks) {
        return c.point() == null ? hooks.severityOf(c.name()) : "page".equals(c.point()) ? "critical" : "warning";
    }

    private static List<String> raisedAt(ConversationState s, String eventId) {
        return s.paged().entrySet().stream().filter(e -> eventId.equals(e.getValue().eventId())).map(Map.Entry::getKey).toList();
    }

    private void forward(Record<String, TurnRecord> in, ConversationVerdict v) {
        String json;
        try {
            json = JSON.writeValueAsString(v);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("conversation verdict of " + in.key() + " not serialisable", e);
        }
        context.forward(new Record<>(in.key(), json, context.currentSystemTimeMs(), CloudEventHeaders.of(v)));
    }

    /** Drops conversations idle since before {@code nowMs - idleExpiry}, none within one idle period of the task's start. */
    private void scan(long nowMs) {
        long cutoff = nowMs < expiresFromMs ? Long.MIN_VALUE : nowMs - settings.idleExpiry().toMillis();
        long count = 0, bytes = 0;
        List<Bytes> expired = new ArrayList<>();
        try (KeyValueIterator<Bytes, byte[]> it = store.all()) {
            while (it.hasNext()) {
                KeyValue<Bytes, byte[]> kv = it.next();
                if (StateCodec.lastSeenMs(kv.value) < cutoff) {
                    expired.add(kv.key);
                } else {
                    count++;
                    bytes += kv.key.get().length + kv.value.length;
                }
            }
        }
        for (Bytes k : expired) {
            store.delete(k);
            String id = new String(k.get(), StandardCharsets.UTF_8);
            context.forward(new Record<String, String>(id, null, nowMs, new RecordHeaders()));
            hooks.metrics().conversationExpired();
        }
        if (!expired.isEmpty()) {
            LOG.debugf("task %s: %d idle conversations expired", task, expired.size());
        }
        hooks.sizes().set(task, count, bytes);
    }

    private static Bytes key(String conversationId) {
        return Bytes.wrap(conversationId.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public void close() {
        hooks.sizes().remove(task);
    }
}
