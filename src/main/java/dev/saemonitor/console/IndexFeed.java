package dev.saemonitor.console;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.saemonitor.config.MonitorConfig;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.jboss.logging.Logger;

/**
 * Fills the {@link ConsoleIndex} from the flags, conversations, review and feedback topics. Every replica reads every
 * partition itself (assign, not a consumer group), so each console shows all recent flags whichever partitions its
 * scoring consumer holds; at start each partition is read from {@code index-size} records before its end, so the
 * index holds the recent past after a restart. New partitions are picked up every 30 s.
 */
@ApplicationScoped
public class IndexFeed {
    private static final Logger LOG = Logger.getLogger(IndexFeed.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration RECHECK = Duration.ofSeconds(30);

    private final MonitorConfig config;
    private final KafkaSettings kafka;
    private final ConsoleIndex index;
    private volatile KafkaConsumer<String, byte[]> consumer;
    private volatile boolean stopping;
    private Thread thread;

    public IndexFeed(MonitorConfig config, KafkaSettings kafka, ConsoleIndex index) {
        this.config = config;
        this.kafka = kafka;
        this.index = index;
    }

    void start(@Observes StartupEvent e) {
        if (config.console().enabled()) {
            thread = Thread.ofPlatform().name("console-index").daemon().start(this::run);
        }
    }

    void stop(@Observes ShutdownEvent e) {
        stopping = true;
        KafkaConsumer<String, byte[]> c = consumer;
        if (c != null) {
            c.wakeup();
        }
    }

    private Map<String, IndexEntry.Kind> topics() {
        MonitorConfig.TopicNames t = config.topics();
        return Map.of(t.flags(), IndexEntry.Kind.flag, t.conversations(), IndexEntry.Kind.conversation,
                t.review(), IndexEntry.Kind.review, t.feedback(), IndexEntry.Kind.feedback);
    }

    private void run() {
        Map<String, IndexEntry.Kind> kinds = topics();
        try (KafkaConsumer<String, byte[]> c = kafka.consumer("sae-monitor-console-index")) {
            consumer = c;
            Instant recheck = Instant.MIN;
            while (!stopping) {
                if (Instant.now().isAfter(recheck)) {
                    assignNew(c, kinds.keySet());
                    recheck = Instant.now().plus(RECHECK);
                }
                if (c.assignment().isEmpty()) {
                    Thread.sleep(500);
                    continue;
                }
                for (ConsumerRecord<String, byte[]> r : c.poll(Duration.ofMillis(500))) {
                    IndexEntry entry = entry(kinds.get(r.topic()), r);
                    if (entry != null) {
                        index.add(entry);
                    }
                }
            }
        } catch (WakeupException | InterruptedException e) {
            LOG.debug("console index feed stopped");
        } catch (RuntimeException e) {
            LOG.errorf("console index feed failed: %s: %s (the console lists nothing new until a restart)",
                    e.getClass().getName(), e.getMessage());
        }
    }

    private static IndexEntry entry(IndexEntry.Kind kind, ConsumerRecord<String, byte[]> r) {
        if (kind == null || r.value() == null) {
            return null;
        }
        try {
            if (kind == IndexEntry.Kind.conversation && !flagged(r.value())) {
                return null; // the index keeps flagged conversations only: one record per turn need not be parsed whole
            }
            JsonNode v = JSON.readTree(r.value());
            return IndexEntry.of(kind, v, Instant.ofEpochMilli(r.timestamp()));
        } catch (IOException e) {
            LOG.debugf("console index: %s-%d@%d is not JSON, skipped", r.topic(), r.partition(), r.offset());
            return null;
        }
    }

    /**
     * The top-level {@code flagged} of a verdict, read by the streaming parser, which stops there (it comes before
     * categories and evidence), so a clear conversation verdict costs a few tokens instead of a tree.
     */
    static boolean flagged(byte[] json) throws IOException {
        try (JsonParser p = JSON.getFactory().createParser(json)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new IOException("not a JSON object");
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken value = p.nextToken();
                if ("flagged".equals(name)) {
                    return value == JsonToken.VALUE_TRUE;
                }
                p.skipChildren();
            }
            return false;
        }
    }

    /** Adds the partitions not yet assigned, each positioned {@code index-size} records before its end. */
    private void assignNew(KafkaConsumer<String, byte[]> c, Set<String> topics) {
        Set<TopicPartition> now = new HashSet<>(c.assignment());
        List<TopicPartition> added = new ArrayList<>();
        for (String t : topics) {
            try {
                c.partitionsFor(t, Duration.ofSeconds(2)).forEach(p -> {
                    TopicPartition tp = new TopicPartition(t, p.partition());
                    if (now.add(tp)) {
                        added.add(tp);
                    }
                });
            } catch (org.apache.kafka.common.errors.TimeoutException e) {
                LOG.debugf("console index: topic %s not found yet", t);
            }
        }
        if (added.isEmpty()) {
            return;
        }
        c.assign(now);
        Map<TopicPartition, Long> begin = c.beginningOffsets(added);
        Map<TopicPartition, Long> end = c.endOffsets(added);
        long size = config.console().indexSize();
        for (TopicPartition tp : added) {
            c.seek(tp, Math.max(begin.get(tp), end.get(tp) - size));
        }
        LOG.debugf("console index reads %d more partitions", added.size());
    }
}
