package dev.saemonitor.conversation.state;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The Kafka Streams state directory of this process: the first {@code slot-N} under the base whose lock file no
 * live process holds. Two replicas on one host (the ITs, a dev machine) thus never share a directory, which
 * Kafka Streams refuses, and a replica that restarts after a crash (the OS dropped its lock) takes the same slot
 * back and finds its local store, so it restores only the changelog's tail.
 */
final class StateDirSlot {
    static final int MAX_SLOTS = 64;

    final Path dir;
    @SuppressWarnings("unused") // held for the life of the process: the lock is the claim on the slot
    private final FileLock lock;

    private StateDirSlot(Path dir, FileLock lock) {
        this.dir = dir;
        this.lock = lock;
    }

    static StateDirSlot claim(Path base) {
        try {
            Files.createDirectories(base);
        } catch (IOException e) {
            throw new UncheckedIOException("monitor.conversations.state-dir: cannot create " + base, e);
        }
        for (int n = 0; n < MAX_SLOTS; n++) {
            Path dir = base.resolve("slot-" + n);
            try {
                FileChannel ch = FileChannel.open(base.resolve("slot-" + n + ".lock"), StandardOpenOption.CREATE,
                        StandardOpenOption.WRITE);
                FileLock lock;
                try {
                    lock = ch.tryLock();
                } catch (OverlappingFileLockException held) {
                    lock = null;
                }
                if (lock == null) {
                    ch.close();
                    continue;
                }
                Files.createDirectories(dir);
                return new StateDirSlot(dir, lock);
            } catch (IOException e) {
                throw new UncheckedIOException("monitor.conversations.state-dir: cannot lock a slot in " + base, e);
            }
        }
        throw new IllegalStateException("monitor.conversations.state-dir: all " + MAX_SLOTS + " slots under " + base
                + " are held by running processes");
    }
}
