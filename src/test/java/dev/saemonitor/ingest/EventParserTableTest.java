package dev.saemonitor.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import dev.saemonitor.testing.BadRecords;
import dev.saemonitor.testing.BadRecords.BadRecord;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The parser over every kind of bad record: a value with the expected reason, a detail that names the
 * rule and never the canary placed in every field, and no exception for any input.
 */
class EventParserTableTest {
    private static final EventParser PARSER = new EventParser(BadRecords.MAX_EVENT_BYTES, BadRecords.READER_ID,
            BadRecords.LAYER, BadRecords.D_IN);

    private static final byte[] JSON_BYTES = "{}[]\",:\\0-e".getBytes(StandardCharsets.UTF_8);

    static Stream<BadRecord> kinds() {
        return BadRecords.all().stream();
    }

    private static ParseResult parse(byte[] value, Map<String, String> headers) {
        return PARSER.parse(value, headers, BadRecords.CANARY, "llm.events-0-1", Instant.EPOCH);
    }

    @Test
    void atLeastFortyDistinctKindsCoverEveryInputReason() {
        List<BadRecord> all = BadRecords.all();
        assertThat(all).hasSizeGreaterThanOrEqualTo(40);
        assertThat(all.stream().map(BadRecord::kind).collect(Collectors.toSet())).hasSize(all.size());
        Set<DeadLetterReason> covered = all.stream().map(BadRecord::expected).collect(Collectors.toSet());
        assertThat(covered).containsAll(Stream.of(DeadLetterReason.values())
                // malformed_otlp belongs to the OTLP topics' decoder (ingest.otel), not to the events parser;
                // activations_required only to packs with an external reader (ExternalReaderEventsTest)
                .filter(r -> r != DeadLetterReason.PROCESSING_FAILED && r != DeadLetterReason.MALFORMED_OTLP
                        && r != DeadLetterReason.ACTIVATIONS_REQUIRED).toList());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("kinds")
    void eachKindIsAValueWithItsReasonAndADetailWithoutTheCanary(BadRecord bad) {
        ParseResult r = parse(bad.value(), bad.headers());
        assertThat(r.valid()).as(bad.kind()).isFalse();
        assertThat(r.reason()).as(bad.kind() + ": " + r.detail()).isEqualTo(bad.expected());
        assertThat(r.detail()).as(bad.kind()).isNotBlank().doesNotContainIgnoringCase(BadRecords.CANARY)
                .doesNotContainIgnoringCase("canary");
    }

    @Test
    void canaryLeftOutOfDetailsWhateverItLooksLike() {
        for (String canary : List.of("s3cr3t", "1.0x", "f64", "ZmFrZQ")) {
            for (BadRecord bad : BadRecords.all(canary)) {
                ParseResult r = parse(bad.value(), bad.headers());
                assertThat(r.reason()).as(canary + " " + bad.kind()).isEqualTo(bad.expected());
                assertThat(r.detail()).as(canary + " " + bad.kind()).doesNotContain(canary);
            }
        }
    }

    @Test
    void goodEventsOfEveryShapeStillParse() {
        String plain = "{\"id\":\"e1\",\"conversationId\":\"c1\",\"role\":\"prompt\",\"text\":\"hello\",\"time\":\"2026-11-26T10:00:00Z\"}";
        assertThat(parse(bytes(plain), Map.of()).event().id()).isEqualTo("e1");
        assertThat(parse(bytes("{\"id\":17,\"text\":\"numeric id\",\"schemaVersion\":\"1\"}"), Map.of()).event().id()).isEqualTo("17");
        assertThat(parse(bytes("{\"text\":\"no id\",\"tenant\":null,\"activations\":null}"), Map.of()).event().id())
                .isEqualTo("llm.events-0-1");
        LlmEvent bin = parse(bytes("{\"text\":\"binary\"}"), Map.of("ce_specversion", "1.0", "ce_id", "b1", "ce_subject", "c9"))
                .event();
        assertThat(bin.id()).isEqualTo("b1");
        assertThat(bin.conversationId()).isEqualTo("c9");
        LlmEvent structured = parse(bytes("{\"specversion\":\"1.0\",\"id\":\"s1\",\"data\":{\"text\":\"structured\"}}"),
                Map.of("content-type", "application/cloudevents+json")).event();
        assertThat(structured.id()).isEqualTo("s1");
        LlmEvent chat = parse(bytes("{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"},{\"role\":\"assistant\",\"content\":\"yo\"}]}"),
                Map.of()).event();
        assertThat(chat.text()).isEqualTo("hi\nyo");
        assertThat(chat.role()).isEqualTo("completion");
        assertThat(parse(bytes(plain + "\n"), Map.of()).valid()).as("trailing whitespace is not trailing content").isTrue();
    }

    /** Random damage to good records: every result is an event or a reason with a detail, never an exception. */
    @Test
    void damagedRecordsNeverThrow() {
        Random rnd = new Random(9);
        List<byte[]> seeds = Stream.concat(BadRecords.all().stream().map(BadRecord::value).filter(v -> v.length < 4096),
                Stream.of(bytes("{\"id\":\"e\",\"role\":\"completion\",\"messages\":[{\"role\":\"user\",\"content\":\"a\"}],"
                        + "\"activations\":{\"readerId\":\"all-minilm-l6-v2-q\",\"layer\":3,\"shape\":[1,384],\"data\":\"AAAA\"}}"))).toList();
        for (int i = 0; i < 20_000; i++) {
            byte[] v = seeds.get(rnd.nextInt(seeds.size())).clone();
            if (v.length == 0) {
                continue;
            }
            switch (rnd.nextInt(4)) {
                case 0 -> v[rnd.nextInt(v.length)] = (byte) rnd.nextInt(256);
                case 1 -> v = java.util.Arrays.copyOf(v, rnd.nextInt(v.length));
                case 2 -> v[rnd.nextInt(v.length)] = JSON_BYTES[rnd.nextInt(JSON_BYTES.length)];
                default -> {
                    int at = rnd.nextInt(v.length);
                    v[at] = v[rnd.nextInt(v.length)];
                }
            }
            byte[] input = v;
            Map<String, String> headers = rnd.nextBoolean() ? Map.of() : Map.of("ce_specversion", "1.0");
            assertThatCode(() -> {
                ParseResult r = parse(input, headers);
                assertThat(r.valid() || (r.reason() != null && r.detail() != null && !r.detail().isBlank())).isTrue();
            }).doesNotThrowAnyException();
        }
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
