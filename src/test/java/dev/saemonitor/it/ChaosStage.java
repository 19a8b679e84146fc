package dev.saemonitor.it;

import dev.saemonitor.config.Topics;
import dev.saemonitor.modelpack.SaeArchitecture;
import dev.saemonitor.testing.TestPacks;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * What every chaos scenario stands on: a working directory under {@code target/chaos/<scenario>} (kept
 * after the run: broker and service logs are there), a child-process broker with the monitor's topics,
 * and a small test pack. Also where the scenarios report their figures, one {@code chaos:} line each.
 */
final class ChaosStage implements AutoCloseable {
    final Path dir;
    final BrokerProcess broker;
    final Path pack;
    private final long t0 = System.nanoTime();

    private ChaosStage(Path dir, BrokerProcess broker, Path pack) {
        this.dir = dir;
        this.broker = broker;
        this.pack = pack;
    }

    static ChaosStage open(String scenario) throws Exception {
        Path dir = Path.of("target", "chaos", scenario).toAbsolutePath();
        if (Files.exists(dir)) {
            try (Stream<Path> s = Files.walk(dir)) {
                s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
        Files.createDirectories(dir);
        BrokerProcess broker = BrokerProcess.start(dir.resolve("broker"), Topics.DEFAULT_PARTITIONS, Topics.ALL_DEFAULTS);
        Path pack = TestPacks.write(dir.resolve("pack"), SaeArchitecture.TOPK, 512, 21);
        return new ChaosStage(dir, broker, pack);
    }

    ServiceNode service(String name, List<String> props) throws IOException {
        return ServiceNode.start(name, dir, broker.bootstrapServers(), pack, props);
    }

    double seconds() {
        return (System.nanoTime() - t0) / 1e9;
    }

    /** One line of figures for the run log and docs/reliability.md. */
    void report(String format, Object... args) {
        String line = "chaos: " + String.format(format, args);
        System.out.println(line);
        try {
            Files.writeString(dir.resolve("figures.txt"), line + "\n", java.nio.file.StandardOpenOption.CREATE,
                    java.nio.file.StandardOpenOption.APPEND);
        } catch (IOException e) {
            System.out.println("could not write figures: " + e);
        }
    }

    @Override
    public void close() throws InterruptedException {
        broker.close();
    }
}
