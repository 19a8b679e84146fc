package dev.saemonitor.conversation.state;

import dev.saemonitor.config.MonitorConfig;
import dev.saemonitor.metrics.MonitorMetrics;
import dev.saemonitor.publish.AlertPusher;
import dev.saemonitor.scoring.SafetyScorer;
import dev.saemonitor.scoring.ScoringService;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.common.annotation.Identifier;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.LogAndContinueExceptionHandler;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.jboss.logging.Logger;

/**
 * Owns the conversation-state {@link KafkaStreams} instance. Self-managed rather than Quarkus' Kafka Streams
 * extension so that it starts after the pack is loaded (it scores with the pack's conversation scorer) and after
 * the embedded broker, and so that {@code monitor.conversations.enabled=false} leaves no topology at all.
 * It uses the same {@code kafka.*} client settings (SASL, TLS) as the channels.
 */
@ApplicationScoped
public class ConversationStream {
    private static final Logger LOG = Logger.getLogger(ConversationStream.class);

    private final MonitorConfig config;
    private final ScoringService scoring;
    private final AlertPusher alerts;
    private final MonitorMetrics metrics;
    private final Map<String, Object> kafka;
    private final StoreSizes sizes = new StoreSizes();
    private final RestoreClock restore;
    private volatile KafkaStreams streams;
    /** Held for the life of the process: a collected slot would close its channel and release the lock. */
    private volatile StateDirSlot slot;
    private volatile boolean everRunning;
    private volatile long startedNanos;

    public ConversationStream(MonitorConfig config, ScoringService scoring, AlertPusher alerts, MonitorMetrics metrics,
                              @Identifier("default-kafka-broker") Map<String, Object> kafka) {
        this.config = config;
        this.scoring = scoring;
        this.alerts = alerts;
        this.metrics = metrics;
        this.kafka = kafka;
        this.restore = new RestoreClock(metrics);
    }

    /** After the pack is loaded (ScoringService.awaitPack) and the channels started. */
    void onStart(@Observes StartupEvent e) {
        MonitorConfig.Conversations c = config.conversations();
        if (!c.enabled()) {
            LOG.info("conversation state off (monitor.conversations.enabled=false)");
            return;
        }
        SafetyScorer scorer = scoring.ready().join();
        int window = scorer.conversationScorer().window();
        if (window != Integer.MAX_VALUE && c.maxTurns() < window) {
            LOG.warnf("monitor.conversations.max-turns=%d is below the pack's conversation window of %d turns: the head "
                    + "sees only the last %d", c.maxTurns(), window, c.maxTurns());
        }
        ConversationTopology.Hooks hooks = new ConversationTopology.Hooks(
                (id, s) -> scorer.conversationScorer().score(id, s.turnCount(), s.turns(), scorer.packRef()),
                (v, tenant, raised, turn, eventId) -> alerts.pushConversation(v, tenant, raised, turn, eventId, scoring::severityOf),
                metrics, scoring::severityOf, sizes);
        var topology = ConversationTopology.build(config.topics().turns(), config.topics().conversations(), c.store(),
                ConversationTopology.Settings.of(c), hooks);
        Path base = Path.of(c.stateDir());
        slot = StateDirSlot.claim(base);
        KafkaStreams ks = new KafkaStreams(topology, properties(slot.dir));
        metrics.conversationGauges(sizes::conversations, sizes::bytes, restore::readySeconds);
        ks.setStateListener((now, before) -> {
            if (now == KafkaStreams.State.RUNNING && !everRunning) {
                everRunning = true;
                restore.running(startedNanos);
                LOG.infof("conversation state running %.1f s after start (%d records restored in %.1f s)",
                        restore.readySeconds(), restore.restoredRecords(), restore.restoreSeconds());
            } else if (now == KafkaStreams.State.ERROR || now == KafkaStreams.State.PENDING_ERROR) {
                LOG.errorf("conversation state %s (was %s): conversation verdicts stopped", now, before);
            }
        });
        ks.setGlobalStateRestoreListener(restore);
        ks.setUncaughtExceptionHandler(err -> {
            LOG.errorf("conversation state thread failed (%s: %s); replacing it, its tasks restart from the changelog",
                    err.getClass().getName(), err.getMessage());
            return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.REPLACE_THREAD;
        });
        startedNanos = System.nanoTime();
        ks.start();
        streams = ks;
        LOG.infof("conversation state starting: %s -> %s, store %s (%s) in %s, at most %d turns, idle expiry %s",
                config.topics().turns(), config.topics().conversations(), ConversationTopology.STORE, c.store(), slot.dir,
                c.maxTurns(), c.idleExpiry());
    }

    private Properties properties(Path stateDir) {
        MonitorConfig.Conversations c = config.conversations();
        Properties p = new Properties();
        // the channels' connection and security settings (bootstrap, SASL, TLS), not their per-channel keys
        kafka.forEach((k, v) -> {
            if (AdminClientConfig.configNames().contains(k) && !k.equals(AdminClientConfig.CLIENT_ID_CONFIG)) {
                p.put(k, String.valueOf(v));
            }
        });
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, c.applicationId().orElse(config.consumerGroup() + "-conversations"));
        p.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toAbsolutePath().toString());
        p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.AT_LEAST_ONCE);
        p.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, String.valueOf(c.commitInterval().toMillis()));
        p.put(StreamsConfig.NUM_STANDBY_REPLICAS_CONFIG, String.valueOf(c.standbyReplicas()));
        p.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, "1");
        p.put(StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG, LogAndContinueExceptionHandler.class.getName());
        // the same fast handover as the events consumer (docs/reliability.md): a dead replica's tasks move after 10 s
        p.put(StreamsConfig.consumerPrefix("session.timeout.ms"), String.valueOf(config.consumer().sessionTimeout().toMillis()));
        p.put(StreamsConfig.consumerPrefix("heartbeat.interval.ms"), String.valueOf(config.consumer().heartbeatInterval().toMillis()));
        // restores replay the changelog in polls: bigger polls, fewer round trips (10k records of ~2 KB: ~20 MB)
        p.put(StreamsConfig.restoreConsumerPrefix("max.poll.records"), "10000");
        p.put(StreamsConfig.producerPrefix("acks"), "all");
        // batches (monitor.conversations.batch-wait): per-record client and broker work dominates the topology's CPU
        long wait = c.batchWait().toMillis();
        if (wait > 0) {
            p.put(StreamsConfig.mainConsumerPrefix("fetch.min.bytes"), String.valueOf(64 * 1024));
            p.put(StreamsConfig.mainConsumerPrefix("fetch.max.wait.ms"), String.valueOf(wait));
        }
        p.put(StreamsConfig.producerPrefix("linger.ms"), String.valueOf(wait));
        p.put(StreamsConfig.producerPrefix("compression.type"), "lz4");
        return p;
    }

    /** The instance's state; null when conversation state is off or not started yet. */
    public KafkaStreams.State state() {
        KafkaStreams ks = streams;
        return ks == null ? null : ks.state();
    }

    /** Whether the topology has reached RUNNING at least once (its stores restored). */
    public boolean everRunning() {
        return everRunning;
    }

    public boolean enabled() {
        return config.conversations().enabled();
    }

    /** Conversations held by this replica. */
    public long conversations() {
        return sizes.conversations();
    }

    void onStop(@Observes ShutdownEvent e) {
        KafkaStreams ks = streams;
        if (ks != null) {
            // leave the group at once, so the tasks move now rather than after the session timeout
            ks.close(new KafkaStreams.CloseOptions().leaveGroup(true).timeout(Duration.ofSeconds(15)));
        }
    }
}
