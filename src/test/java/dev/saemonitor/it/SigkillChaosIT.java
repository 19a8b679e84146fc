package dev.saemonitor.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.saemonitor.config.Topics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * SIGKILL five times under a steady stream, each time restarting the replica as Kubernetes would: every
 * event id produced gets at least one verdict (at-least-once), and the repeats are counted and reported.
 * Each replacement must be scoring within {@link #HANDOVER} of becoming ready.
 */
class SigkillChaosIT {
    static final int KILLS = 5;
    static final int EVENTS_PER_SECOND = 15;
    /** Verdicts a replica must publish before it is killed (so each kill lands mid-stream). */
    static final int VERDICTS_BEFORE_KILL = 20;
    /**
     * Longest a replacement may report ready without scoring: ready means it holds partitions, so the killed
     * member's partitions must not wait out its session timeout behind a green readiness probe.
     */
    static final Duration HANDOVER = Duration.ofSeconds(10);

    static ChaosStage stage;
    static EventFeed feed;
    static TopicTap verdicts;

    @BeforeAll
    static void start() throws Exception {
        stage = ChaosStage.open("sigkill");
        feed = new EventFeed(stage.broker.bootstrapServers());
        verdicts = new TopicTap(stage.broker.bootstrapServers(), Topics.VERDICTS);
    }

    @AfterAll
    static void stop() throws Exception {
        for (AutoCloseable c : new AutoCloseable[] {feed, verdicts, stage}) {
            if (c != null) {
                c.close();
            }
        }
    }

    @Test
    void fiveKillsUnderLoadLoseNoVerdict() throws Exception {
        long t0 = System.nanoTime();
        feed.startSteady("kill", EVENTS_PER_SECOND);
        ServiceNode node = stage.service("monitor-0", List.of());
        List<String> handovers = new ArrayList<>();
        List<Double> readyToScoring = new ArrayList<>();
        try {
            node.awaitReady(Duration.ofMinutes(2));
            for (int k = 1; k <= KILLS; k++) {
                int seen = verdicts.records().size();
                verdicts.awaitUntil(node.name + " scoring before kill " + k, Duration.ofMinutes(2),
                        got -> got.size() >= seen + VERDICTS_BEFORE_KILL);
                long killedAt = System.currentTimeMillis();
                node.kill();
                node = stage.service("monitor-" + k, List.of());
                double startToReady = node.awaitReady(Duration.ofMinutes(2));
                long readyAt = System.currentTimeMillis();
                verdicts.awaitUntil("first verdict after kill " + k, Duration.ofMinutes(2),
                        got -> VerdictGaps.firstAfter(got, readyAt).isPresent());
                double scoringAfterReady = VerdictGaps.firstAfter(verdicts.records(), readyAt).orElseThrow() / 1000.0;
                readyToScoring.add(scoringAfterReady);
                handovers.add(String.format("kill %d: %.1f s to ready, then %.1f s to the first verdict (%.1f s in all)", k,
                        startToReady, scoringAfterReady, (readyAt - killedAt) / 1000.0 + scoringAfterReady));
            }
            feed.stopSteady();
            List<String> ids = feed.sent();
            var all = verdicts.awaitAtMost(Duration.ofMinutes(3), got -> VerdictCount.of(got).coversAll(ids));
            VerdictCount count = VerdictCount.of(all);
            stage.report("sigkill: %d kills, %d events, %d verdict records, %d duplicates (max %d copies of one), %.1f s; %s",
                    KILLS, ids.size(), all.size(), count.duplicates(), count.mostCopies(), (System.nanoTime() - t0) / 1e9,
                    String.join("; ", handovers));
            assertThat(count.missing(ids)).as("events without a verdict").isEmpty();
            assertThat(readyToScoring).as("seconds from ready to scoring after each kill (%s)", handovers)
                    .allMatch(s -> s <= HANDOVER.toSeconds());
        } finally {
            node.close();
        }
    }
}
