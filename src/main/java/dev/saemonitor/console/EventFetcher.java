package dev.saemonitor.console;

import dev.saemonitor.config.MonitorConfig;
import dev.saemonitor.ingest.EventConsumer;
import dev.saemonitor.ingest.LlmEvent;
import dev.saemonitor.ingest.ParseResult;
import dev.saemonitor.scoring.ScoringService;
import dev.saemonitor.scoring.Verdict;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;

/**
 * Reads events back from {@code llm.events} by their coordinates (assign and seek, one short-lived consumer per
 * request) and parses them with the service's own parser, so the text and its spans are exactly what was scored.
 */
@ApplicationScoped
public class EventFetcher {
    private final KafkaSettings kafka;
    private final ScoringService scoring;
    private final Duration timeout;
    private final int scan;

    public EventFetcher(KafkaSettings kafka, ScoringService scoring, MonitorConfig config) {
        this.kafka = kafka;
        this.scoring = scoring;
        this.timeout = config.console().fetchTimeout();
        this.scan = config.console().conversationScan();
    }

    /** Outcome of a fetch: the event, or why there is none (never the text of a record that did not match). */
    public record Fetched(LlmEvent event, String missing) {
        static Fetched of(LlmEvent e) {
            return new Fetched(e, null);
        }

        static Fetched none(String why) {
            return new Fetched(null, why);
        }
    }

    /** The event at {@code at}, checked to be {@code eventId}. */
    public Fetched event(Verdict.Source at, String eventId) {
        if (at == null) {
            return Fetched.none("no source coordinates (scored over HTTP, from OpenTelemetry input, or by an older version)");
        }
        TopicPartition tp = new TopicPartition(at.topic(), at.partition());
        try (KafkaConsumer<String, byte[]> c = kafka.consumer("sae-monitor-console-fetch")) {
            c.assign(Set.of(tp));
            long begin = c.beginningOffsets(Set.of(tp), timeout).get(tp);
            long end = c.endOffsets(Set.of(tp), timeout).get(tp);
            if (at.offset() < begin) {
                return Fetched.none("no longer retained: " + at.topic() + " partition " + at.partition() + " now starts at offset " + begin);
            }
            if (at.offset() >= end) {
                return Fetched.none("offset " + at.offset() + " is past the end of " + at.topic() + " partition " + at.partition() + " (" + end + ")");
            }
            c.seek(tp, at.offset());
            Instant deadline = Instant.now().plus(timeout);
            while (Instant.now().isBefore(deadline)) {
                for (ConsumerRecord<String, byte[]> r : c.poll(Duration.ofMillis(200))) {
                    if (r.offset() == at.offset()) {
                        LlmEvent e = parse(r);
                        if (e == null) {
                            return Fetched.none("the record at the coordinates does not parse");
                        }
                        if (!Objects.equals(e.id(), eventId)) {
                            return Fetched.none("the record at the coordinates is another event (topic recreated?)");
                        }
                        return Fetched.of(e);
                    }
                    if (r.offset() > at.offset()) {
                        return Fetched.none("no longer retained: offset " + at.offset() + " was compacted or deleted");
                    }
                }
            }
            return Fetched.none("not read within " + timeout.toMillis() + " ms");
        } catch (org.apache.kafka.common.KafkaException e) {
            return Fetched.none("events topic unavailable (" + e.getClass().getSimpleName() + ")");
        }
    }

    /**
     * The last {@code turns} events of a conversation up to and including the record at {@code last}: its partition
     * read back at most {@code monitor.console.conversation-scan} records, keeping the events of the conversation (by
     * their parsed conversation id, not the record key: a producer that keys otherwise spreads a conversation over
     * partitions, and then only the turns on this partition are found).
     */
    public List<LlmEvent> turns(Verdict.Source last, String conversationId, int turns) {
        if (last == null || turns < 1) {
            return List.of();
        }
        TopicPartition tp = new TopicPartition(last.topic(), last.partition());
        Deque<LlmEvent> kept = new ArrayDeque<>();
        try (KafkaConsumer<String, byte[]> c = kafka.consumer("sae-monitor-console-fetch")) {
            c.assign(Set.of(tp));
            long begin = c.beginningOffsets(Set.of(tp), timeout).get(tp);
            long from = Math.max(begin, last.offset() - scan + 1);
            if (last.offset() < begin) {
                return List.of();
            }
            c.seek(tp, from);
            Instant deadline = Instant.now().plus(timeout);
            long next = from;
            while (next <= last.offset() && Instant.now().isBefore(deadline)) {
                for (ConsumerRecord<String, byte[]> r : c.poll(Duration.ofMillis(200))) {
                    next = r.offset() + 1;
                    if (r.offset() > last.offset()) {
                        break;
                    }
                    if (r.value() != null) {
                        LlmEvent e = parse(r);
                        if (e != null && conversationId.equals(e.conversationId())) {
                            kept.addLast(e);
                            if (kept.size() > turns) {
                                kept.removeFirst();
                            }
                        }
                    }
                }
            }
        } catch (org.apache.kafka.common.KafkaException e) {
            return List.of();
        }
        return new ArrayList<>(kept);
    }

    private LlmEvent parse(ConsumerRecord<String, byte[]> r) {
        if (scoring.parser() == null || r.value() == null) {
            return null;
        }
        ParseResult p = scoring.parser().parse(r.value(), EventConsumer.parserHeaders(r.headers()), r.key(),
                r.topic() + "-" + r.partition() + "-" + r.offset(), Instant.ofEpochMilli(r.timestamp()));
        return p.valid() ? p.event() : null;
    }
}
