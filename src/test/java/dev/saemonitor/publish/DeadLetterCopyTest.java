package dev.saemonitor.publish;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.record.AbstractRecords;
import org.apache.kafka.common.record.CompressionType;
import org.apache.kafka.common.record.RecordBatch;
import org.junit.jupiter.api.Test;

/** The dead-letter copy always fits the producer's limit, measured with Kafka's own size estimate. */
class DeadLetterCopyTest {
    private static final int MAX = DeadLetterPublisher.DEFAULT_MAX_REQUEST_SIZE;
    private static final List<Header> OURS = List.of(h("dead-letter-reason", "oversize"),
            h("dead-letter-detail", "record of 1048453 bytes exceeds 262144"), h("dead-letter-topic", "llm.events"),
            h("dead-letter-partition", "3"), h("dead-letter-offset", "123456789"));

    private static Header h(String k, String v) {
        return new RecordHeader(k, v.getBytes(StandardCharsets.UTF_8));
    }

    private static String header(DeadLetterCopy c, String key) {
        Header h = c.headers().lastHeader(key);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    /** What KafkaProducer compares with max.request.size before it sends. */
    private static int kafkaEstimate(DeadLetterCopy c) {
        return AbstractRecords.estimateSizeInBytesUpperBound(RecordBatch.CURRENT_MAGIC_VALUE, CompressionType.NONE,
                c.key() == null ? null : c.key().getBytes(StandardCharsets.UTF_8), c.value(), c.headers().toArray());
    }

    @Test
    void aRecordThatFitsIsCopiedUnchanged() {
        byte[] v = "{\"text\":\"x\"}".getBytes(StandardCharsets.UTF_8);
        DeadLetterCopy c = DeadLetterCopy.of(v, "conv", List.of(h("ce_id", "e1"), h("dead-letter-reason", "stale")), OURS, MAX, false);
        assertThat(c.value()).isEqualTo(v);
        assertThat(c.key()).isEqualTo("conv");
        assertThat(header(c, "ce_id")).isEqualTo("e1");
        assertThat(c.headers().headers("dead-letter-reason")).hasSize(1);
        assertThat(header(c, DeadLetterCopy.TRUNCATED)).isNull();
    }

    @Test
    void theIssueRecordOf1048453BytesIsCutToFitAndSaysItsOriginalSize() {
        byte[] v = new byte[1_048_453];
        Arrays.fill(v, (byte) 'x');
        List<Header> original = List.of(h("content-type", "application/json"), h("traceparent", "00-" + "a".repeat(51)));
        assertThat(DeadLetterCopy.size("conv-42", v.length, concat(original, OURS))).as("the uncut copy would not fit").isGreaterThan(MAX);
        DeadLetterCopy c = DeadLetterCopy.of(v, "conv-42", original, OURS, MAX, false);
        assertThat(kafkaEstimate(c)).isLessThanOrEqualTo(MAX);
        assertThat(DeadLetterCopy.size(c.key(), c.value().length, Arrays.asList(c.headers().toArray())))
                .as("our bound is never below Kafka's").isGreaterThanOrEqualTo(kafkaEstimate(c));
        assertThat(c.value().length).isBetween(1_048_000, 1_048_453);
        assertThat(c.value()).isEqualTo(Arrays.copyOf(v, c.value().length));
        assertThat(header(c, DeadLetterCopy.TRUNCATED)).isEqualTo("1048453");
        assertThat(header(c, "traceparent")).isNotNull();
    }

    @Test
    void minimalFormDropsTheValueAndKeepsTheReason() {
        DeadLetterCopy c = DeadLetterCopy.of(new byte[5000], "k", List.of(h("ce_id", "e")), OURS, MAX, true);
        assertThat(c.value()).isEmpty();
        assertThat(header(c, DeadLetterCopy.VALUE_DROPPED)).isEqualTo("5000");
        assertThat(header(c, "dead-letter-reason")).isEqualTo("oversize");
        assertThat(header(c, "ce_id")).isEqualTo("e");
    }

    @Test
    void originalHeadersTooLargeToCopyAreDroppedAndCounted() {
        List<Header> huge = List.of(h("a", "y".repeat(600_000)), h("b", "z".repeat(600_000)));
        DeadLetterCopy c = DeadLetterCopy.of(new byte[100], "k", huge, OURS, MAX, false);
        assertThat(kafkaEstimate(c)).isLessThanOrEqualTo(MAX);
        assertThat(c.value()).isEmpty();
        assertThat(header(c, DeadLetterCopy.HEADERS_DROPPED)).isEqualTo("2");
        assertThat(header(c, DeadLetterCopy.VALUE_DROPPED)).isEqualTo("100");
        assertThat(c.headers().lastHeader("a")).isNull();
    }

    @Test
    void everySizeNearTheLimitFits() {
        for (int size = MAX - 600; size <= MAX + 50; size += 7) {
            DeadLetterCopy c = DeadLetterCopy.of(new byte[size], "conversation-" + size, List.of(h("ce_id", "e")), OURS, MAX, false);
            assertThat(kafkaEstimate(c)).as("value of %d bytes", size).isLessThanOrEqualTo(MAX);
        }
    }

    private static List<Header> concat(List<Header> a, List<Header> b) {
        return java.util.stream.Stream.concat(a.stream(), b.stream()).toList();
    }
}
