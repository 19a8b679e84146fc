package dev.saemonitor.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * Conversation state directory for {@code serve} with the in-process broker: {@code work/embedded/<pid>}. That
 * broker's data is thrown away at exit, so local state kept for it would describe a cluster that no longer exists;
 * each run gets a fresh directory, and those of processes no longer alive are removed.
 */
final class EmbeddedStateDir {
    private static final Path BASE = Path.of("work", "embedded");

    private EmbeddedStateDir() {
    }

    static Path fresh() {
        try {
            Files.createDirectories(BASE);
            try (Stream<Path> dirs = Files.list(BASE)) {
                dirs.filter(d -> d.getFileName().toString().matches("\\d+"))
                        .filter(d -> ProcessHandle.of(Long.parseLong(d.getFileName().toString())).isEmpty())
                        .forEach(EmbeddedStateDir::delete);
            }
            return Files.createDirectories(BASE.resolve(String.valueOf(ProcessHandle.current().pid())));
        } catch (IOException e) {
            throw new UncheckedIOException("monitor.conversations.state-dir: cannot prepare " + BASE.toAbsolutePath(), e);
        }
    }

    private static void delete(Path dir) {
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a leftover directory costs disk, not correctness: the next run tries again
        }
    }
}
