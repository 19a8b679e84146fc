package dev.saemonitor.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.saemonitor.config.Topics;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Two replicas share the stream; one gets SIGTERM (a rolling update, a scale-down) in the middle of it.
 * It must drain what it holds before it goes: every event gets a verdict and none is dead-lettered.
 */
class SigtermChaosIT {
    static final int EVENTS_PER_SECOND = 25;
    /** A stopped replica finishes its in-flight events and leaves the group within this. */
    static final Duration DRAIN = Duration.ofSeconds(30);

    static ChaosStage stage;
    static EventFeed feed;
    static TopicTap verdicts;
    static TopicTap dlq;

    @BeforeAll
    static void start() throws Exception {
        stage = ChaosStage.open("sigterm");
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

    @Test
    void aReplicaStoppedMidStreamDrainsAndTheOtherTakesOver() throws Exception {
        long t0 = System.nanoTime();
        try (ServiceNode a = stage.service("replica-a", List.of()); ServiceNode b = stage.service("replica-b", List.of())) {
            a.awaitReady(Duration.ofMinutes(2));
            b.awaitReady(Duration.ofMinutes(2));
            feed.startSteady("term", EVENTS_PER_SECOND);
            verdicts.awaitUntil("both replicas scoring", Duration.ofMinutes(2), got -> got.size() >= 60);
            long termAt = System.currentTimeMillis();
            a.terminate();
            int exit = a.awaitExit(DRAIN);
            long exitedAt = System.currentTimeMillis();
            int seen = verdicts.records().size();
            verdicts.awaitUntil("the survivor scoring on", Duration.ofMinutes(2),
                    got -> got.size() >= seen + 3 * EVENTS_PER_SECOND);
            feed.stopSteady();
            List<String> ids = feed.sent();
            var all = verdicts.awaitAtMost(Duration.ofMinutes(2), got -> VerdictCount.of(got).coversAll(ids));
            VerdictCount count = VerdictCount.of(all);
            long pause = VerdictGaps.longestPause(all, termAt, exitedAt + 30_000);
            stage.report("sigterm: %d events, exit %d after %.1f s, longest verdict pause %.1f s, %d duplicates, %d dead letters,"
                            + " %.1f s", ids.size(), exit, (exitedAt - termAt) / 1000.0, pause / 1000.0, count.duplicates(),
                    dlq.records().size(), (System.nanoTime() - t0) / 1e9);
            assertThat(count.missing(ids)).as("events without a verdict after replica-a was stopped").isEmpty();
            assertThat(dlq.records()).as("events dead-lettered because a replica was stopped").isEmpty();
            assertThat(a.log()).as("replica-a's log").doesNotContain("batcher is shut down");
        }
    }
}
