package dev.saemonitor.ingest.otel;

import static org.assertj.core.api.Assertions.assertThat;

import dev.saemonitor.ingest.LlmEvent;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** One record's events: admitted one by one, released one by one, and the record settled only after the last write. */
class EventFanOutTest {
    private final Map<String, CompletableFuture<Void>> writes = new LinkedHashMap<>();
    private final List<CompletableFuture<Void>> admissions = new ArrayList<>();
    private final AtomicInteger released = new AtomicInteger();
    private final AtomicReference<EventFanOut.Settled> settled = new AtomicReference<>();

    private static List<LlmEvent> events(String... ids) {
        return java.util.Arrays.stream(ids).map(id -> new LlmEvent(id, "c", null, null, "prompt", "t", Instant.EPOCH, null, 1)).toList();
    }

    private CompletableFuture<Void> run(List<LlmEvent> events) {
        return EventFanOut.run(events, () -> {
            CompletableFuture<Void> a = new CompletableFuture<>();
            admissions.add(a);
            return a;
        }, released::incrementAndGet, e -> {
            CompletableFuture<Void> w = new CompletableFuture<>();
            writes.put(e.id(), w);
            return w;
        }, settled::set);
    }

    @Test
    void theRecordSettlesOnlyOnceEveryEventsWritesAreDone() {
        CompletableFuture<Void> admitted = run(events("a", "b", "c"));
        assertThat(admissions).hasSize(1);
        admissions.get(0).complete(null);
        assertThat(writes).containsOnlyKeys("a");
        assertThat(admitted).isNotDone();
        admissions.get(1).complete(null);
        admissions.get(2).complete(null);
        assertThat(admitted).isCompleted();
        writes.get("c").complete(null);
        writes.get("a").complete(null);
        assertThat(released).hasValue(2);
        assertThat(settled.get()).as("one write still open").isNull();
        writes.get("b").complete(null);
        assertThat(released).hasValue(3);
        assertThat(settled.get().written()).isTrue();
        assertThat(settled.get().events()).isEqualTo(3);
    }

    @Test
    void aFailedWriteIsReportedOnceAllHaveSettled() {
        run(events("a", "b"));
        admissions.get(0).complete(null);
        admissions.get(1).complete(null);
        writes.get("a").completeExceptionally(new IllegalStateException("boom"));
        assertThat(settled.get()).isNull();
        writes.get("b").complete(null);
        assertThat(settled.get().written()).isFalse();
        assertThat(settled.get().failures()).singleElement().isInstanceOf(IllegalStateException.class);
        assertThat(released).hasValue(2);
    }

    @Test
    void anAdmissionRefusedWhileStoppingLeavesTheRecordUnsettled() {
        CompletableFuture<Void> admitted = run(events("a", "b", "c"));
        admissions.get(0).complete(null);
        admissions.get(1).completeExceptionally(new CancellationException("stopping"));
        assertThat(admitted).isCompletedExceptionally();
        assertThat(EventFanOut.cause(admitted.handle((v, t) -> t).join())).isInstanceOf(CancellationException.class);
        writes.get("a").complete(null);
        assertThat(writes).containsOnlyKeys("a");
        assertThat(released).hasValue(1);
        assertThat(settled.get()).as("never acked nor dead-lettered").isNull();
    }

    @Test
    void aRecordOfOneEventSettlesLikeTheEventsTopicsRecords() {
        CompletionStage<Void> admitted = run(events("only"));
        admissions.get(0).complete(null);
        assertThat(admitted.toCompletableFuture()).isCompleted();
        writes.get("only").complete(null);
        assertThat(settled.get().written()).isTrue();
    }
}
