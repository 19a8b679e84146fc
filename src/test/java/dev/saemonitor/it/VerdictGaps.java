package dev.saemonitor.it;

import java.util.List;
import java.util.OptionalLong;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/** Timing read off verdict records' timestamps (the service's clock, the same machine as the test's). */
final class VerdictGaps {
    private VerdictGaps() {
    }

    /** Milliseconds from {@code fromMillis} to the first verdict written after it, if any. */
    static OptionalLong firstAfter(List<ConsumerRecord<String, byte[]>> verdicts, long fromMillis) {
        return verdicts.stream().mapToLong(ConsumerRecord::timestamp).filter(t -> t > fromMillis).min()
                .stream().map(t -> t - fromMillis).findFirst();
    }

    /** Longest pause between consecutive verdicts (any partition) written in {@code [from, to]}, in ms. */
    static long longestPause(List<ConsumerRecord<String, byte[]>> verdicts, long fromMillis, long toMillis) {
        long[] ts = verdicts.stream().mapToLong(ConsumerRecord::timestamp).filter(t -> t >= fromMillis && t <= toMillis)
                .sorted().toArray();
        long longest = ts.length == 0 ? toMillis - fromMillis : ts[0] - fromMillis;
        for (int i = 1; i < ts.length; i++) {
            longest = Math.max(longest, ts[i] - ts[i - 1]);
        }
        return longest;
    }
}
