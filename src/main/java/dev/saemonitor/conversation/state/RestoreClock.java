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
    private final AtomicLong restoreNanos = new AtomicLong();
    private volatile double readySeconds = Double.NaN;

    RestoreClock(MonitorMetrics metrics) {
        this.metrics = metrics;
    }

    @Override
    public void onRestoreStart(TopicPartition tp, String store, long startingOffset, long endingOffset) {
        started.put(tp, System.nanoTime());
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
            restoreNanos.addAndGet(nanos);
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

    double restoreSeconds() {
        return restoreNanos.get() / 1e9;
    }
}
