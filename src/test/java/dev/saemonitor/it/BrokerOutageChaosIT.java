package dev.saemonitor.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.saemonitor.config.Topics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The broker goes away (SIGKILL) mid-stream for longer than the service's producer delivery timeout,
 * then comes back on the same ports and data. Nothing may be lost or dead-lettered for it, and the service
 * must be ready and scoring again by itself, without a restart.
 */
class BrokerOutageChaosIT {
    static final int EVENTS_PER_SECOND = 15;
    /** The service's producers give a record up after this (shortened from 120 s so the test stays short). */
    static final Duration DELIVERY_TIMEOUT = Duration.ofSeconds(8);
    /** The broker stays down at least this long (its restart and log recovery add more). */
    static final Duration OUTAGE = Duration.ofSeconds(10);
    /** After the broker is back, the service is ready again within this. */
    static final Duration RECOVERY = Duration.ofSeconds(60);

    static ChaosStage stage;
    static EventFeed feed;
    static TopicTap verdicts;
    static TopicTap dlq;

    @BeforeAll
    static void start() throws Exception {
        stage = ChaosStage.open("broker-outage");
        feed = new EventFeed(stage.broker.bootstrapServers());
        verdicts = new TopicTap(stage.broker.bootstrapServers(), Topics.VERDICTS);
        dlq = new TopicTap(stage.broker.bootstrapServers(), Topics.DLQ);
    }

    @AfterAll
    static void stop() throws Exception {
        for (AutoCloseable c : new AutoCloseable[] {feed, verdicts, dlq, stage}) {
            if (c != null) {
                c.close();
            }
        }
    }

    /** Short producer timeouts on every outgoing channel, so an outage of {@link #OUTAGE} outlasts them. */
    static List<String> shortDeliveryTimeout() {
        List<String> props = new ArrayList<>();
        for (String channel : List.of(Topics.FLAGS_CHANNEL, Topics.VERDICTS_CHANNEL, Topics.DLQ_CHANNEL)) {
            props.add("mp.messaging.outgoing." + channel + ".delivery.timeout.ms=" + DELIVERY_TIMEOUT.toMillis());
            props.add("mp.messaging.outgoing." + channel + ".request.timeout.ms=" + DELIVERY_TIMEOUT.toMillis() / 2);
        }
        return props;
    }

    @Test
    void anOutageLongerThanTheDeliveryTimeoutLosesNothing() throws Exception {
        assertThat(OUTAGE).isGreaterThan(DELIVERY_TIMEOUT);
        long t0 = System.nanoTime();
        try (ServiceNode node = stage.service("monitor", shortDeliveryTimeout())) {
            node.awaitReady(Duration.ofMinutes(2));
            feed.startSteady("outage", EVENTS_PER_SECOND);
            verdicts.awaitUntil("scoring under way", Duration.ofMinutes(2), got -> got.size() >= 30);
            stage.broker.kill();
            long downAt = System.nanoTime();
            await("broker down for " + OUTAGE).pollDelay(Duration.ofSeconds(1)).during(OUTAGE).atMost(OUTAGE.plusSeconds(10))
                    .until(() -> !stage.broker.alive());
            stage.broker.startAgain();
            long upAt = System.nanoTime();
            double downSeconds = (upAt - downAt) / 1e9;
            double readyAfter = -1;
            try {
                await("service ready again").atMost(RECOVERY).pollInterval(Duration.ofMillis(250))
                        .until(() -> node.readiness() == 200 && node.alive());
                readyAfter = (System.nanoTime() - upAt) / 1e9;
            } catch (org.awaitility.core.ConditionTimeoutException e) {
                // reported below, with what got lost
            }
            int seen = verdicts.records().size();
            verdicts.awaitAtMost(Duration.ofSeconds(60), got -> got.size() >= seen + 2 * EVENTS_PER_SECOND);
            feed.stopSteady();
            List<String> ids = feed.sent();
            var all = verdicts.awaitAtMost(Duration.ofMinutes(2), got -> VerdictCount.of(got).coversAll(ids));
            VerdictCount count = VerdictCount.of(all);
            stage.report("broker outage: %.1f s down (delivery.timeout.ms %d), ready %.1f s after the broker was back, %d events,"
                            + " %d duplicates, %d dead letters, %.1f s", downSeconds, DELIVERY_TIMEOUT.toMillis(), readyAfter,
                    ids.size(), count.duplicates(), dlq.records().size(), (System.nanoTime() - t0) / 1e9);
            assertThat(readyAfter).as("seconds to ready after the broker came back (-1: not within %s); log tail:%n%s",
                    RECOVERY, node.tail(2000)).isNotNegative();
            assertThat(count.missing(ids)).as("events without a verdict after the outage").isEmpty();
            assertThat(dlq.records()).as("events dead-lettered because the broker was away").isEmpty();
        }
    }
}
