package dev.saemonitor.batch;

import dev.saemonitor.scoring.SafetyScorer;
import dev.saemonitor.scoring.ScoreRequest;
import dev.saemonitor.scoring.StageListener;
import dev.saemonitor.scoring.Verdict;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * Gathers requests into batches bounded by count, estimated tokens and a maximum wait, and scores them
 * on one dedicated inference thread, off the event loop. ONNX Runtime parallelises inside each run, so
 * one thread keeps the cores busy without batches competing for them. The reader sorts windows by
 * length within a batch, so padding stays small.
 */
public final class MicroBatcher implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(MicroBatcher.class);

    private record Pending(ScoreRequest request, long enqueuedNanos, CompletableFuture<Verdict> result) {
    }

    private final LinkedBlockingQueue<Pending> queue = new LinkedBlockingQueue<>();
    private final SafetyScorer scorer;
    private final BatchLimits limits;
    private final StageListener listener;
    private final Thread worker;
    private volatile boolean running = true;

    public MicroBatcher(SafetyScorer scorer, BatchLimits limits, StageListener listener) {
        this.scorer = scorer;
        this.limits = limits;
        this.listener = listener;
        this.worker = Thread.ofPlatform().name("sae-inference").daemon().start(this::loop);
    }

    /** Queues a request; the future completes with its verdict (latency not yet filled in). */
    public CompletableFuture<Verdict> submit(ScoreRequest r) {
        CompletableFuture<Verdict> f = new CompletableFuture<>();
        if (!running) {
            f.completeExceptionally(new CancellationException("stopping: batcher closed"));
            return f;
        }
        queue.add(new Pending(r, System.nanoTime(), f));
        return f;
    }

    public int queued() {
        return queue.size();
    }

    static int estimateTokens(ScoreRequest r) {
        if (r.activations() != null) {
            return r.activations().tokens();
        }
        return r.text() == null ? 1 : r.text().length() / 4 + 2;
    }

    private void loop() {
        long maxWait = limits.maxWait().toNanos();
        while (running || !queue.isEmpty()) {
            try {
                Pending first = queue.poll(100, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                List<Pending> batch = new ArrayList<>();
                batch.add(first);
                int tokens = estimateTokens(first.request());
                long deadline = first.enqueuedNanos() + maxWait;
                while (batch.size() < limits.maxEvents() && tokens < limits.maxTokens()) {
                    Pending next = queue.peek();
                    if (next != null && tokens + estimateTokens(next.request()) > limits.maxTokens() && batch.size() > 0) {
                        break;
                    }
                    long left = deadline - System.nanoTime();
                    next = left > 0 ? queue.poll(left, TimeUnit.NANOSECONDS) : queue.poll();
                    if (next == null) {
                        break;
                    }
                    batch.add(next);
                    tokens += estimateTokens(next.request());
                }
                run(batch);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private void run(List<Pending> batch) {
        try {
            List<Verdict> vs = scorer.score(batch.stream().map(Pending::request).toList(), false, listener);
            long now = System.nanoTime();
            for (int i = 0; i < batch.size(); i++) {
                Pending p = batch.get(i);
                p.result().complete(vs.get(i).withLatency((now - p.enqueuedNanos()) / 1_000_000));
            }
        } catch (Exception | OutOfMemoryError e) {
            LOG.errorf("inference failed for a batch of %d events: %s", batch.size(), e.getClass().getSimpleName());
            for (Pending p : batch) {
                p.result().completeExceptionally(e);
            }
        }
    }

    /** Stops accepting, finishes what is queued (up to the timeout), then stops the worker. */
    @Override
    public void close() {
        running = false;
        try {
            worker.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        Pending p;
        while ((p = queue.poll()) != null) {
            p.result().completeExceptionally(new CancellationException("stopping: not scored before the batcher closed"));
        }
    }
}
