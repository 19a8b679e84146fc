package dev.saemonitor.it;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Polls a replica's readiness on its own thread and keeps every answer that was not 200. */
final class ReadinessWatch implements AutoCloseable {
    private final List<String> notReady = new CopyOnWriteArrayList<>();
    private final Thread thread;
    private volatile boolean running = true;
    private volatile int polls;

    ReadinessWatch(ServiceNode node) {
        long t0 = System.nanoTime();
        thread = new Thread(() -> {
            while (running) {
                int status = node.readiness();
                polls++;
                if (status != 200 && running) {
                    notReady.add(String.format("%.1fs: %d", (System.nanoTime() - t0) / 1e9, status));
                }
                java.util.concurrent.locks.LockSupport.parkNanos(250_000_000L);
            }
        }, "readiness-" + node.name);
        thread.setDaemon(true);
        thread.start();
    }

    /** Answers other than 200, with the seconds since the watch began. */
    List<String> notReady() {
        return List.copyOf(notReady);
    }

    int polls() {
        return polls;
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        thread.join(5000);
    }
}
