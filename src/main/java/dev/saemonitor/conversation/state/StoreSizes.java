package dev.saemonitor.conversation.state;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Conversations and bytes held in this replica's stores, per task (one task per turns partition), as the
 * processors count them: exactly after each restore and expiry scan, by put and delete in between. A task
 * that moves away takes its count with it.
 */
public final class StoreSizes {
    private record Size(long conversations, long bytes) {
    }

    private final Map<String, Size> byTask = new ConcurrentHashMap<>();

    void set(String task, long conversations, long bytes) {
        byTask.put(task, new Size(conversations, bytes));
    }

    void add(String task, long conversations, long bytes) {
        byTask.merge(task, new Size(conversations, bytes),
                (a, b) -> new Size(Math.max(0, a.conversations + b.conversations), Math.max(0, a.bytes + b.bytes)));
    }

    void remove(String task) {
        byTask.remove(task);
    }

    public long conversations() {
        return byTask.values().stream().mapToLong(Size::conversations).sum();
    }

    public long bytes() {
        return byTask.values().stream().mapToLong(Size::bytes).sum();
    }
}
