package dev.saemonitor.conversation.state;

import dev.saemonitor.metrics.MonitorMetrics;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.processor.StateRestoreListener;

/**
 * Times changelog restores: each store partition's restore (a histogram) and, once, the time from the start of
 * the topology until it first runs with its stores restored (the figure the restore target is about).
 */
final class RestoreClock implements StateRestoreListener {
    private final MonitorMetrics metrics;
    private final Map<TopicPartition, Long> started = new ConcurrentHashMap<>();
    private final AtomicLong restored = new AtomicLong();
    private final AtomicLong firstStartNanos = new AtomicLong();
    private final AtomicLong lastEndNanos = new AtomicLong();
    private volatile double readySeconds = Double.NaN;

    RestoreClock(MonitorMetrics metrics) {
        this.metrics = metrics;
    }

    @Override
    public void onRestoreStart(TopicPartition tp, String store, long startingOffset, long endingOffset) {
        long now = System.nanoTime();
        started.put(tp, now);
        firstStartNanos.compareAndSet(0, now);
    }

    @Override
    public void onBatchRestored(TopicPartition tp, String store, long batchEndOffset, long numRestored) {
        restored.addAndGet(numRestored);
        metrics.conversationRecordsRestored(numRestored);
    }

    @Override
    public void onRestoreEnd(TopicPartition tp, String store, long totalRestored) {
        Long t0 = started.remove(tp);
        if (t0 != null) {
            long nanos = System.nanoTime() - t0;
            lastEndNanos.set(System.nanoTime());
            metrics.conversationRestore(nanos);
        }
    }

    void running(long startNanos) {
        readySeconds = (System.nanoTime() - startNanos) / 1e9;
    }

    double readySeconds() {
        return readySeconds;
    }

    long restoredRecords() {
        return restored.get();
    }

    /** Wall time from the first partition's restore start to the last one's end (0 when nothing was restored). */
    double restoreSeconds() {
        long first = firstStartNanos.get(), last = lastEndNanos.get();
        return first == 0 || last < first ? 0 : (last - first) / 1e9;
    }
}
