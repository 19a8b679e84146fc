package dev.saemonitor.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/** Verdict records counted by event id: which ids got none, how many records repeated one. */
record VerdictCount(Map<String, Integer> byId) {
    private static final ObjectMapper JSON = new ObjectMapper();

    static VerdictCount of(List<ConsumerRecord<String, byte[]>> verdicts) {
        Map<String, Integer> m = new HashMap<>();
        for (ConsumerRecord<String, byte[]> r : verdicts) {
            m.merge(eventId(r), 1, Integer::sum);
        }
        return new VerdictCount(m);
    }

    static String eventId(ConsumerRecord<String, byte[]> r) {
        try {
            JsonNode v = JSON.readTree(r.value());
            return v.path("eventId").asText();
        } catch (IOException e) {
            throw new UncheckedIOException("verdict at offset " + r.offset() + " is not JSON", e);
        }
    }

    boolean coversAll(Collection<String> ids) {
        return byId.keySet().containsAll(ids);
    }

    List<String> missing(Collection<String> ids) {
        return ids.stream().filter(id -> !byId.containsKey(id)).sorted().toList();
    }

    /** Verdict records beyond the first for their event id. */
    long duplicates() {
        return byId.values().stream().mapToLong(c -> c - 1).sum();
    }

    int mostCopies() {
        return byId.values().stream().mapToInt(Integer::intValue).max().orElse(0);
    }
}
