package dev.saemonitor.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.saemonitor.config.Topics;
import dev.saemonitor.ingest.DeadLetterReason;
import dev.saemonitor.testing.BadRecords;
import dev.saemonitor.testing.BadRecords.BadRecord;
import dev.saemonitor.publish.DeadLetterPublisher;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Every kind of bad record in {@link BadRecords} (the table the pipeline and parser tests use too), plus a
 * tombstone, each followed on its partition by a good event that
 * must get its verdict, while readiness stays up the whole time. Each bad record reaches the dead-letter
 * topic once, with the expected reason; the canary it carries in every field shows up nowhere the
 * service writes: its logs, its metrics, the verdicts, the dead-letter headers it adds, its HTTP errors.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class BadRecordsChaosIT {
    private static final Duration NEXT_VERDICT = Duration.ofSeconds(30);
    private static final String CANARY = BadRecords.CANARY;
    /** Header every bad record carries, so headers are canaried too (the DLQ copies original headers as they are). */
    private static final String CANARY_HEADER = "x-chaos-canary";
    private static final List<Kind> KINDS = kinds();

    /**
     * One bad record as the chaos suite sends it: the shared table's value and headers, plus a key and a header
     * holding the canary, except for the record sized to the producer's 1 MiB limit, which fits only bare.
     */
    record Kind(String name, String key, byte[] value, Map<String, String> headers, String reason, boolean jsonBody) {
    }

    private static List<Kind> kinds() {
        List<Kind> out = new ArrayList<>();
        out.add(new Kind("tombstone", "conv-" + CANARY, null, Map.of(CANARY_HEADER, CANARY),
                DeadLetterReason.MISSING_TEXT.label(), false));
        for (BadRecord b : BadRecords.all()) {
            Map<String, String> headers = new LinkedHashMap<>(b.headers());
            String key = null;
            if (!b.needsBareRecord()) {
                headers.put(CANARY_HEADER, CANARY);
                key = "conv-" + CANARY + "-" + b.kind();
            }
            out.add(new Kind(b.kind(), key, b.value(), headers, b.reason(), b.value().length > 0 && !b.needsKafkaHeaders()));
        }
        return out;
    }

    static ChaosStage stage;
    static ServiceNode node;
    static TopicTap verdicts;
    static TopicTap dlq;
    static EventFeed feed;
    /** Partition and offset of each bad record, by kind name. */
    static final Map<String, RecordMetadata> sentAt = new LinkedHashMap<>();

    @BeforeAll
    static void start() throws Exception {
        stage = ChaosStage.open("bad-records");
        node = stage.service("monitor", List.of());
        node.awaitReady(Duration.ofMinutes(2));
        verdicts = new TopicTap(stage.broker.bootstrapServers(), Topics.VERDICTS);
        dlq = new TopicTap(stage.broker.bootstrapServers(), Topics.DLQ);
        feed = new EventFeed(stage.broker.bootstrapServers());
    }

    @AfterAll
    static void stop() throws Exception {
        for (AutoCloseable c : new AutoCloseable[] {feed, verdicts, dlq, node, stage}) {
            if (c != null) {
                c.close();
            }
        }
    }

    @Test
    @Order(1)
    void everyBadRecordIsDeadLetteredWhileTheNextEventGetsItsVerdict() throws Exception {
        assertThat(KINDS).hasSizeGreaterThanOrEqualTo(40);
        long t0 = System.nanoTime();
        List<String> wrong = new ArrayList<>();
        try (ReadinessWatch ready = new ReadinessWatch(node)) {
            for (int i = 0; i < KINDS.size(); i++) {
                Kind k = KINDS.get(i);
                RecordMetadata bad = feed.send(k.key(), k.value(), k.headers());
                sentAt.put(k.name(), bad);
                String goodId = "after-bad-" + i;
                feed.sendGood(goodId, "conv-bad-" + i, i, bad.partition());
                try {
                    verdicts.awaitUntil("verdict of the good event after '" + k.name() + "'", NEXT_VERDICT,
                            got -> VerdictCount.of(got).byId().containsKey(goodId));
                } catch (org.awaitility.core.ConditionTimeoutException e) {
                    // the stream has stopped: the kinds after this one cannot be tried on this replica
                    wrong.add(k.name() + ": the next good event on partition " + bad.partition() + " got no verdict within "
                            + NEXT_VERDICT + " (readiness now " + node.readiness() + "); " + (KINDS.size() - i - 1)
                            + " kinds after it not tried");
                    break;
                }
            }
            if (!ready.notReady().isEmpty()) {
                List<String> down = ready.notReady();
                wrong.add("readiness answered other than 200 in " + down.size() + " of " + ready.polls() + " polls, from "
                        + down.get(0) + " to " + down.get(down.size() - 1));
            }
        }
        List<ConsumerRecord<String, byte[]>> letters = awaitDeadLetters(sentAt.size());
        for (var sent : sentAt.entrySet()) {
            Kind k = KINDS.stream().filter(x -> x.name().equals(sent.getKey())).findFirst().orElseThrow();
            RecordMetadata at = sent.getValue();
            List<ConsumerRecord<String, byte[]>> mine = letters.stream().filter(r -> at.partition() == intHeader(r,
                    DeadLetterPublisher.PARTITION) && at.offset() == intHeader(r, DeadLetterPublisher.OFFSET)).toList();
            String reason = mine.isEmpty() ? "(none)" : header(mine.get(0), DeadLetterPublisher.REASON);
            if (mine.size() != 1 || !k.reason().equals(reason)) {
                wrong.add(k.name() + ": " + mine.size() + " dead letters, reason " + reason + ", expected " + k.reason());
            } else if (k.value() != null && k.value().length <= BadRecords.MAX_EVENT_BYTES
                    && !java.util.Arrays.equals(k.value(), mine.get(0).value())) {
                wrong.add(k.name() + ": the dead letter does not hold the original bytes");
            }
        }
        if (letters.size() != sentAt.size()) {
            wrong.add(letters.size() + " dead letters for " + sentAt.size() + " bad records");
        }
        double counted = scrapeSum(node.metrics(), "sae_monitor_dlq_total");
        if (counted != letters.size()) {
            wrong.add("sae_monitor_dlq_total is " + counted + " for " + letters.size() + " records on " + Topics.DLQ);
        }
        assertThat(wrong).as("bad records whose outcome differs from the table in docs/reliability.md").isEmpty();
        stage.report("bad records: %d kinds, each followed by a good event, in %.1f s; readiness stayed up",
                KINDS.size(), (System.nanoTime() - t0) / 1e9);
    }

    /** Waits (bounded) for as many dead letters as bad records were sent; returns what arrived. */
    private static List<ConsumerRecord<String, byte[]>> awaitDeadLetters(int expected) {
        return dlq.awaitAtMost(Duration.ofSeconds(20), got -> got.size() >= expected);
    }

    @Test
    @Order(2)
    void theScoringApiRejectsEveryBadBodyWithoutEchoingItOrCountingItAsADeadLetter() throws Exception {
        double before = scrapeSum(node.metrics(), "sae_monitor_dlq_total");
        List<String> wrong = new ArrayList<>();
        for (Kind k : KINDS) {
            if (!k.jsonBody()) {
                continue;
            }
            var resp = node.score(k.value(), k.headers().getOrDefault("content-type", "application/json"));
            if (resp.statusCode() < 400 || resp.statusCode() >= 500) {
                wrong.add(k.name() + ": HTTP " + resp.statusCode());
            } else if (resp.body().contains(CANARY)) {
                wrong.add(k.name() + ": the " + resp.statusCode() + " body echoes a received value");
            }
        }
        assertThat(wrong).as("bad bodies on POST /api/v1/score").isEmpty();
        assertThat(scrapeSum(node.metrics(), "sae_monitor_dlq_total")).as("HTTP 400s write no dead letter, so count none")
                .isEqualTo(before);
    }

    @Test
    @Order(3)
    void theCanaryIsNowhereTheServiceWrites() throws Exception {
        String canary = CANARY;
        assertThat(node.log()).as("service stdout/stderr").doesNotContain(canary);
        assertThat(node.metrics()).as("/q/metrics").doesNotContain(canary);
        for (ConsumerRecord<String, byte[]> v : verdicts.records()) {
            assertThat(new String(v.value(), StandardCharsets.UTF_8)).as("verdict value").doesNotContain(canary);
            assertThat(v.key()).as("verdict key").doesNotContain(canary);
            for (Header h : v.headers()) {
                assertThat(new String(h.value(), StandardCharsets.UTF_8)).as("verdict header %s", h.key()).doesNotContain(canary);
            }
        }
        List<ConsumerRecord<String, byte[]>> letters = dlq.records();
        assertThat(letters).as("dead letters to inspect").isNotEmpty();
        List<String> leaks = new ArrayList<>();
        for (ConsumerRecord<String, byte[]> r : letters) {
            for (Header h : r.headers()) {
                // the original record's headers travel with its copy; the ones the service adds must not echo it
                if (h.key().startsWith("dead-letter-") && new String(h.value(), StandardCharsets.UTF_8).contains(canary)) {
                    leaks.add(header(r, DeadLetterPublisher.REASON) + " @" + header(r, DeadLetterPublisher.OFFSET) + ": " + h.key());
                }
            }
        }
        assertThat(leaks).as("dead-letter headers that echo a received value").isEmpty();
    }

    private static String header(ConsumerRecord<?, ?> r, String key) {
        Header h = r.headers().lastHeader(key);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    private static long intHeader(ConsumerRecord<?, ?> r, String key) {
        String v = header(r, key);
        return v == null ? -1 : Long.parseLong(v);
    }

    static double scrapeSum(String scrape, String metric) {
        double sum = 0;
        for (String line : scrape.split("\n")) {
            if (line.startsWith(metric + "{") || line.startsWith(metric + " ")) {
                sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return sum;
    }
}
