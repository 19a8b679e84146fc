package dev.saemonitor.pipeline;

import org.junit.jupiter.api.Tag;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.saemonitor.config.Topics;
import dev.saemonitor.publish.DeadLetterPublisher;
import dev.saemonitor.testing.BadRecords;
import dev.saemonitor.testing.BadRecords.BadRecord;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every kind of bad record against a real broker: each reaches the dead-letter topic with its reason
 * (the 1 MB one cut to fit), the good event after each is scored, the DLQ counter moves only for what
 * the broker took, HTTP refuses the same bodies with 400, and the canary in every field is in no
 * dead-letter header, HTTP body, log line or metric.
 */
@QuarkusTest
@Tag("quarkus")
@QuarkusTestResource(value = KafkaBrokerResource.class, restrictToAnnotatedClass = false)
class DeadLetterPipelineTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration WAIT = Duration.ofSeconds(120);
    private static final String CANARY = BadRecords.CANARY;
    private static final Pattern COUNTER = Pattern.compile("^(sae_monitor_\\w+_total)\\{([^}]*)}\\s+(\\S+)$", Pattern.MULTILINE);
    private static final Pattern REASON = Pattern.compile("reason=\"([^\"]*)\"");
    private static final ConcurrentLinkedQueue<String> LOGS = new ConcurrentLinkedQueue<>();
    private static final Handler CAPTURE = new Handler() {
        @Override
        public void publish(LogRecord r) {
            String msg = r instanceof org.jboss.logmanager.ExtLogRecord e ? e.getFormattedMessage() : r.getMessage();
            LOGS.add(r.getLoggerName() + " " + msg + (r.getThrown() == null ? "" : " " + stackTrace(r.getThrown())));
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };
    private static KafkaTestClient kafka;

    @BeforeAll
    static void clients() {
        kafka = new KafkaTestClient(KafkaBrokerResource.bootstrapServers());
        java.util.logging.Logger.getLogger("").addHandler(CAPTURE);
    }

    @AfterAll
    static void closeClients() {
        java.util.logging.Logger.getLogger("").removeHandler(CAPTURE);
        kafka.close();
    }

    @Test
    void everyBadKindIsDeadLetteredWithItsReasonAndTheGoodEventAfterItIsScored() throws Exception {
        String key = "dlq-" + UUID.randomUUID();
        List<BadRecord> kinds = BadRecords.all();
        Map<String, Double> dlqBefore = counters("sae_monitor_dlq_total");
        Set<String> goodIds = new HashSet<>();
        Map<String, String> bareAt = new HashMap<>();
        for (BadRecord bad : kinds) {
            Map<String, String> headers = new HashMap<>(bad.headers());
            headers.put("test-kind", bad.kind());
            if (bad.needsBareRecord()) {
                bareAt.put(sendBare(bad.value()), bad.kind());
            } else {
                kafka.send(Topics.EVENTS, key, bad.value(), headers);
            }
            String good = "good-after-" + bad.kind() + "-" + UUID.randomUUID();
            goodIds.add(good);
            kafka.send(Topics.EVENTS, key, JSON.writeValueAsString(Map.of("id", good, "conversationId", "conv-good",
                    "text", "A good event after a bad one.")));
        }
        java.util.function.Function<ConsumerRecord<String, byte[]>, String> kindOf = r -> key.equals(r.key())
                ? KafkaTestClient.header(r, "test-kind") : bareAt.get(KafkaTestClient.header(r, DeadLetterPublisher.PARTITION)
                        + "@" + KafkaTestClient.header(r, DeadLetterPublisher.OFFSET));
        List<ConsumerRecord<String, byte[]>> dl = kafka.readUntil(Topics.DLQ, WAIT,
                got -> got.stream().filter(r -> kindOf.apply(r) != null).count() >= kinds.size());
        Map<String, ConsumerRecord<String, byte[]>> byKind = dl.stream().filter(r -> kindOf.apply(r) != null)
                .collect(Collectors.toMap(kindOf, r -> r));
        for (BadRecord bad : kinds) {
            ConsumerRecord<String, byte[]> r = byKind.get(bad.kind());
            assertThat(r).as(bad.kind()).isNotNull();
            assertThat(KafkaTestClient.header(r, DeadLetterPublisher.REASON)).as(bad.kind()).isEqualTo(bad.reason());
            assertThat(KafkaTestClient.header(r, DeadLetterPublisher.DETAIL)).as(bad.kind()).isNotBlank();
            for (Header h : r.headers()) {
                if (h.key().startsWith("dead-letter-")) {
                    assertThat(new String(h.value(), StandardCharsets.UTF_8)).as(bad.kind() + " " + h.key()).doesNotContain(CANARY);
                }
            }
            if (bad.value().length < 1_000_000) {
                assertThat(r.value()).as(bad.kind() + ": original bytes kept").isEqualTo(bad.value());
                assertThat(KafkaTestClient.header(r, DeadLetterPublisher.TRUNCATED)).isNull();
            }
        }
        ConsumerRecord<String, byte[]> big = byKind.get("dead_letter_copy_over_max_request_size");
        assertThat(KafkaTestClient.header(big, DeadLetterPublisher.TRUNCATED)).isEqualTo(String.valueOf(BadRecords.NEAR_MAX_REQUEST_BYTES));
        assertThat(big.value().length).isBetween(1_000_000, BadRecords.NEAR_MAX_REQUEST_BYTES - 1);

        Map<String, JsonNode> verdicts = verdicts(goodIds);
        assertThat(verdicts.keySet()).containsAll(goodIds);
        verdicts.values().forEach(v -> assertThat(v.toString()).doesNotContain(CANARY));
        given().when().get(PipelineTest.managementUrl("/q/health/ready")).then().statusCode(200);

        Map<String, Long> expected = kinds.stream().collect(Collectors.groupingBy(BadRecord::reason, Collectors.counting()));
        await().atMost(WAIT).untilAsserted(() -> {
            Map<String, Double> after = counters("sae_monitor_dlq_total");
            for (var e : expected.entrySet()) {
                assertThat(after.getOrDefault(e.getKey(), 0.0) - dlqBefore.getOrDefault(e.getKey(), 0.0))
                        .as("dlq_total{reason=%s} counts what reached the topic", e.getKey()).isEqualTo(e.getValue().doubleValue());
            }
        });
        assertNoCanaryInLogsOrMetrics();
    }

    @Test
    void aDeadLetterTheBrokerRefusesAsTooLargeIsRetriedWithoutItsValue() throws Exception {
        String key = "dlq-small-topic-" + UUID.randomUUID();
        double retriesBefore = plainCounter("sae_monitor_dlq_write_retries_total");
        setDlqMaxMessageBytes("20000");
        try {
            byte[] bad = JSON.writeValueAsBytes(Map.of("schemaVersion", "7", "text", CANARY + " " + "y".repeat(40_000)));
            kafka.send(Topics.EVENTS, key, bad, Map.of("test-kind", "refused-copy"));
            String good = "good-after-refused-" + UUID.randomUUID();
            kafka.send(Topics.EVENTS, key, JSON.writeValueAsString(Map.of("id", good, "conversationId", "conv-good", "text", "Fine.")));
            List<ConsumerRecord<String, byte[]>> dl = kafka.readUntil(Topics.DLQ, WAIT,
                    got -> got.stream().anyMatch(r -> key.equals(r.key())));
            ConsumerRecord<String, byte[]> r = dl.stream().filter(x -> key.equals(x.key())).findFirst().orElseThrow();
            assertThat(KafkaTestClient.header(r, DeadLetterPublisher.REASON)).isEqualTo("unknown_schema");
            assertThat(KafkaTestClient.header(r, DeadLetterPublisher.VALUE_DROPPED)).isEqualTo(String.valueOf(bad.length));
            assertThat(KafkaTestClient.header(r, "test-kind")).isEqualTo("refused-copy");
            assertThat(r.value()).isEmpty();
            assertThat(verdicts(Set.of(good))).containsKey(good);
            assertThat(plainCounter("sae_monitor_dlq_write_retries_total")).isGreaterThan(retriesBefore);
            assertThat(new ArrayList<>(LOGS)).as("the retry is logged (and the log capture works)")
                    .anyMatch(l -> l.contains("dead-letter write of") && l.contains("RecordTooLargeException"));
            assertNoCanaryInLogsOrMetrics();
        } finally {
            setDlqMaxMessageBytes(null);
        }
    }

    @Test
    void httpRefusesEveryBadBodyWith400AndItsReasonAndCountsItApartFromTheDlq() {
        Map<String, Double> dlqBefore = counters("sae_monitor_dlq_total");
        Map<String, Double> rejectedBefore = counters("sae_monitor_http_rejected_total");
        Map<String, Long> expected = new LinkedHashMap<>();
        for (BadRecord bad : BadRecords.all()) {
            if (bad.needsKafkaHeaders()) {
                continue;
            }
            String body = given().contentType(bad.contentType()).body(bad.value()).when().post("/api/v1/score")
                    .then().statusCode(400).extract().asString();
            assertThat(body).as(bad.kind()).doesNotContain(CANARY);
            assertThat(readTree(body).path("error").asText()).as(bad.kind()).isEqualTo(bad.reason());
            assertThat(readTree(body).path("detail").asText()).as(bad.kind()).isNotBlank();
            expected.merge(bad.reason(), 1L, Long::sum);
        }
        assertThat(expected.values().stream().mapToLong(Long::longValue).sum()).isGreaterThanOrEqualTo(40);
        Map<String, Double> rejected = counters("sae_monitor_http_rejected_total");
        expected.forEach((reason, n) -> assertThat(rejected.getOrDefault(reason, 0.0) - rejectedBefore.getOrDefault(reason, 0.0))
                .as("http_rejected_total{reason=%s}", reason).isEqualTo(n.doubleValue()));
        assertThat(counters("sae_monitor_dlq_total")).as("nothing was written to the DLQ").isEqualTo(dlqBefore);
        assertNoCanaryInLogsOrMetrics();
    }

    private static void assertNoCanaryInLogsOrMetrics() {
        assertThat(scrape()).doesNotContain(CANARY);
        assertThat(new ArrayList<>(LOGS)).as("log lines").noneMatch(l -> l.contains(CANARY));
    }

    private static Map<String, JsonNode> verdicts(Set<String> ids) {
        Map<String, JsonNode> out = new HashMap<>();
        kafka.readUntil(Topics.VERDICTS, WAIT, got -> {
            for (ConsumerRecord<String, byte[]> r : got) {
                JsonNode v = readTree(new String(r.value(), StandardCharsets.UTF_8));
                if (ids.contains(v.path("eventId").asText())) {
                    out.put(v.path("eventId").asText(), v);
                }
            }
            return out.keySet().containsAll(ids);
        });
        return out;
    }

    /** Sends a record with no key and no headers, as a default producer takes a value near its 1 MiB limit; returns partition@offset. */
    private static String sendBare(byte[] value) throws Exception {
        Properties p = new Properties();
        p.put("bootstrap.servers", KafkaBrokerResource.bootstrapServers());
        try (var producer = new org.apache.kafka.clients.producer.KafkaProducer<>(p,
                new org.apache.kafka.common.serialization.ByteArraySerializer(), new org.apache.kafka.common.serialization.ByteArraySerializer())) {
            var md = producer.send(new org.apache.kafka.clients.producer.ProducerRecord<byte[], byte[]>(Topics.EVENTS, value)).get();
            return md.partition() + "@" + md.offset();
        }
    }

    private static void setDlqMaxMessageBytes(String value) throws Exception {
        Properties p = new Properties();
        p.put("bootstrap.servers", KafkaBrokerResource.bootstrapServers());
        try (Admin admin = Admin.create(p)) {
            ConfigResource topic = new ConfigResource(ConfigResource.Type.TOPIC, Topics.DLQ);
            AlterConfigOp op = value == null
                    ? new AlterConfigOp(new ConfigEntry("max.message.bytes", ""), AlterConfigOp.OpType.DELETE)
                    : new AlterConfigOp(new ConfigEntry("max.message.bytes", value), AlterConfigOp.OpType.SET);
            admin.incrementalAlterConfigs(Map.of(topic, List.of(op))).all().get();
        }
    }

    private static JsonNode readTree(String s) {
        try {
            return JSON.readTree(s);
        } catch (Exception e) {
            throw new IllegalStateException("not JSON: " + s, e);
        }
    }

    private static String scrape() {
        return given().when().get(PipelineTest.managementUrl("/q/metrics")).then().statusCode(200).extract().asString();
    }

    /** A counter's series by reason label. */
    private static Map<String, Double> counters(String name) {
        Map<String, Double> out = new HashMap<>();
        Matcher m = COUNTER.matcher(scrape());
        while (m.find()) {
            Matcher reason = REASON.matcher(m.group(2));
            if (m.group(1).equals(name) && reason.find()) {
                out.merge(reason.group(1), Double.parseDouble(m.group(3)), Double::sum);
            }
        }
        return out;
    }

    private static double plainCounter(String name) {
        Matcher m = Pattern.compile("^" + name + "(?:\\{[^}]*})?\\s+(\\S+)$", Pattern.MULTILINE).matcher(scrape());
        return m.find() ? Double.parseDouble(m.group(1)) : 0.0;
    }

    private static String stackTrace(Throwable t) {
        java.io.StringWriter w = new java.io.StringWriter();
        t.printStackTrace(new java.io.PrintWriter(w));
        return w.toString();
    }
}
